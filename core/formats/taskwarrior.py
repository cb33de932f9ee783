"""Import of Taskwarrior's `task export` JSON (2.x and 3.x)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from core.errors import BadInput
from core.formats._common import (
    check_uuid,
    coerce_tags,
    load_objects,
    located,
    optional_str,
    required_title,
    string_list,
    where,
)
from core.formats._iso import parse_iso_datetime
from core.priorities import Priority
from core.schemas import Status, TaskCreate

# A recurring parent is the template Taskwarrior spawns instances from; we keep it as one
# pending task so nothing is lost (TaskCreate carries no recurrence to attach it to).
_STATUSES = {
    "pending": Status.PENDING,
    "waiting": Status.PENDING,
    "recurring": Status.PENDING,
    "completed": Status.COMPLETED,
    "deleted": Status.DELETED,
}
_PRIORITIES = {"H": Priority.HIGH, "M": Priority.MEDIUM, "L": Priority.LOW}
_TW_TIME = re.compile(r"\d{8}T\d{6}Z")


def parse(text: str) -> list[TaskCreate]:
    """Tasks from `task export`: a JSON array, or one object per line as older versions wrote.

    description -> title; annotations -> notes (their descriptions, one per line, in export
    order); project "home.garden" -> tag "home-garden"; tags that cannot be made valid are
    dropped. Taskwarrior times are UTC and stay datetimes: a due at local midnight is not
    turned into an all-day date. Fields we have no place for (wait, scheduled, until,
    depends, recur, UDAs) are ignored.
    """
    tasks: list[TaskCreate] = []
    for index, obj in enumerate(load_objects(text)):
        with located(where(index, obj)):
            tasks.append(_task(obj))
    return tasks


def _task(obj: object) -> TaskCreate:
    if not isinstance(obj, dict):
        raise BadInput(f"expected an object, not {json.dumps(obj)}")
    status = _status(obj)
    uuid = obj.get("uuid")
    return TaskCreate(
        title=required_title(obj, "description"),
        notes=_notes(obj),
        priority=_priority(obj),
        tags=_tags(obj),
        due=_optional_time(obj, "due"),
        uuid=None if uuid is None else check_uuid(uuid),
        status=status,
        created=_optional_time(obj, "entry"),
        updated=_optional_time(obj, "modified"),
        # `end` is also stamped on deletion; only a completion is a completion.
        completed=_optional_time(obj, "end") if status is Status.COMPLETED else None,
    )


def _status(obj: dict[str, Any]) -> Status:
    value = optional_str(obj, "status") or "pending"
    try:
        return _STATUSES[value]
    except KeyError:
        raise BadInput(f"unknown status '{value}'") from None


def _priority(obj: dict[str, Any]) -> Priority:
    value = optional_str(obj, "priority")
    if not value:
        return Priority.NONE
    try:
        return _PRIORITIES[value.upper()]
    except KeyError:
        raise BadInput(f"unknown priority '{value}': expected H, M or L") from None


def _tags(obj: dict[str, Any]) -> tuple[str, ...]:
    names = string_list(obj, "tags")
    project = optional_str(obj, "project")
    if project:
        names.append(project)
    return coerce_tags(names)


def _notes(obj: dict[str, Any]) -> str | None:
    annotations = obj.get("annotations") or []
    if not isinstance(annotations, list):
        raise BadInput("'annotations' must be a list")
    lines: list[str] = []
    for number, note in enumerate(annotations, start=1):
        with located(f"annotation {number}"):
            if not isinstance(note, dict):
                raise BadInput(f"expected an object, not {json.dumps(note)}")
            text = optional_str(note, "description")
            if text and text.strip():
                lines.append(text.strip())
    return "\n".join(lines) or None


def _optional_time(obj: dict[str, Any], key: str) -> datetime | None:
    value = optional_str(obj, key)
    if value is None:
        return None
    if _TW_TIME.fullmatch(value):
        # Slicing beats strptime by 10x, and imports read three of these per task.
        try:
            return datetime(
                int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[9:11]),
                int(value[11:13]), int(value[13:15]), tzinfo=UTC,
            )
        except ValueError:
            raise BadInput(f"invalid '{key}' date '{value}'") from None
    # Some tools rewrite exports with extended ISO 8601; accept it when it carries an offset.
    return parse_iso_datetime(value, what=f"'{key}' date")
