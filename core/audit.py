"""The audit log: an append-only record of every event, written by the audit consumer.

Rows are only ever inserted; nothing in todo updates or deletes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from core import events
from core.errors import InvalidEvent
from core.queries import audit as rows
from core.queries import consumers
from core.queries import tasks as task_rows
from core.store import Db, Store, read_dt

KNOWN_TYPES = (*events.TASK_TYPES, events.REMINDER_DUE, events.REMINDER_FIRED)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited event: who (source), what (type, task, changes), when."""

    time: datetime
    type: str
    source: str
    task_id: int | None
    task_title: str | None
    changes: dict[str, Any]
    task_uuid: str | None
    event_id: str


def record(store: Store, envelopes: Sequence[dict[str, Any]], group: str, now: datetime) -> int:
    """Append one audit row per envelope not applied by `group` before; returns how many.

    One transaction for the whole batch, with the applied marks, so a batch is recorded
    completely or not at all and a replay records nothing twice.
    """
    with store.write() as db:
        fresh = consumers.mark_applied_many(db, group, [env["id"] for env in envelopes], now)
        new = []
        for env in envelopes:
            if env["id"] in fresh:
                fresh.discard(env["id"])  # an id twice in one batch is recorded once
                new.append(env)
        _check(db, new)
        return rows.insert(db, new, now)


def _check(db: Db, envelopes: Sequence[dict[str, Any]]) -> None:
    """Raise InvalidEvent for an event the audit log must not hold: an unknown type, no
    owner, no task, a task its owner does not have, a time that is not ISO 8601."""
    tasks: dict[str, list[tuple[str, str]]] = {}
    for env in envelopes:
        data = env["data"]
        task = data.get("task")
        owner = data.get("owner")
        if env["type"] not in KNOWN_TYPES:
            raise InvalidEvent(f"event {env['id']}: unknown type {env['type']!r}")
        if not isinstance(owner, str) or not owner:
            raise InvalidEvent(f"event {env['id']}: no owner")
        if not isinstance(task, dict) or not isinstance(task.get("uuid"), str):
            raise InvalidEvent(f"event {env['id']}: no task")
        try:
            datetime.fromisoformat(env["time"])
        except (TypeError, ValueError):
            raise InvalidEvent(f"event {env['id']}: bad time {env['time']!r}") from None
        tasks.setdefault(owner, []).append((env["id"], task["uuid"]))
    for owner, pairs in tasks.items():
        known = task_rows.pks_of_uuids(db, owner, [uuid for _id, uuid in pairs])
        for event_id, uuid in pairs:
            if uuid not in known:
                raise InvalidEvent(f"event {event_id}: {owner!r} has no task {uuid}")


def for_task(store: Store, owner: str, task_uuid: str, tz: tzinfo) -> list[AuditEntry]:
    """Every audited event of one task, oldest first."""
    with store.read() as db:
        found = rows.of_task(db, owner, task_uuid)
    return [_entry(row, tz) for row in found]


def query(
    store: Store, owner: str, tz: tzinfo, since: datetime | None, kind: str | None,
    limit: int | None,
) -> list[AuditEntry]:
    """The owner's audited events since a time, of a type (`completed` or a full type)."""
    etype = kind if kind is None or kind.startswith("todo.") else f"todo.task.{kind}"
    with store.read() as db:
        found = rows.select(db, owner, since, etype, limit)
    return [_entry(row, tz) for row in found]


def _entry(row: Any, tz: tzinfo) -> AuditEntry:
    time, etype, source, task_id, detail, task_uuid, event_id = row
    stamp = read_dt(time)
    assert stamp is not None
    body = json.loads(detail)
    return AuditEntry(stamp.astimezone(tz), etype, source, task_id, body.get("title"),
                      body.get("changes") or {}, task_uuid, event_id)

