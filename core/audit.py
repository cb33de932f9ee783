"""The audit log: an append-only record of every event, written by the audit consumer.

Rows are only ever inserted; nothing in todo updates or deletes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from core import events, repository
from core.errors import InvalidEvent
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
        fresh = repository.mark_applied_many(db, group, [env["id"] for env in envelopes], now)
        recorded = db.dt(now)
        new = []
        for env in envelopes:
            if env["id"] in fresh:
                fresh.discard(env["id"])  # an id twice in one batch is recorded once
                new.append(env)
        _check(db, new)
        rows = [_row(db, env, recorded) for env in new]
        db.many(
            "INSERT INTO audit (event_id, owner, task_uuid, task_id, type, source, time, "
            "version, changes, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (event_id) DO NOTHING",
            rows,
        )
    return len(rows)


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
        known = repository.pks_of_uuids(db, owner, [uuid for _id, uuid in pairs])
        for event_id, uuid in pairs:
            if uuid not in known:
                raise InvalidEvent(f"event {event_id}: {owner!r} has no task {uuid}")


def _row(db: Db, env: dict[str, Any], recorded: Any) -> tuple[Any, ...]:
    data = env["data"]
    task = data.get("task") or {}
    detail = data.get("changes") if "changes" in data else {"reminder": data.get("reminder")}
    return (
        env["id"], data.get("owner", ""), task.get("uuid"), task.get("id"), env["type"],
        env["source"], db.dt(datetime.fromisoformat(env["time"])), data.get("version"),
        json.dumps({"title": task.get("title"), **{"changes": detail}}, ensure_ascii=False),
        recorded,
    )


def for_task(store: Store, owner: str, task_uuid: str, tz: tzinfo) -> list[AuditEntry]:
    """Every audited event of one task, oldest first."""
    with store.read() as db:
        rows = db.all(
            "SELECT time, type, source, task_id, changes, task_uuid, event_id FROM audit "
            "WHERE owner = ? AND task_uuid = ? ORDER BY time, id",
            (owner, task_uuid),
        )
    return [_entry(row, tz) for row in rows]


def query(
    store: Store, owner: str, tz: tzinfo, since: datetime | None, kind: str | None,
    limit: int | None,
) -> list[AuditEntry]:
    """The owner's audited events since a time, of a type (`completed` or a full type)."""
    sql = (
        "SELECT time, type, source, task_id, changes, task_uuid, event_id FROM audit "
        "WHERE owner = ?"
    )
    params: list[Any] = [owner]
    if since is not None:
        sql += " AND time >= ?"
    if kind is not None:
        sql += " AND type = ?"
    with store.read() as db:
        if since is not None:
            params.append(db.dt(since))
        if kind is not None:
            params.append(kind if kind.startswith("todo.") else f"todo.task.{kind}")
        sql += " ORDER BY time, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = db.all(sql, params)
    return [_entry(row, tz) for row in rows]


def _entry(row: Any, tz: tzinfo) -> AuditEntry:
    time, etype, source, task_id, detail, task_uuid, event_id = row
    stamp = read_dt(time)
    assert stamp is not None
    body = json.loads(detail)
    return AuditEntry(stamp.astimezone(tz), etype, source, task_id, body.get("title"),
                      body.get("changes") or {}, task_uuid, event_id)

