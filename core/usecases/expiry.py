"""Expiry: a pending task whose `until` has passed is deleted, with an event, undoably.

Driven by time like reminders: the recurrence worker ticks it, and the embedded drain runs
it after each change. Undoing an expiry brings the task back without its `until`, or it
would expire again at once (core/usecases/undo.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.queries import task_plans, tasks
from core.schemas import Status, TaskRead
from core.unit_of_work import Tx, UnitOfWork

KIND = "expire"
"""The operation kind of an expiry; undo treats it specially."""


def owners_with_expired(uow: UnitOfWork, now: datetime) -> list[str]:
    """Every owner with a pending task whose `until` is at or before `now`."""
    with uow.store.read() as db:
        return task_plans.owners_with_expired(db, now)


def expire_due(uow: UnitOfWork, now: datetime, limit: int = 500) -> list[TaskRead]:
    """Delete the owner's pending tasks whose `until` has passed (one operation); an idle
    call takes no write lock."""
    with uow.store.read() as db:
        if not task_plans.expired_ids(db, uow.owner, now, 1):
            return []
    return uow.write(KIND, lambda tx: _expire(uow, tx, now, limit))


def _expire(uow: UnitOfWork, tx: Tx, now: datetime, limit: int) -> list[TaskRead]:
    ids = task_plans.expired_ids(tx.db, uow.owner, now, limit)
    if not ids:
        return []  # another process expired them first
    return [
        uow.save(tx, pk, task, replace(task, status=Status.DELETED, updated=tx.now))
        for pk, task in tasks.load(tx.db, uow.owner, ids, uow.tz)
    ]
