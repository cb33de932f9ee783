"""The outbox table: events appended with each change, read back as the log, the change
feed of open interfaces, and the history undo and restore look into."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core import events
from core.events import Event, check_schema
from core.store import Db, read_dt

_PREFIX = {events.TASK_TOPIC: "todo.task.%", events.REMINDER_TOPIC: "todo.reminder.%"}
_COLUMNS = "o.seq, o.id, o.type, o.subject, o.time, o.data, o.source, o.op_id, o.owner"
Row = tuple[Any, ...]
"""An outbox row as `read` and `unsent` return it: seq, id, type, subject, time, data,
source, op_id, owner."""


def append(db: Db, op_id: int, owner: str, task_pk: int, event: Event, source: str) -> None:
    """Append an event to the outbox, inside the caller's transaction."""
    check_schema(event)
    db.run(
        "INSERT INTO outbox (id, op_id, owner, type, task_pk, subject, time, data, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            event.id, op_id, owner, event.type, task_pk, event.subject, db.dt(event.time),
            json.dumps(event.data, ensure_ascii=False, separators=(",", ":")), source,
        ),
    )


def read(db: Db, after: int, limit: int, topic: str | None) -> list[Row]:
    """Up to `limit` rows after position `after`, in order; only `topic`'s if given."""
    sql = f"SELECT {_COLUMNS} FROM outbox o WHERE o.seq > ?"
    params: list[Any] = [after]
    if topic is not None:
        sql += " AND o.type LIKE ?"
        params.append(_PREFIX[topic])
    return db.all(sql + " ORDER BY o.seq LIMIT ?", [*params, limit])


def in_topic(event_type: str, topic: str | None) -> bool:
    """Whether `read` with `topic` returns an event of `event_type` (every one for None)."""
    return topic is None or event_type.startswith(_PREFIX[topic][:-1])


def envelope_of(row: Row) -> dict[str, Any]:
    """The CloudEvents envelope of a row as `read` returns it."""
    _seq, id_, etype, subject, time, data, source, op_id, owner = row
    stamp = read_dt(time)
    assert stamp is not None
    event = Event(id_, etype, subject, stamp, json.loads(data))
    envelope = events.envelope(event, source or events.source_for(owner, "unknown"))
    envelope["todoop"] = op_id  # CloudEvents extension: the operation, for undo grouping
    return envelope


def unsent(db: Db, limit: int) -> list[Row]:
    """The oldest rows Kafka has not acknowledged, in order."""
    return db.all(
        f"SELECT {_COLUMNS} FROM outbox o WHERE o.sent IS NULL ORDER BY o.seq LIMIT ?",
        (limit,),
    )


def mark_sent(db: Db, seqs: Sequence[int], now: datetime) -> None:
    """Record that the broker acknowledged these events."""
    db.many("UPDATE outbox SET sent = ? WHERE seq = ?", [(db.dt(now), s) for s in seqs])


def unsent_count(db: Db) -> int:
    """How many events the relay has still to publish."""
    return int(db.value("SELECT COUNT(*) FROM outbox WHERE sent IS NULL"))


def head(db: Db, topic: str | None = None) -> int:
    """The position of the newest event (of `topic`); 0 for none."""
    sql = "SELECT COALESCE(MAX(seq), 0) FROM outbox"
    params: list[Any] = []
    if topic is not None:
        sql += " WHERE type LIKE ?"
        params.append(_PREFIX[topic])
    return int(db.value(sql, params))


def count_after(db: Db, seq: int, topic: str | None) -> int:
    """How many events (of `topic`) lie after position `seq`."""
    sql = "SELECT COUNT(*) FROM outbox WHERE seq > ?"
    params: list[Any] = [seq]
    if topic is not None:
        sql += " AND type LIKE ?"
        params.append(_PREFIX[topic])
    return int(db.value(sql, params))


def owner_changes(db: Db, after: int, top: int, owner: str) -> list[Row]:
    """(event id, type, task pk, data) of the owner's events in (after, top], in order."""
    return db.all(
        "SELECT id, type, task_pk, data FROM outbox WHERE seq > ? AND seq <= ? AND owner = ? "
        "ORDER BY seq",
        (after, top, owner),
    )


def last_data(db: Db, task_pk: int, etype: str) -> str | None:
    """The data (JSON text) of the newest event of type `etype` about task `task_pk`."""
    data = db.value(
        "SELECT data FROM outbox WHERE task_pk = ? AND type = ? ORDER BY seq DESC LIMIT 1",
        (task_pk, etype),
    )
    return None if data is None else str(data)
