"""Consumer-group bookkeeping: applied events (idempotency marks), log positions
(`consumer_offset`) and dead letters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.queries.leases import LIVE
from core.queries.task_plans import EXPIRED
from core.store import Db


def mark_applied(db: Db, group: str, event_id: str, now: datetime) -> bool:
    """Record that `group` applied `event_id`; False if it had already (a replayed event)."""
    return event_id in mark_applied_many(db, group, [event_id], now)


def mark_applied_many(db: Db, group: str, event_ids: Sequence[str], now: datetime) -> set[str]:
    """Record that `group` applied these events; returns the ids it had not applied before.

    For a consumer's batch: a few statements instead of one per event. Safe against a second
    member of the group because it runs inside a write transaction, which holds the store's
    write lock (SQLite) or its writer lock (PostgreSQL) for the whole check-then-insert.
    """
    wanted = list(dict.fromkeys(event_ids))
    known: set[str] = set()
    for first in range(0, len(wanted), 500):
        known.update(applied(db, group, wanted[first : first + 500]))
    fresh = [event_id for event_id in wanted if event_id not in known]
    insert_applied(db, group, fresh, now)
    return set(fresh)


def insert_applied(db: Db, group: str, event_ids: Sequence[str], now: datetime) -> None:
    """Record that `group` applied these events, which the caller found it had not."""
    stamp = db.dt(now)
    db.many(
        "INSERT INTO applied_event (group_name, event_id, applied) VALUES (?, ?, ?)",
        [(group, event_id, stamp) for event_id in event_ids],
    )


def applied(db: Db, group: str, event_ids: Sequence[str]) -> set[str]:
    """Which of `event_ids` (at least one) `group` has already applied."""
    marks = ", ".join("?" * len(event_ids))
    rows = db.all(
        f"SELECT event_id FROM applied_event WHERE group_name = ? AND event_id IN ({marks})",
        [group, *event_ids],
    )
    return {str(row[0]) for row in rows}


def position(db: Db, group: str) -> int:
    """How far `group` has read (0 before its first commit)."""
    value = db.value("SELECT position FROM consumer_offset WHERE group_name = ?", (group,))
    return 0 if value is None else int(value)


def commit(db: Db, group: str, seq: int, now: datetime) -> None:
    """Move `group`'s position to `seq` (never backwards)."""
    db.run(
        "INSERT INTO consumer_offset (group_name, position, updated) VALUES (?, ?, ?) "
        "ON CONFLICT (group_name) DO UPDATE SET position = excluded.position, "
        "updated = excluded.updated WHERE consumer_offset.position < excluded.position",
        (group, seq, db.dt(now)),
    )


def commit_many(db: Db, seqs: Sequence[tuple[str, int]], now: datetime) -> None:
    """Move each (group, seq)'s position to seq (never backwards)."""
    stamp = db.dt(now)
    db.many(
        "INSERT INTO consumer_offset (group_name, position, updated) VALUES (?, ?, ?) "
        "ON CONFLICT (group_name) DO UPDATE SET position = excluded.position, "
        "updated = excluded.updated WHERE consumer_offset.position < excluded.position",
        [(group, seq, stamp) for group, seq in seqs],
    )


def drain_state(
    db: Db, groups: Sequence[str], wall: datetime, owner: str, now: datetime
) -> tuple[bool, list[int | None]]:
    """What the drain after a write needs first, in one statement (it runs after every
    write): whether `owner` has a pending task whose until is at or before `now`, and each
    group's position, None while a live lease `group:<group>` (at `wall`) has a holder."""
    per_group = ", ".join(
        f"(SELECT position FROM consumer_offset WHERE group_name = ?), (SELECT 1 {LIVE})"
        for _ in groups
    )
    params: list[Any] = [db.dt(now), owner]
    for group in groups:
        params += [group, f"group:{group}", db.dt(wall)]
    row = db.one(f"SELECT (SELECT 1 {EXPIRED} AND owner = ? LIMIT 1), {per_group}", params)
    positions = [
        None if row[2 + 2 * i] is not None else int(row[1 + 2 * i] or 0)
        for i in range(len(groups))
    ]
    return row[0] is not None, positions


def keep_dead_letter(
    db: Db, group: str, where: tuple[str, int, int], error: str, payload: str | None,
    now: datetime,
) -> None:
    """Keep a message `group` gave up on, unless it is kept already (same origin)."""
    topic, partition, offset = where
    db.run(
        'INSERT INTO dead_letter (group_name, topic, partition, "offset", error, '
        "payload, time) SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 "
        "FROM dead_letter WHERE group_name = ? AND topic = ? AND partition = ? "
        'AND "offset" = ?)',
        (group, topic, partition, offset, error, payload, db.dt(now),
         group, topic, partition, offset),
    )


def dead_letters(db: Db, group: str | None) -> list[tuple[Any, ...]]:
    """(group, topic, partition, offset, error, payload) of the kept dead letters, oldest
    first (of `group` only if given)."""
    sql = 'SELECT group_name, topic, partition, "offset", error, payload FROM dead_letter'
    params: list[Any] = []
    if group is not None:
        sql += " WHERE group_name = ?"
        params.append(group)
    return [tuple(row) for row in db.all(sql + " ORDER BY id", params)]
