"""Tags across tasks: the tags in use, and renaming one everywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.errors import NotFound
from core.queries import tags as tag_rows
from core.schemas import TaskRead
from core.tags import normalise_tag
from core.unit_of_work import UnitOfWork


def tags(uow: UnitOfWork) -> list[tuple[str, int]]:
    """Every tag on a pending task, with how many pending tasks carry it."""
    with uow.store.read() as db:
        return tag_rows.in_use(db, uow.owner)


def rename_tag(uow: UnitOfWork, old: str, new: str) -> list[TaskRead]:
    """Rename a tag on every task that has it (merging if the new tag exists already)."""
    old_tag, new_tag = normalise_tag(old), normalise_tag(new)
    with uow.store.read() as db:
        ids = tag_rows.task_ids_with(db, uow.owner, old_tag)
    if not ids:
        raise NotFound(f"no task has the tag '{old_tag}'")

    def rename(task: TaskRead, now: datetime) -> TaskRead:
        renamed = {new_tag if t == old_tag else t for t in task.tags}
        return replace(task, tags=tuple(sorted(renamed)), updated=now)

    return uow.change("tag-rename", ids, rename, allow_deleted=True)
