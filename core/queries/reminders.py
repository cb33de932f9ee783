"""The reminder table: the reminders of tasks, and claiming those that fell due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from core.schemas import ReminderRead, ReminderState
from core.store import Db, read_dt

_STATE = {s.value: s for s in ReminderState}


def for_selection(
    db: Db, where_sql: str, params: Sequence[Any], tz: tzinfo
) -> dict[int, tuple[ReminderRead, ...]]:
    """Task pk -> its reminders in time order, for the tasks matching a WHERE clause over
    `task t`."""
    rows = db.all(
        "SELECT r.task_pk, r.at, r.before, r.state FROM reminder r "
        f"JOIN task t ON t.pk = r.task_pk WHERE {where_sql} ORDER BY r.task_pk, r.at, r.id",
        params,
    )
    grouped: dict[int, list[ReminderRead]] = {}
    for pk, at, before, state in rows:
        grouped.setdefault(pk, []).append(ReminderRead(_local(at, tz), before, _STATE[state]))
    return {pk: tuple(items) for pk, items in grouped.items()}


def _local(value: Any, tz: tzinfo) -> datetime:
    stamp = read_dt(value)
    assert stamp is not None
    return stamp.astimezone(tz)


def insert(db: Db, pk: int, reminders: Sequence[ReminderRead]) -> None:
    """Add these reminders to task `pk`."""
    if reminders:
        db.many(
            "INSERT INTO reminder (task_pk, at, before, state) VALUES (?, ?, ?, ?)",
            [(pk, db.dt(r.at), r.before, r.state.value) for r in reminders],
        )


def replace(db: Db, pk: int, reminders: Sequence[ReminderRead]) -> None:
    """Make these the reminders of task `pk`."""
    db.run("DELETE FROM reminder WHERE task_pk = ?", (pk,))
    insert(db, pk, reminders)


def any_due(db: Db, owner: str, now: datetime) -> bool:
    """Whether a pending reminder of a pending task of the owner is due at `now`."""
    return db.one(
        "SELECT 1 FROM reminder r JOIN task t ON t.pk = r.task_pk WHERE t.owner = ? "
        "AND t.status = 'pending' AND r.state = 'pending' AND r.at <= ? LIMIT 1",
        (owner, db.dt(now)),
    ) is not None


def due(db: Db, owner: str, now: datetime, limit: int) -> list[tuple[int, int]]:
    """(reminder id, task pk) of the owner's due pending reminders, soonest first."""
    rows = db.all(
        "SELECT r.id, r.task_pk FROM reminder r JOIN task t ON t.pk = r.task_pk "
        "WHERE t.owner = ? AND t.status = 'pending' AND r.state = 'pending' "
        "AND r.at <= ? ORDER BY r.at, r.id LIMIT ?",
        (owner, db.dt(now), limit),
    )
    return [(int(reminder_id), int(task_pk)) for reminder_id, task_pk in rows]


def fire(db: Db, reminder_id: int, now: datetime) -> tuple[datetime, str | None] | None:
    """Mark a pending reminder fired; its (at, before), or None if it was no longer pending."""
    row = db.one(
        "UPDATE reminder SET state = 'fired', fired = ? "
        "WHERE id = ? AND state = 'pending' RETURNING at, before",
        (db.dt(now), reminder_id),
    )
    if row is None:
        return None
    at = read_dt(row[0])
    assert at is not None
    return at, row[1]
