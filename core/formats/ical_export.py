"""TaskRead -> VTODO. A recurring task is written as its series from its own due on: DTSTART =
DUE = the due, in the series' zone, with the RRULE RFC 5545 expands from DTSTART."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Todo, vRecur

from core import dates, recurrence
from core.formats.ical import PRODID
from core.formats.ical_alarms import valarm
from core.priorities import Priority
from core.recurrence.instances import Series, start_of
from core.schemas import Due, Status, TaskRead

STATUS_OUT = {
    Status.PENDING: "NEEDS-ACTION",
    Status.COMPLETED: "COMPLETED",
    Status.DELETED: "CANCELLED",
}
PRIORITY_OUT = {Priority.HIGH: 1, Priority.MEDIUM: 5, Priority.LOW: 9, Priority.NONE: 0}
RECUR_FROM = "X-TODO-RECUR-FROM"
PROJECT = "X-TODO-PROJECT"
"""The project path as typed; it is also a CATEGORY, for other clients."""
SCHEDULED_ONLY = "X-TODO-SCHEDULED"
"""TRUE on a task with DTSTART (scheduled) and no DUE: others read such a DTSTART as the due."""


def calendar(
    tasks: Sequence[TaskRead],
    tz: tzinfo,
    series: Mapping[str, Series],
    uuid_of: Mapping[int, str],
) -> str:
    """The VCALENDAR text of `tasks` (see core.formats.ical.dumps)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    for task in tasks:
        todo = vtodo(task, tz, series.get(task.uuid) or Series())
        related(todo, task, uuid_of)
        cal.add_component(todo)
    cal.add_missing_timezones()
    content: bytes = cal.to_ical()
    return content.decode()


def vtodo(task: TaskRead, tz: tzinfo, series: Series) -> Todo:
    """One task as a VTODO; `series` is its recurrence bookkeeping (empty when not recurring)."""
    todo = Todo()
    todo.add("uid", task.uuid)
    # DTSTAMP is required; the last change keeps output deterministic for the same task.
    todo.add("dtstamp", _utc(task.updated))
    todo.add("summary", task.title)
    if task.notes:
        todo.add("description", task.notes)
    todo.add("status", STATUS_OUT[task.status])
    todo.add("priority", PRIORITY_OUT[task.priority])
    categories = [*task.tags, *([] if task.project is None else [task.project])]
    if categories:
        todo.add("categories", categories)
    if task.project is not None:
        todo.add(PROJECT, task.project)
    if task.recurrence and task.due is not None:
        zone = series_zone(series, tz)
        start = _series_due(task.due, zone, series)
        todo.add("dtstart", start)
        todo.add("due", start)
        todo.add("rrule", vRecur.from_ical(rrule_out(task, zone, series)))
        if task.recur_from_completion:
            todo.add(RECUR_FROM, "COMPLETION")
    else:
        _plain_dates(todo, task)
    todo.add("created", _utc(task.created))
    todo.add("last-modified", _utc(task.updated))
    if task.completed is not None:
        todo.add("completed", _utc(task.completed))
    for reminder in task.reminders:
        todo.add_component(valarm(reminder, task.title))
    return todo


def related(todo: Todo, task: TaskRead, uuid_of: Mapping[int, str]) -> None:
    """RELATED-TO;RELTYPE=PARENT for the parent, RELTYPE=DEPENDS-ON for each blocker."""
    links = [("PARENT", task.parent)] if task.parent is not None else []
    links += [("DEPENDS-ON", blocker) for blocker in task.depends]
    for reltype, other in links:
        if other in uuid_of:
            todo.add("related-to", uuid_of[other], parameters={"RELTYPE": reltype})


def _plain_dates(todo: Todo, task: TaskRead) -> None:
    """DUE, and DTSTART for `scheduled` (a series' DTSTART is its anchor, so not there)."""
    if task.due is not None:
        todo.add("due", _utc(task.due))
    if task.scheduled is not None:
        todo.add("dtstart", _utc(task.scheduled))
        if task.due is None:
            todo.add(SCHEDULED_ONLY, "TRUE")


def series_zone(series: Series, tz: tzinfo) -> tzinfo:
    """The zone the series expands in: its own when it has one, else `tz`."""
    if series.zone:
        try:
            return ZoneInfo(series.zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return tz


def _series_due(due: Due, zone: tzinfo, series: Series) -> Due:
    """The due as the series' local wall time. On a spring-forward day a 02:30 series is due at
    03:30; DTSTART keeps 02:30 (RFC 5545 reads it as 03:30) so the rule stays at 02:30."""
    if not isinstance(due, datetime):
        return due
    local = due.astimezone(zone)
    wall = local.time().replace(tzinfo=None, fold=0)
    anchor = start_of(series, zone)
    if isinstance(anchor, datetime):
        clock = anchor.time().replace(tzinfo=None, fold=0)
        if clock != wall and dates.combine(local.date(), clock, zone) == local:
            wall = clock
    return datetime.combine(local.date(), wall, tzinfo=zone)


def rrule_out(task: TaskRead, zone: tzinfo, series: Series) -> str:
    """The RRULE value as RFC 5545 wants it next to this DTSTART: UNTIL in UTC (a DATE for
    an all-day series), COUNT reduced by the occurrences before this one."""
    assert task.recurrence is not None and task.due is not None
    parts = dict(part.split("=", 1) for part in task.recurrence.split(";"))
    if "UNTIL" in parts:
        all_day = not isinstance(task.due, datetime)
        parts["UNTIL"] = _until_out(parts["UNTIL"], zone, all_day)
    if "COUNT" in parts and not task.recur_from_completion:
        # every! carries COUNT down its instances itself (core.recurrence.instances); a
        # schedule counts from the series' start, and DTSTART is this instance.
        parts["COUNT"] = str(_remaining(task, int(parts["COUNT"]), zone, series))
    return ";".join(f"{key}={value}" for key, value in parts.items())


def _until_out(until: str, zone: tzinfo, all_day: bool) -> str:
    wall = datetime.strptime(until[:15], "%Y%m%dT%H%M%S")
    if until.endswith("Z"):
        if not all_day:
            return until
        return f"{wall.replace(tzinfo=UTC).astimezone(zone):%Y%m%d}"
    if all_day:
        return f"{wall:%Y%m%d}"
    instant = dates.combine(wall.date(), wall.time(), zone).astimezone(UTC)
    return f"{instant:%Y%m%dT%H%M%SZ}"


def _remaining(task: TaskRead, count: int, zone: tzinfo, series: Series) -> int:
    anchor = start_of(series, zone)
    assert task.due is not None
    if anchor is None:
        return count
    clock = task.due.time() if isinstance(task.due, datetime) else None
    rule = recurrence.Rule(task.recurrence or "", False, clock)
    done = recurrence.occurrences(rule, anchor, count, zone)
    return max(count - sum(1 for due in done if _day_and_time(due) < _day_and_time(task.due)), 1)


def _day_and_time(due: Due) -> datetime:
    if isinstance(due, datetime):
        return due.astimezone(UTC)
    return datetime.combine(due, time(), tzinfo=UTC)


def _utc(value: datetime | date) -> datetime | date:
    return value.astimezone(UTC) if isinstance(value, datetime) else value
