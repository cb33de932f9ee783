"""VTODO -> TaskCreate, for our own exports and other apps' files (see core.formats.ical.parse).

A recurring VTODO becomes a series anchored at its due, expanding in the zone of its DUE (or
DTSTART): a TZID names it, UTC ("Z") is UTC, a floating time or a DATE leaves the user's zone.
"""

from __future__ import annotations

import re
import uuid
import warnings
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from icalendar import Calendar

from core import projects, recurrence
from core.creation import TaskCreate
from core.errors import BadInput
from core.formats._common import coerce_tags, located
from core.formats.ical_alarms import reminders_of
from core.formats.ical_export import PROJECT, RECUR_FROM, SCHEDULED_ONLY, STATUS_OUT
from core.priorities import Priority
from core.schemas import Due, Status

_STATUS_IN = {value: status for status, value in STATUS_OUT.items()} | {
    "IN-PROCESS": Status.PENDING
}
# Foreign UIDs need not be UUIDs; hashing them keeps re-imports idempotent. Never change it.
_UID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:todo:ical-uid")
_UNTIL = re.compile(r"(^|;)UNTIL=([0-9]{8}T[0-9]{6})Z(?=;|$)", re.IGNORECASE)


def tasks(text: str, tz: tzinfo | None) -> list[TaskCreate]:
    """The tasks of the VTODOs in `text`. Floating times are read in `tz`; without it a
    floating DUE or DTSTART stays naive, for the importing service to place in its zone."""
    out: list[TaskCreate] = []
    for index, todo in enumerate(_load(text).walk("VTODO")):
        label = f"task {index + 1}"
        with located(label):
            uid = str(_single(todo, "uid") or "") or None
        with located(label + (f" (uid {uid})" if uid else "")):
            out.append(_task(todo, uid, tz))
    return out


def _load(text: str) -> Any:
    lines = _unfolded(text)
    # icalendar quietly mends some unbalanced files (an END:VCALENDAR closes an open VTODO),
    # which would import a task cut short: check the nesting first.
    fault = _nesting_fault(lines)
    if fault is not None:
        raise BadInput(f"invalid iCalendar{fault}")
    try:
        with warnings.catch_warnings():
            # e.g. a vendor-prefixed TZID it resolves by guessing: the result is right, and a
            # warning on stderr would only worry the user.
            warnings.simplefilter("ignore")
            cal = Calendar.from_ical(text)
    # Some malformed parameters (e.g. "DUE;VALUE=D,TE:...") crash inside icalendar with
    # AttributeError and the like; whatever the type, the input is at fault, not our code.
    except Exception as exc:
        raise BadInput(f"invalid iCalendar{_line_fault(lines) or ': ' + _reason(exc)}") from None
    if not isinstance(cal, Calendar):
        raise BadInput("invalid iCalendar: expected a VCALENDAR")
    return cal


def _reason(exc: Exception) -> str:
    # icalendar quotes the whole input in some messages; its first line says what is wrong.
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, ValueError):
        return first
    return f"it could not be parsed ({first})"


def _nesting_fault(lines: list[tuple[int, str]]) -> str | None:
    """" at line N: ..." for the first BEGIN or END out of place, else None."""
    open_components: list[tuple[int, str]] = []
    for number, line in lines:
        key, _, value = line.partition(":")
        key, value = key.strip().upper(), value.strip().upper()
        if key == "BEGIN":
            open_components.append((number, value))
        elif key == "END":
            if value not in (component for _, component in open_components):
                return f" at line {number}: END:{value} without BEGIN:{value}"
            begun, component = open_components.pop()
            if component != value:
                return f" at line {begun}: BEGIN:{component} has no END:{component}"
    if open_components:
        begun, component = open_components[-1]
        return f" at line {begun}: BEGIN:{component} has no END:{component}"
    return None


def _line_fault(lines: list[tuple[int, str]]) -> str | None:
    """" at line N (NAME): what is wrong" for the first content line icalendar cannot read,
    or None when no single line is at fault."""
    from icalendar.parser import Contentline

    parse_line: Any = Contentline
    types = Calendar.types_factory
    for number, line in lines:
        try:
            name, params, value = parse_line(line).parts()
        except Exception as exc:
            return f" at line {number}: {_reason(exc)}"
        if name.upper() in ("BEGIN", "END"):
            continue
        try:
            value_type: Any = types.for_property(name, params.get("VALUE"))
            value_type.from_ical(value)
        except Exception as exc:
            return f" at line {number} ({name.upper()}): {_reason(exc)}"
    return None


