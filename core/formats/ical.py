"""iCalendar (RFC 5545) VTODOs, for calendar and task apps (Thunderbird, DAVx5, todoman ...).

`icalendar` is imported inside the functions: it is slow to import and most commands never
touch this format.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from core.errors import BadInput
from core.formats._common import coerce_tags, located
from core.priorities import Priority
from core.schemas import Due, Status, TaskCreate, TaskRead

if TYPE_CHECKING:
    from icalendar import Todo

PRODID = "-//todo//todo//EN"
_STATUS_OUT = {
    Status.PENDING: "NEEDS-ACTION",
    Status.COMPLETED: "COMPLETED",
    Status.DELETED: "CANCELLED",
}
_STATUS_IN = {
    "NEEDS-ACTION": Status.PENDING,
    "IN-PROCESS": Status.PENDING,
    "COMPLETED": Status.COMPLETED,
    "CANCELLED": Status.DELETED,
}
_PRIORITY_OUT = {Priority.HIGH: 1, Priority.MEDIUM: 5, Priority.LOW: 9, Priority.NONE: 0}
# Foreign UIDs need not be UUIDs; hashing them keeps re-imports idempotent. Never change it.
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:todo:ical-uid")


def dumps(tasks: Sequence[TaskRead], tz: tzinfo) -> str:
    """A VCALENDAR holding one VTODO per task.

    Times are written in UTC, except the due time of a recurring task when `tz` is an IANA
    zone: that one carries TZID (plus a VTIMEZONE) so the rule expands in local time and
    09:00 stays 09:00 across DST. A recurrence that is not an RFC 5545 RRULE is kept as
    X-TODO-RECURRENCE rather than written as an invalid RRULE.
    """
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    for task in tasks:
        cal.add_component(_vtodo(task, tz))
    cal.add_missing_timezones()
    content: bytes = cal.to_ical()
    return content.decode()


def parse(text: str, tz: tzinfo = UTC) -> list[TaskCreate]:
    """Tasks from the VTODOs of a VCALENDAR (other components are ignored).

    Floating times (no zone) are read in `tz`. PRIORITY 1-4 is high, 5 medium, 6-9 low.
    CATEGORIES become tags, coerced where needed. RRULE is ignored: TaskCreate has no
    recurrence. A UID that is not a UUID is hashed into one, so re-imports match.
    """
    tasks: list[TaskCreate] = []
    for index, todo in enumerate(_load(text).walk("VTODO")):
        label = f"task {index + 1}"
        with located(label):
            uid = str(_single(todo, "uid") or "") or None
        with located(label + (f" (uid {uid})" if uid else "")):
            tasks.append(_task(todo, uid, tz))
    return tasks


def _vtodo(task: TaskRead, tz: tzinfo) -> Todo:
    from icalendar import Todo

    todo = Todo()
    todo.add("uid", task.uuid)
    # DTSTAMP is required; the last change keeps output deterministic for the same task.
    todo.add("dtstamp", _utc(task.updated))
    todo.add("summary", task.title)
    if task.notes:
        todo.add("description", task.notes)
    todo.add("status", _STATUS_OUT[task.status])
    todo.add("priority", _PRIORITY_OUT[task.priority])
    if task.tags:
        todo.add("categories", list(task.tags))
    if task.due is not None:
        todo.add("due", _due_out(task.due, tz, recurring=task.recurrence is not None))
    todo.add("created", _utc(task.created))
    todo.add("last-modified", _utc(task.updated))
    if task.completed is not None:
        todo.add("completed", _utc(task.completed))
    if task.recurrence:
        _add_recurrence(todo, task.recurrence)
    return todo


def _due_out(due: Due, tz: tzinfo, recurring: bool) -> Due:
    if not isinstance(due, datetime):
        return due
    if recurring and isinstance(tz, ZoneInfo):
        return due.astimezone(tz)
    return _utc(due)


def _add_recurrence(todo: Todo, recurrence: str) -> None:
    from icalendar import vRecur

    rule = recurrence.strip().removeprefix("RRULE:")
    try:
        parsed = vRecur.from_ical(rule)
    except ValueError:
        parsed = None
    if parsed and "FREQ" in parsed:
        todo.add("rrule", parsed)
    else:
        todo.add("x-todo-recurrence", recurrence)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _load(text: str) -> Any:
    from icalendar import Calendar

    try:
        cal = Calendar.from_ical(text)
    except ValueError as exc:
        raise BadInput(f"invalid iCalendar: {exc}") from None
    # Some malformed parameters (e.g. "DUE;VALUE=D,TE:...") crash inside icalendar with
    # AttributeError and the like; whatever the type, the input is at fault, not our code.
    except Exception as exc:
        raise BadInput(f"invalid iCalendar: it could not be parsed ({exc})") from None
    if not isinstance(cal, Calendar):
        raise BadInput("invalid iCalendar: expected a VCALENDAR")
    return cal


def _task(todo: Any, uid: str | None, tz: tzinfo) -> TaskCreate:
    summary = str(_single(todo, "summary") or "").strip()
    if not summary:
        raise BadInput("missing SUMMARY")
    description = str(_single(todo, "description") or "").strip()
    completed = _optional_time(todo, "completed", tz)
    return TaskCreate(
        title=summary,
        notes=description or None,
        priority=_priority(todo),
        tags=coerce_tags([str(c) for c in todo.categories]),
        due=_due_in(todo, tz),
        uuid=None if uid is None else _uuid(uid),
        status=_status(todo, completed),
        created=_optional_time(todo, "created", tz),
        updated=_optional_time(todo, "last-modified", tz),
        completed=completed,
    )


def _single(todo: Any, name: str) -> Any:
    """The one value of a property RFC 5545 allows once, or None; BadInput if repeated."""
    value = todo.get(name)
    if isinstance(value, list):
        raise BadInput(f"{name.upper()} appears {len(value)} times, but is allowed once")
    return value


def _status(todo: Any, completed: datetime | None) -> Status:
    value = str(_single(todo, "status") or "").upper()
    if not value:
        # Some clients only set COMPLETED; it still means the task is done.
        return Status.PENDING if completed is None else Status.COMPLETED
    try:
        return _STATUS_IN[value]
    except KeyError:
        raise BadInput(f"unknown STATUS '{value}'") from None


def _priority(todo: Any) -> Priority:
    raw = _single(todo, "priority")
    if raw is None:
        return Priority.NONE
    try:
        value = int(raw)
    except ValueError:
        raise BadInput(f"invalid PRIORITY '{raw}': expected 0 to 9") from None
    if not 0 <= value <= 9:
        raise BadInput(f"invalid PRIORITY '{raw}': expected 0 to 9")
    if value == 0:
        return Priority.NONE
    if value <= 4:
        return Priority.HIGH
    return Priority.MEDIUM if value == 5 else Priority.LOW


def _due_in(todo: Any, tz: tzinfo) -> Due | None:
    prop = _single(todo, "due")
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime):
        return _aware(value, tz)
    if isinstance(value, date):
        return value
    raise BadInput(f"invalid DUE '{prop.to_ical().decode()}'")


def _optional_time(todo: Any, name: str, tz: tzinfo) -> datetime | None:
    prop = _single(todo, name)
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime):
        return _aware(value, tz)
    if isinstance(value, date):
        # RFC 5545 wants DATE-TIME here, but some clients write a bare date.
        return datetime(value.year, value.month, value.day, tzinfo=tz).astimezone(UTC)
    raise BadInput(f"invalid {name.upper()} '{prop.to_ical().decode()}'")


def _aware(value: datetime, tz: tzinfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _uuid(uid: str) -> str:
    try:
        return str(uuid.UUID(uid))
    except ValueError:
        return str(uuid.uuid5(_UID_NAMESPACE, uid))
