"""Event types and the CloudEvents 1.0 envelope. Pure: no I/O, no store.

Every change appends one event per task to the outbox in the same transaction. The
envelope carries the task snapshot after the change and, for each changed field, its
old and new value; that is enough to undo a change and to audit it.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any, NamedTuple

from core.ids import new_uuid as new_id

CREATED = "todo.task.created"
UPDATED = "todo.task.updated"
COMPLETED = "todo.task.completed"
REOPENED = "todo.task.reopened"
DELETED = "todo.task.deleted"
RESTORED = "todo.task.restored"
TASK_TYPES = (CREATED, UPDATED, COMPLETED, REOPENED, DELETED, RESTORED)
UNBLOCKED = "todo.task.unblocked"
"""Not a change of the task itself (no `changes`, not undone): its last blocker completed."""
REMINDER_DUE = "todo.reminder.due"
REMINDER_FIRED = "todo.reminder.fired"

TASK_TOPIC = "task-events"
REMINDER_TOPIC = "reminders"
DLQ_TOPIC = "dlq"
SCHEMA_BASE = "https://todo.invalid/schemas/events/v1/"
"""The prefix of every `dataschema` URI: `<SCHEMA_BASE><type>.json` is the `$id` of a schema
shipped in `core/event_schemas/` (`.invalid` never resolves: read the package's file)."""
_REQUIRED = ("specversion", "id", "source", "type", "subject", "time", "data")

Changes = dict[str, dict[str, Any]]
"""Field name -> {"old": value, "new": value}, values in their JSON form."""


class Event(NamedTuple):
    """One event as stored in the outbox, before it gets its sequence number.

    A NamedTuple: every command loads this class, and a dataclass costs ~0.5 ms to create.
    """

    id: str
    type: str
    subject: str
    time: datetime
    data: dict[str, Any]


def reminder_event(
    kind: str, task: dict[str, Any], reminder: dict[str, Any], owner: str, time: datetime
) -> Event:
    """A reminder event (`todo.reminder.due` or `.fired`) about one reminder of a task."""
    data = {"task": task, "reminder": reminder, "owner": owner}
    return Event(new_id(), kind, str(task["id"]), time, data)


def type_for_status(old: str | None, new: str) -> str:
    """The event type of a change that moves a task from status `old` to `new`."""
    if old is None:
        return CREATED
    if old == new:
        return UPDATED
    if new == "deleted":
        return DELETED
    if old == "deleted":
        return RESTORED
    if new == "completed":
        return COMPLETED
    return REOPENED


def make_event(
    kind: str,
    task: dict[str, Any],
    changes: Changes,
    owner: str,
    version: int,
    time: datetime,
) -> Event:
    """An event of `kind` for the task snapshot `task` (its --json form)."""
    data = {"task": task, "changes": changes, "owner": owner, "version": version}
    return Event(new_id(), kind, str(task["id"]), time, data)


def unblocked_event(
    task: dict[str, Any], blockers: list[int], owner: str, time: datetime
) -> Event:
    """`todo.task.unblocked` for the task snapshot `task`, freed by completing `blockers`."""
    data = {"task": task, "blockers": blockers, "owner": owner}
    return Event(new_id(), UNBLOCKED, str(task["id"]), time, data)


def envelope(event: Event, source: str) -> dict[str, Any]:
    """The CloudEvents 1.0 structured form of an event."""
    return {**attributes(event.id, event.type, event.subject, event.time, source),
            "data": event.data}


def attributes(
    event_id: str, event_type: str, subject: str, time: datetime, source: str
) -> dict[str, Any]:
    """The CloudEvents 1.0 attributes of an event: its envelope without `data`."""
    return {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": event_type,
        "subject": subject,
        "time": time.isoformat(),
        "datacontenttype": "application/json",
        "dataschema": dataschema(event_type),
    }


def dataschema(event_type: str) -> str:
    """The URI of the JSON Schema of `event_type`'s data (the schema's `$id`)."""
    return f"{SCHEMA_BASE}{event_type}.json"


def check_schema(event: Event) -> None:
    """Under the test suite, raise ValueError if `event`'s data breaks its type's schema.

    tests/conftest.py sets TODO_CHECK_EVENT_SCHEMAS=1, and the processes the tests start
    inherit it: every event appended to the outbox is checked. Commands never import
    jsonschema.
    """
    if os.environ.get("TODO_CHECK_EVENT_SCHEMAS") == "1":
        from core.event_schemas import validate

        validate(event.type, event.data)


def source_for(owner: str, host: str) -> str:
    """The CloudEvents `source` of events a user's commands produce on a host."""
    return f"todo/{owner}@{host}"


def topic_of(event_type: str) -> str:
    """The topic (without prefix) an event type is published to."""
    return REMINDER_TOPIC if event_type.startswith("todo.reminder.") else TASK_TOPIC


def check_envelope(value: Any) -> dict[str, Any]:
    """`value` if it is a CloudEvents envelope we can handle; ValueError names what is wrong."""
    if not isinstance(value, dict):
        raise ValueError("event is not a JSON object")
    missing = [k for k in _REQUIRED if k not in value]
    if missing:
        raise ValueError(f"event lacks {', '.join(missing)}")
    if value["specversion"] != "1.0":
        raise ValueError(f"unsupported specversion {value['specversion']!r}")
    if not isinstance(value["data"], dict):
        raise ValueError("event data is not an object")
    return value


def diff(before: dict[str, Any], after: dict[str, Any], keys: tuple[str, ...]) -> Changes:
    """The fields among `keys` whose JSON value differs, with old and new values."""
    return {
        k: {"old": before.get(k), "new": after.get(k)}
        for k in keys
        if before.get(k) != after.get(k)
    }