def _unfolded(text: str) -> list[tuple[int, str]]:
    """Content lines with the number of the line each starts on (RFC 5545 folding undone)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _task(todo: Any, uid: str | None, tz: tzinfo | None) -> TaskCreate:
    summary = str(_single(todo, "summary") or "").strip()
    if not summary:
        raise BadInput("missing SUMMARY")
    description = str(_single(todo, "description") or "").strip()
    # RFC 5545 wants these in UTC; a floating one from a lax client is read in `tz`, or UTC.
    stamps = tz or UTC
    completed = _optional_time(todo, "completed", stamps)
    start = _date_or_time(todo, "dtstart", tz)
    scheduled_only = str(todo.get(SCHEDULED_ONLY, "")).upper() == "TRUE"
    due = _date_or_time(todo, "due", tz) or (None if scheduled_only else start)
    rrule = _rrule(todo, due, stamps)
    project = _project(todo)
    return TaskCreate(
        title=summary,
        notes=description or None,
        priority=_priority(todo),
        tags=coerce_tags([str(c) for c in todo.categories if str(c) != project]),
        due=due,
        uuid=None if uid is None else _uuid(uid),
        status=_status(todo, completed),
        created=_optional_time(todo, "created", stamps),
        updated=_optional_time(todo, "last-modified", stamps),
        completed=completed,
        recurrence=rrule,
        recur_from_completion=rrule is not None and _from_completion(todo),
        reminders=reminders_of(todo, due, start, stamps),
        zone=_zone(todo) if rrule is not None else None,
        project=project,
        # Without a rule, a DTSTART beside a DUE is when the work starts: our scheduled.
        scheduled=start if rrule is None and (scheduled_only or "due" in todo) else None,
        **_related(todo),
    )


def _related(todo: Any) -> dict[str, Any]:
    """TaskCreate's parent_uuid and depends_uuids from RELATED-TO (RFC 5545's default
    RELTYPE is PARENT; RFC 9253 adds DEPENDS-ON; other types are not ours)."""
    values = todo.get("related-to")
    values = [] if values is None else values if isinstance(values, list) else [values]
    parents: list[str] = []
    depends: list[str] = []
    for value in values:
        reltype = str(value.params.get("RELTYPE", "PARENT")).upper()
        target = {"PARENT": parents, "DEPENDS-ON": depends}.get(reltype)
        if target is not None and str(value).strip():
            target.append(_uuid(str(value).strip()))
    if len(parents) > 1:
        raise BadInput(f"RELATED-TO;RELTYPE=PARENT appears {len(parents)} times, "
                       "but a task has one parent")
    return {"parent_uuid": parents[0] if parents else None,
            "depends_uuids": tuple(dict.fromkeys(depends))}


def _project(todo: Any) -> str | None:
    value = str(_single(todo, PROJECT) or "").strip()
    return projects.normalise(value) if value else None


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


def _date_or_time(todo: Any, name: str, tz: tzinfo | None) -> Due | None:
    prop = _single(todo, name)
    if prop is None:
        return None
    value = prop.dt
    if isinstance(value, datetime):
        if value.tzinfo is None and "TZID" in prop.params:
            # icalendar leaves a time floating when it cannot resolve its zone.
            raise BadInput(f"{name.upper()} names the unknown time zone "
                           f"'{prop.params['TZID']}', and the file has no VTIMEZONE for it")
        return _aware(value, tz)
    if isinstance(value, date):
        return value
    raise BadInput(f"invalid {name.upper()} '{prop.to_ical().decode()}'")


def _optional_time(todo: Any, name: str, tz: tzinfo) -> datetime | None:
    value = _date_or_time(todo, name, tz)
    if value is None or isinstance(value, datetime):
        return value
    # RFC 5545 wants DATE-TIME here, but some clients write a bare date.
    return datetime(value.year, value.month, value.day, tzinfo=tz).astimezone(UTC)


def _aware(value: datetime, tz: tzinfo | None) -> datetime:
    if value.tzinfo is None:
        if tz is None:
            return value  # floating
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def _rrule(todo: Any, due: Due | None, tz: tzinfo) -> str | None:
    prop = _single(todo, "rrule")
    if prop is None:
        return None
    text = prop.to_ical().decode()
    if isinstance(due, datetime):
        # RFC 5545 puts UNTIL in UTC next to a zoned DTSTART; ours is local wall time.
        zone = _due_zone(todo) or tz
        text = _UNTIL.sub(lambda m: m[1] + "UNTIL=" + _wall(m[2], zone), text)
    return recurrence.validate_rrule(text)


def _wall(utc_text: str, zone: tzinfo) -> str:
    instant = datetime.strptime(utc_text, "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return f"{instant.astimezone(zone):%Y%m%dT%H%M%S}"


def _from_completion(todo: Any) -> bool:
    return str(todo.get(RECUR_FROM, "")).upper() == "COMPLETION"


def _due_zone(todo: Any) -> tzinfo | None:
    for name in ("due", "dtstart"):
        prop = todo.get(name)
        if prop is not None and isinstance(prop.dt, datetime):
            zone: tzinfo | None = prop.dt.tzinfo
            return zone
    return None


def _zone(todo: Any) -> str | None:
    """The IANA name of the zone the series expands in; None for floating or all-day."""
    zone = _due_zone(todo)
    key = getattr(zone, "key", None)
    return str(key) if key else None


def _uuid(uid: str) -> str:
    try:
        return str(uuid.UUID(uid))
    except ValueError:
        return str(uuid.uuid5(_UID_NAMESPACE, uid))
