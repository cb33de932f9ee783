"""Expiry: a pending task whose `until` has passed is deleted, with an event, undoably.

Driven by time like reminders: the recurrence worker ticks it, and the embedded drain runs
it after each change. Undoing an expiry brings the task back without its `until`, or it
would expire again at once (core/usecases/undo.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core import repository
from core.schemas import Status, TaskRead
from core.store import Db
from core.unit_of_work import Tx, UnitOfWork

KIND = "expire"
"""The operation kind of an expiry; undo treats it specially."""

# `until_at <= ?` implies `until_at IS NOT NULL`, so both stores use the partial index.
_DUE = "FROM task WHERE until_at <= ? AND status = 'pending'"


def owners_with_expired(uow: UnitOfWork, now: datetime) -> list[str]:
    """Every owner with a pending task whose `until` is at or before `now`."""
    with uow.store.read() as db:
        # Not DISTINCT: SQLite would then walk the (owner, id) index instead of the small
        # partial one; expired tasks are few, and deleted as soon as they are found.
        rows = db.all(f"SELECT owner {_DUE}", (db.dt(now),))
    return sorted({str(owner) for (owner,) in rows})


def expire_due(uow: UnitOfWork, now: datetime, limit: int = 500) -> list[TaskRead]:
    """Delete the owner's pending tasks whose `until` has passed (one operation); an idle
    call takes no write lock."""
    with uow.store.read() as db:
        if not _expired_ids(db, uow.owner, now, 1):
            return []
    return uow.write(KIND, lambda tx: _expire(uow, tx, now, limit))


def _expired_ids(db: Db, owner: str, now: datetime, limit: int) -> list[int]:
    # Sorted here, not in SQL: an ORDER BY id makes SQLite prefer the (owner, id) index and
    # walk all of the owner's tasks (17 ms at 50k) instead of the few with an until.
    rows = db.all(f"SELECT id {_DUE} AND owner = ?", (db.dt(now), owner))
    return sorted(int(i) for (i,) in rows)[:limit]


def _expire(uow: UnitOfWork, tx: Tx, now: datetime, limit: int) -> list[TaskRead]:
    ids = _expired_ids(tx.db, uow.owner, now, limit)
    if not ids:
        return []  # another process expired them first
    return [
        uow.save(tx, pk, task, replace(task, status=Status.DELETED, updated=tx.now))
        for pk, task in repository.load(tx.db, uow.owner, ids, uow.tz)
    ]
