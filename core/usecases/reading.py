"""Reading tasks: one by id, a filtered and sorted list, a count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.queries import tasks as task_rows
from core.queries.task_filter import first_by_due, where_for
from core.schemas import TaskRead
from core.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from core.selection import TaskFilter


def get(uow: UnitOfWork, task_id: int) -> TaskRead:
    """One task by id, in any status; NotFound if the owner has no such task."""
    with uow.store.read() as db:
        return task_rows.load(db, uow.owner, [task_id], uow.tz)[0][1]


def list_tasks(uow: UnitOfWork, flt: TaskFilter) -> list[TaskRead]:
    """The tasks matching `flt`, sorted and limited as it asks."""
    from core.sorting import sort_tasks  # lists only: a count does not sort

    now = uow.now()
    with uow.store.read() as db:
        where = where_for(flt, uow.owner, now, db)
        if flt.limit is not None and flt.sort == "due" and not flt.reverse:
            where = first_by_due(where, flt.limit, db)
        tasks = task_rows.select(db, where.sql(), where.params, uow.tz)
    sort_tasks(tasks, flt.sort, flt.reverse, now)
    return tasks[: flt.limit] if flt.limit is not None else tasks


def count(uow: UnitOfWork, flt: TaskFilter) -> int:
    """How many tasks match `flt` (sort and limit ignored)."""
    with uow.store.read() as db:
        where = where_for(flt, uow.owner, uow.now(), db)
        return task_rows.count(db, where.sql(), where.params)
