"""Our own JSON: the stable shape for scripts (`todo list --json`) and for export/import.

The key order of `task_to_dict` (core.formats.task_shape) is part of the contract; add keys
at the end, never rename. Datetimes are written in the caller's zone with their UTC offset, to
the second.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from core.errors import BadInput
from core.formats._common import (
    check_uuid,
    load_objects,
    located,
    optional_str,
    required_title,
    string_list,
    where,
)
from core.formats._iso import parse_iso_datetime, parse_iso_due
from core.formats.task_shape import task_to_dict as task_to_dict  # re-exported
from core.priorities import Priority
from core.schemas import ReminderRead, ReminderState, Status, TaskRead
from core.tags import normalise_tags

if TYPE_CHECKING:
    from core.creation import TaskCreate


def dumps(tasks: Sequence[TaskRead], tz: tzinfo) -> str:
    """A JSON array of tasks, one object per line so that line-based tools can cope."""
    return join_lines([dumps_one(task, tz) for task in tasks])


def join_lines(objects: Sequence[str]) -> str:
    """A JSON array of already encoded objects, one per line."""
    if not objects:
        return "[]"
    lines = ",\n".join(objects)
    return f"[\n{lines}\n]"


# Compact, as SQLite's json_object writes it: the export fast path must match byte for byte.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps_one(task: TaskRead, tz: tzinfo) -> str:
    """One task as a single-line JSON object."""
    return _ENCODER.encode(task_to_dict(task, tz))


def parse(text: str) -> list[TaskCreate]:
    """Tasks from our own JSON (the inverse of `dumps`).

    Round-trips uuid, title, notes, status, priority, tags, due (all-day or datetime), created,
    updated, completed, recurrence, reminders, the fields kept from other tools, project,
    wait, scheduled and until. `id` is the target database's business, so it is ignored,
    except to read `parent` and `depends` (ids in the file) as the uuids of those tasks of
    the file (a task not in the file is left out). Datetimes come back in UTC.
    """
    objects = load_objects(text)
    uuid_of = {o["id"]: o["uuid"] for o in objects
               if isinstance(o, dict) and isinstance(o.get("id"), int) and o.get("uuid")}
    tasks: list[TaskCreate] = []
    for index, obj in enumerate(objects):
        with located(where(index, obj)):
            tasks.append(_linked(_task_from_dict(obj), obj, uuid_of))
    return tasks


def _linked(create: TaskCreate, obj: dict[str, Any], uuid_of: dict[int, str]) -> TaskCreate:
    """`create` with the parent and blockers `obj` names by id, as uuids of the file."""
    parent, depends = obj.get("parent"), obj.get("depends") or []
    if not isinstance(depends, list):
        raise BadInput(f"'depends' must be a list of ids, not {json.dumps(depends)}")
    found = tuple(uuid_of[i] for i in depends if isinstance(i, int) and i in uuid_of)
    up = uuid_of.get(parent) if isinstance(parent, int) else None
    if up is None and not found:
        return create
    return replace(create, parent_uuid=None if up is None else check_uuid(up),
                   depends_uuids=tuple(check_uuid(u) for u in found))


def _task_from_dict(obj: object) -> TaskCreate:
    from core.creation import TaskCreate  # imports only: an export creates none
    if not isinstance(obj, dict):
        raise BadInput(f"expected an object, not {json.dumps(obj)}")
    due = optional_str(obj, "due")
    uuid = obj.get("uuid")
    return TaskCreate(
        title=required_title(obj, "title"),
        notes=optional_str(obj, "notes"),
        priority=_priority(obj),
        tags=normalise_tags(string_list(obj, "tags")),
        due=None if due is None else parse_iso_due(due),
        uuid=None if uuid is None else check_uuid(uuid),
        status=_status(obj),
        created=_optional_datetime(obj, "created"),
        updated=_optional_datetime(obj, "updated"),
        completed=_optional_datetime(obj, "completed"),
        recurrence=optional_str(obj, "recurrence"),
        recur_from_completion=optional_str(obj, "recurrence_from") == "completion",
        reminders=reminders_from(obj.get("reminders")),
        kept=_kept(obj),
        project=optional_str(obj, "project"),
        wait=_optional_datetime(obj, "wait"),
        scheduled=_optional_due(obj, "scheduled"),
        until=_optional_datetime(obj, "until"),
    )


def _optional_due(obj: dict[str, Any], key: str) -> date | datetime | None:
    value = optional_str(obj, key)
    return None if value is None else parse_iso_due(value)


def _kept(obj: dict[str, Any]) -> dict[str, Any]:
    value = obj.get("kept") or {}
    if not isinstance(value, dict):
        raise BadInput(f"'kept' must be an object, not {json.dumps(value)}")
    return dict(value)


def reminders_from(value: Any) -> tuple[ReminderRead, ...]:
    """Reminders from their JSON shape (a list of {"at", "before", "state"}; None is none)."""
    value = value or []
    if not isinstance(value, list):
        raise BadInput(f"'reminders' must be a list, not {json.dumps(value)}")
    return tuple(_reminder(item) for item in value)


def _reminder(item: object) -> ReminderRead:
    if not isinstance(item, dict):
        raise BadInput(f"a reminder must be an object, not {json.dumps(item)}")
    at = optional_str(item, "at")
    if at is None:
        raise BadInput("a reminder needs 'at'")
    state = optional_str(item, "state") or ReminderState.PENDING.value
    try:
        parsed_state = ReminderState(state)
    except ValueError:
        raise BadInput(f"unknown reminder state '{state}'") from None
    before = optional_str(item, "before")
    return ReminderRead(parse_iso_datetime(at, what="reminder time"), before, parsed_state)


def _status(obj: dict[str, Any]) -> Status:
    value = optional_str(obj, "status") or Status.PENDING.value
    try:
        return Status(value)
    except ValueError:
        raise BadInput(f"unknown status '{value}': use pending, completed or deleted") from None


def _priority(obj: dict[str, Any]) -> Priority:
    value = optional_str(obj, "priority") or Priority.NONE.value
    try:
        return Priority(value)
    except ValueError:
        raise BadInput(f"unknown priority '{value}': use high, medium, low or none") from None


def _optional_datetime(obj: dict[str, Any], key: str) -> datetime | None:
    value = optional_str(obj, key)
    return None if value is None else parse_iso_datetime(value, what=f"'{key}' date-time")
