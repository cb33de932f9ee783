"""The audit table: appended to by the audit consumer, read by `todo log` and history."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.store import Db

_COLUMNS = "time, type, source, task_id, changes, task_uuid, event_id"
Row = tuple[Any, ...]
"""An audit row as read: time, type, source, task_id, changes (JSON), task_uuid, event_id."""


def insert(db: Db, envelopes: Sequence[dict[str, Any]], now: datetime) -> int:
    """One audit row per (checked) event envelope, recorded `now`; returns how many."""
    recorded = db.dt(now)
    rows = [_row(db, env, recorded) for env in envelopes]
    db.many(
        "INSERT INTO audit (event_id, owner, task_uuid, task_id, type, source, time, "
        "version, changes, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (event_id) DO NOTHING",
        rows,
    )
    return len(rows)


def _row(db: Db, env: dict[str, Any], recorded: Any) -> Row:
    data = env["data"]
    task = data.get("task") or {}
    detail = data.get("changes") if "changes" in data else {"reminder": data.get("reminder")}
    return (
        env["id"], data.get("owner", ""), task.get("uuid"), task.get("id"), env["type"],
        env["source"], db.dt(datetime.fromisoformat(env["time"])), data.get("version"),
        json.dumps({"title": task.get("title"), **{"changes": detail}}, ensure_ascii=False),
        recorded,
    )


def of_task(db: Db, owner: str, task_uuid: str) -> list[Row]:
    """Every audit row of one task, oldest first."""
    return db.all(
        f"SELECT {_COLUMNS} FROM audit WHERE owner = ? AND task_uuid = ? ORDER BY time, id",
        (owner, task_uuid),
    )


def select(
    db: Db, owner: str, since: datetime | None, etype: str | None, limit: int | None
) -> list[Row]:
    """The owner's audit rows since a time, of a full event type, oldest first."""
    sql = f"SELECT {_COLUMNS} FROM audit WHERE owner = ?"
    params: list[Any] = [owner]
    if since is not None:
        sql += " AND time >= ?"
        params.append(db.dt(since))
    if etype is not None:
        sql += " AND type = ?"
        params.append(etype)
    sql += " ORDER BY time, id"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return db.all(sql, params)
