"""Projects across tasks: the tree with pending counts, and renaming one with its sub-projects."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core import projects
from core.errors import NotFound
from core.projects import ProjectNode
from core.schemas import TaskRead
from core.unit_of_work import UnitOfWork


def project_tree(uow: UnitOfWork) -> list[ProjectNode]:
    """Every project holding a pending task, as a tree with pending counts (own and total)."""
    with uow.store.read() as db:
        rows = db.all(
            "SELECT project, COUNT(*) FROM task WHERE owner = ? AND status = 'pending' "
            "AND project IS NOT NULL GROUP BY project",
            (uow.owner,),
        )
    return projects.tree({str(path): int(n) for path, n in rows})


def rename_project(uow: UnitOfWork, old: str, new: str) -> list[TaskRead]:
    """Move project `old`, its sub-projects and all their tasks (any status) to `new`, as one
    undoable change; into an existing project they merge."""
    old_path, new_path = projects.normalise(old), projects.normalise(new)
    projects.check_rename(old_path, new_path)
    with uow.store.read() as db:
        ids = [
            int(i)
            for (i,) in db.all(
                "SELECT id FROM task WHERE owner = ? "
                "AND (project = ? OR project LIKE ? ESCAPE '\\') ORDER BY id",
                (uow.owner, old_path, projects.like_prefix(old_path)),
            )
        ]
    if not ids:
        raise NotFound(f"no task is in the project '{old_path}'")

    def moved(task: TaskRead, now: datetime) -> TaskRead:
        assert task.project is not None
        return replace(task, project=projects.renamed(task.project, old_path, new_path),
                       updated=now)

    return uow.change("project-rename", ids, moved, allow_deleted=True)
