"""The instances of a stored recurring task: series bookkeeping, occurrence keys, anchors,
what the next instance is and which reminders it carries. Pure.

The rest of `core.recurrence` is the rule's maths (a phrase read into an RRULE, its
expansion, its words) and knows nothing of tasks; this module applies it to a TaskRead.

A series is the chain of instances one recurring task produces. Each instance records the
series id and its occurrence key; the store's unique index on (owner, series, occurrence)
guarantees one instance per occurrence, however often a completion is replayed. The rule
is expanded from `recur_start` in the zone the series was created in, so 09:00 stays 09:00
across DST wherever the user is now.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import dates, recurrence, reminders
from core.ids import new_uuid
from core.schemas import Due, ReminderRead, ReminderState, TaskRead

_COUNT = re.compile(r"(^|;)COUNT=(\d+)")


@dataclass(frozen=True, slots=True)
class Series:
    """Where a task stands in its recurring series."""

    series_id: str | None = None
    occurrence: str | None = None
    recur_start: str | None = None
    zone: str | None = None


@dataclass(frozen=True, slots=True)
class Next:
    """The next instance of a series: its due, rule and bookkeeping."""

    due: Due
    rrule: str
    series: Series


def occurrence_key(due: Due) -> str:
    """A stable text key for one occurrence: the date, or the UTC instant to the second."""
    if isinstance(due, datetime):
        return due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return due.isoformat()


def zone_name(tz: tzinfo) -> str:
    """The IANA name of a zone when it has one ("UTC" otherwise)."""
    return str(getattr(tz, "key", None) or "UTC")


def start_series(
    due: Due, tz: tzinfo, series_id: str | None = None, clock: time | None = None
) -> Series:
    """Bookkeeping for a series whose rule starts at `due`.

    `clock` is the time of day the rule names ("at 2:30am"): when a spring-forward gap moved
    `due` off it, the series keeps `clock`, so only that occurrence moves.
    """
    return Series(series_id or new_uuid(), occurrence_key(due),
                  _start_text(due, tz, clock), zone_name(tz))


def _start_text(due: Due, tz: tzinfo, clock: time | None) -> str:
    # Normally the start as ISO with its offset. A start that a gap moved is kept as floating
    # wall time in the series' zone (RFC 5545's DTSTART;TZID=...), the time the rule means.
    if isinstance(due, datetime) and clock is not None:
        local = dates.to_local(due, tz)
        assert isinstance(local, datetime)
        wall = datetime.combine(local.date(), clock.replace(tzinfo=None))
        if wall.time() != local.time() and dates.combine(wall.date(), wall.time(), tz) == due:
            return wall.isoformat(timespec="seconds")
    return dates.iso(due, tz)


def rule_of(task: TaskRead) -> recurrence.Rule:
    """The task's rule, with the time of day of its due (the time the series keeps)."""
    assert task.recurrence is not None
    at = task.due.time() if isinstance(task.due, datetime) else None
    return recurrence.Rule(task.recurrence, task.recur_from_completion, at)


def next_instance(task: TaskRead, series: Series, now: datetime) -> Next | None:
    """The instance that follows `task` (just completed or skipped), or None if none does."""
    assert task.recurrence is not None and task.due is not None
    zone = _zone(series.zone, now)
    local_now = now.astimezone(zone)
    after = dates.to_local(task.due, zone)
    anchor, rule = _anchor(series, after, zone, rule_of(task))
    if task.recur_from_completion:
        return _next_from_completion(rule, after, local_now, series)
    due = recurrence.next_due(rule, anchor, after, local_now)
    if due is None:
        return None
    return Next(due, task.recurrence, replace(series, occurrence=occurrence_key(due)))


def _next_from_completion(
    rule: recurrence.Rule, after: Due, now: datetime, series: Series
) -> Next | None:
    # Counting from completion, each instance starts the rule afresh, so COUNT is carried
    # down by hand: the instance made with COUNT=1 is the last.
    count = _count(rule.rrule)
    if count is not None and count <= 1:
        return None
    unbounded = replace(rule, rrule=_with_count(rule.rrule, None))
    due = recurrence.next_due(unbounded, after, after, now)
    if due is None:
        return None
    rrule = _with_count(rule.rrule, None if count is None else count - 1)
    zone = now.tzinfo
    assert zone is not None
    return Next(due, rrule, replace(series, occurrence=occurrence_key(due),
                                    recur_start=_start_text(due, zone, rule.time)))


def _anchor(
    series: Series, fallback: Due, zone: tzinfo, rule: recurrence.Rule
) -> tuple[Due, recurrence.Rule]:
    """Where the series expands from, and the rule with the time of day it keeps."""
    if series.recur_start is None:
        return fallback, rule
    floating = _floating(series.recur_start)
    if floating is not None:
        return floating.date(), replace(rule, time=floating.time())
    start = dates.to_local(dates.parse_iso_due(series.recur_start), zone)
    if isinstance(start, datetime):
        return start, replace(rule, time=start.time())
    return start, rule


def start_of(series: Series, zone: tzinfo) -> Due | None:
    """Where the series starts, in `zone`, with the wall time its rule keeps (a start that a
    spring-forward gap moved reads back at the rule's time, e.g. 02:30, not 03:30)."""
    if series.recur_start is None:
        return None
    floating = _floating(series.recur_start)
    if floating is not None:
        return floating.replace(tzinfo=zone)
    return dates.to_local(dates.parse_iso_due(series.recur_start), zone)


def _floating(text: str) -> datetime | None:
    """A start kept as wall time without an offset (see _start_text), else None."""
    if "T" not in text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is None else None


def _zone(name: str | None, now: datetime) -> tzinfo:
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    assert now.tzinfo is not None
    return now.tzinfo


def _count(rrule: str) -> int | None:
    match = _COUNT.search(rrule)
    return None if match is None else int(match.group(2))


def _with_count(rrule: str, count: int | None) -> str:
    parts = [p for p in rrule.split(";") if not p.startswith("COUNT=")]
    if count is not None:
        parts.append(f"COUNT={count}")
    return ";".join(parts)


def moved_reminders(
    items: Sequence[ReminderRead], due: Due | None, all_day: time, now: datetime
) -> tuple[ReminderRead, ...]:
    """Reminders after the due date moved: relative ones follow it, absolute ones stay.

    A relative reminder that moves into the future is pending again. Without a due date,
    relative reminders mean nothing and are dropped.
    """
    tz = now.tzinfo
    assert tz is not None
    out = []
    for item in items:
        if item.before is None:
            out.append(item)
            continue
        if due is None:
            continue
        spec = reminders.ReminderSpec(before=reminders.parse_iso_duration(item.before))
        at = reminders.reminder_at(spec, due, all_day, tz)
        state = ReminderState.PENDING if at > now else item.state
        out.append(ReminderRead(at.astimezone(tz), item.before, state))
    return tuple(sorted(out, key=lambda r: r.at))


def carried_reminders(
    items: Sequence[ReminderRead], due: Due, all_day: time, now: datetime
) -> tuple[ReminderRead, ...]:
    """The reminders a new instance inherits: the relative ones, pending, at its own due."""
    relative = [replace(r, state=ReminderState.PENDING) for r in items if r.before is not None]
    return tuple(
        replace(r, state=ReminderState.PENDING)
        for r in moved_reminders(relative, due, all_day, now)
    )
