"""The audit log as read back: one task's history, the log since a time.

The audit consumer writes it (`core.audit_record`); rows are only ever inserted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from core.queries import audit as rows
from core.store import Store, read_dt


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

