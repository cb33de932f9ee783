"""Recording the audit log: one append-only row per valid event, at most once per group.

Apart from reading it (`core.audit`), so the drain after every write loads no dataclass.
Rows are only ever inserted; nothing in todo updates or deletes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core import events
from core.errors import InvalidEvent
from core.queries import audit as rows
from core.queries import consumers
from core.queries import tasks as task_rows
from core.store import Db, Store

KNOWN_TYPES = (*events.TASK_TYPES, events.REMINDER_DUE, events.REMINDER_FIRED)


def record(store: Store, envelopes: Sequence[dict[str, Any]], group: str, now: datetime) -> int:
    """Append one audit row per envelope not applied by `group` before; returns how many.

    One transaction for the whole batch, with the applied marks, so a batch is recorded
    completely or not at all and a replay records nothing twice.
    """
    with store.write() as db:
        return record_in(db, envelopes, group, now)


def record_in(db: Db, envelopes: Sequence[dict[str, Any]], group: str, now: datetime) -> int:
    """`record` inside the caller's write transaction. InvalidEvent is raised before
    anything is written, so the caller's transaction can carry on without this batch."""
    ids = list(dict.fromkeys(env["id"] for env in envelopes))
    known: set[str] = set()
    for first in range(0, len(ids), 500):
        known.update(consumers.applied(db, group, ids[first : first + 500]))
    new, seen = [], set(known)
    for env in envelopes:
        if env["id"] not in seen:
            seen.add(env["id"])  # an id twice in one batch is recorded once
            new.append(env)
    _check(db, new)
    consumers.insert_applied(db, group, [env["id"] for env in new], now)
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
