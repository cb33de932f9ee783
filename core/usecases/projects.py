"""Projects across tasks: the tree with pending counts, and renaming one with its sub-projects."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core import projects
from core.errors import NotFound
from core.project_tree import ProjectNode, tree
from core.queries import task_plans
from core.schemas import TaskRead
from core.unit_of_work import UnitOfWork


def project_tree(uow: UnitOfWork) -> list[ProjectNode]:
    """Every project holding a pending task, as a tree with pending counts (own and total)."""
    with uow.store.read() as db:
        return tree(task_plans.project_counts(db, uow.owner))


def rename_project(uow: UnitOfWork, old: str, new: str) -> list[TaskRead]:
    """Move project `old`, its sub-projects and all their tasks (any status) to `new`, as one
    undoable change; into an existing project they merge."""
    old_path, new_path = projects.normalise(old), projects.normalise(new)
    projects.check_rename(old_path, new_path)
    with uow.store.read() as db:
        ids = task_plans.ids_in_project(db, uow.owner, old_path)
    if not ids:
        raise NotFound(f"no task is in the project '{old_path}'")

    def moved(task: TaskRead, now: datetime) -> TaskRead:
        assert task.project is not None
        return replace(task, project=projects.renamed(task.project, old_path, new_path),
                       updated=now)

    return uow.change("project-rename", ids, moved, allow_deleted=True)
