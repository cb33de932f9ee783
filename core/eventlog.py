"""The outbox read as a log: what embedded consumers and the Kafka relay read.

Embedded mode: the outbox *is* the log, its `seq` the offset, and each consumer group keeps
its position in `consumer_offset`. Kafka mode: the relay reads unsent rows in order and
marks them sent once the broker acknowledged them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import events
from core.store import Store, read_dt

_PREFIX = {events.TASK_TOPIC: "todo.task.%", events.REMINDER_TOPIC: "todo.reminder.%"}
_COLUMNS = "o.seq, o.id, o.type, o.subject, o.time, o.data, o.source, o.op_id, o.owner"


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One event of the log with its position and routing."""

    seq: int
    topic: str
    key: str
    envelope: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EncodedEntry:
    """An event ready to publish: position, routing, CloudEvents attributes and the data as
    the outbox stores it (JSON bytes, never decoded: the relay's hot path)."""

    seq: int
    topic: str
    key: str
    attributes: dict[str, Any]
    data: bytes


class EventLog:
    """Reads and positions over the outbox table of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def read(self, after: int, limit: int, topic: str | None = None) -> list[LogEntry]:
        """Up to `limit` events after position `after`, in order; only `topic`'s if given."""
        sql = f"SELECT {_COLUMNS} FROM outbox o WHERE o.seq > ?"
        params: list[Any] = [after]
        if topic is not None:
            sql += " AND o.type LIKE ?"
            params.append(_PREFIX[topic])
        with self.store.read() as db:
            rows = db.all(sql + " ORDER BY o.seq LIMIT ?", [*params, limit])
        return [_entry(row) for row in rows]

    def unsent(self, limit: int) -> list[EncodedEntry]:
        """The oldest events not yet acknowledged by Kafka, in order, encoded for the wire."""
        with self.store.read() as db:
            rows = db.all(
                f"SELECT {_COLUMNS} FROM outbox o WHERE o.sent IS NULL ORDER BY o.seq LIMIT ?",
                (limit,),
            )
        return [_encoded(row) for row in rows]

    def mark_sent(self, seqs: list[int], now: datetime) -> None:
        """Record that the broker acknowledged these events."""
        if not seqs:
            return
        with self.store.write() as db:
            db.many("UPDATE outbox SET sent = ? WHERE seq = ?", [(db.dt(now), s) for s in seqs])

    def position(self, group: str) -> int:
        """How far `group` has read (0 before its first commit)."""
        with self.store.read() as db:
            value = db.value(
                "SELECT position FROM consumer_offset WHERE group_name = ?", (group,)
            )
        return 0 if value is None else int(value)

    def commit(self, group: str, seq: int, now: datetime) -> None:
        """Move `group`'s position to `seq` (never backwards)."""
        with self.store.write() as db:
            db.run(
                "INSERT INTO consumer_offset (group_name, position, updated) VALUES (?, ?, ?) "
                "ON CONFLICT (group_name) DO UPDATE SET position = excluded.position, "
                "updated = excluded.updated WHERE consumer_offset.position < excluded.position",
                (group, seq, db.dt(now)),
            )

    def head(self, topic: str | None = None) -> int:
        """The position of the newest event (of `topic`)."""
        sql = "SELECT COALESCE(MAX(seq), 0) FROM outbox"
        params: list[Any] = []
        if topic is not None:
            sql += " WHERE type LIKE ?"
            params.append(_PREFIX[topic])
        with self.store.read() as db:
            return int(db.value(sql, params))

    def backlog(self, group: str, topic: str | None = None) -> int:
        """How many events of `topic` lie after `group`'s position."""
        sql = "SELECT COUNT(*) FROM outbox WHERE seq > ?"
        params: list[Any] = [self.position(group)]
        if topic is not None:
            sql += " AND type LIKE ?"
            params.append(_PREFIX[topic])
        with self.store.read() as db:
            return int(db.value(sql, params))

    def applied(self, group: str, event_ids: list[str]) -> set[str]:
        """Which of `event_ids` `group` has already applied (its idempotency marks)."""
        if not event_ids:
            return set()
        marks = ", ".join("?" * len(event_ids))
        sql = f"SELECT event_id FROM applied_event WHERE group_name = ? AND event_id IN ({marks})"
        with self.store.read() as db:
            return {str(row[0]) for row in db.all(sql, [group, *event_ids])}

    def unsent_count(self) -> int:
        """How many events the relay has still to publish."""
        with self.store.read() as db:
            return int(db.value("SELECT COUNT(*) FROM outbox WHERE sent IS NULL"))

    def dead_letter(
        self, group: str, where: tuple[str, int, int], error: str, payload: str | None,
        now: datetime,
    ) -> None:
        """Keep a message a consumer gave up on, with the error and its origin (once: a
        member that takes over before the commit does not keep it again)."""
        topic, partition, offset = where
        with self.store.write() as db:
            db.run(
                'INSERT INTO dead_letter (group_name, topic, partition, "offset", error, '
                "payload, time) SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 "
                "FROM dead_letter WHERE group_name = ? AND topic = ? AND partition = ? "
                'AND "offset" = ?)',
                (group, topic, partition, offset, error, payload, db.dt(now),
                 group, topic, partition, offset),
            )

    def dead_letters(self, group: str | None = None) -> list[dict[str, Any]]:
        """The dead letters kept in the database (embedded mode), oldest first."""
        sql = 'SELECT group_name, topic, partition, "offset", error, payload FROM dead_letter'
        params: list[Any] = []
        if group is not None:
            sql += " WHERE group_name = ?"
            params.append(group)
        with self.store.read() as db:
            rows = db.all(sql + " ORDER BY id", params)
        keys = ("group", "topic", "partition", "offset", "error", "payload")
        return [dict(zip(keys, row, strict=True)) for row in rows]


def _entry(row: Any) -> LogEntry:
    seq, id_, etype, subject, time, data, source, op_id, owner = row
    stamp = read_dt(time)
    assert stamp is not None
    event = events.Event(id_, etype, subject, stamp, json.loads(data))
    envelope = events.envelope(event, source or events.source_for(owner, "unknown"))
    envelope["todoop"] = op_id  # CloudEvents extension: the operation, for undo grouping
    return LogEntry(int(seq), events.topic_of(etype), f"{owner}/{subject}", envelope)


def _encoded(row: Any) -> EncodedEntry:
    seq, id_, etype, subject, time, data, source, op_id, owner = row
    stamp = read_dt(time)
    assert stamp is not None
    attrs = events.attributes(id_, etype, subject, stamp,
                              source or events.source_for(owner, "unknown"))
    attrs["todoop"] = op_id  # CloudEvents extension: the operation, for undo grouping
    return EncodedEntry(int(seq), events.topic_of(etype), f"{owner}/{subject}", attrs,
                        data.encode())
