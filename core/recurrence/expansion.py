"""Expanding a series in local wall time: first and next due, occurrences, and checking that
a raw RRULE ever happens. dateutil is imported only when a rule expands."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from itertools import islice
from typing import TYPE_CHECKING, cast

from core import dates
from core.errors import BadInput
from core.schemas import Due

if TYPE_CHECKING:
    from collections.abc import Iterable
from core.recurrence.descriptions import describe
from core.recurrence.rules import Parts, Rule, parse_parts, parts_of
from core.recurrence.vocabulary import (
    CALENDAR_UNIT,
)


@dataclass(frozen=True)
class _Series:
    """A rule's parts from its start, in wall time of `tz` (all-day when `clock` is None)."""

    parts: Parts
    start: datetime  # naive local wall time
    clock: time | None  # None: an all-day series
    tz: tzinfo

    def naive(self) -> Iterator[datetime]:
        return _expand(self.parts, self.start, self.tz)

    def due(self, wall: datetime) -> Due:
        if self.clock is None:
            return wall.date()
        return dates.combine(wall.date(), wall.time(), self.tz)

    def __iter__(self) -> Iterator[Due]:
        return (self.due(wall) for wall in self.naive())


def _series(rule: Rule, dtstart: Due, tz: tzinfo) -> _Series:
    parts = parts_of(rule)
    if isinstance(dtstart, datetime):
        wall = dates.to_utc(dtstart).astimezone(tz).replace(tzinfo=None)
        clock = _clock(rule.time, dtstart, tz) or wall.time()
        return _Series(parts, datetime.combine(wall.date(), clock), clock, tz)
    if rule.time is not None:
        return _Series(parts, datetime.combine(dtstart, rule.time), rule.time, tz)
    return _Series(parts, datetime.combine(dtstart, time()), None, tz)


def _clock(clock: time | None, due: datetime, tz: tzinfo) -> time | None:
    """`clock` when `due` is that wall time on its day, None otherwise.

    A time in a spring-forward gap is moved past it for that occurrence only (RFC 5545): a
    series whose start fell into the gap (02:30 shown as 03:30) keeps 02:30 for the others.
    """
    if clock is None:
        return None
    clock = clock.replace(tzinfo=None)
    local = dates.to_utc(due).astimezone(tz)
    return clock if dates.combine(local.date(), clock, tz) == due else None




def _expand(parts: Parts, start: datetime, tz: tzinfo) -> Iterator[datetime]:
    """The naive occurrences of `parts` from the naive `start` (dateutil semantics: `start`
    itself only if it matches the rule)."""
    from dateutil import rrule as du

    until = _until_wall(parts, tz)
    weekdays = [du.weekday(d, n or None) for n, d in parts.byday]
    rule = du.rrule(
        getattr(du, parts.freq),
        dtstart=start,
        interval=parts.interval,
        wkst=parts.wkst,
        count=parts.count,
        until=until,
        bysetpos=parts.bysetpos or None,
        bymonth=parts.bymonth or None,
        bymonthday=parts.bymonthday or None,
        byweekday=weekdays or None,
    )
    return iter(cast("Iterable[datetime]", rule))


def _until_wall(parts: Parts, tz: tzinfo) -> datetime | None:
    """UNTIL as naive local wall time in `tz` (a UTC UNTIL is converted)."""
    if parts.until is None:
        return None
    wall = datetime.strptime(parts.until[:15], "%Y%m%dT%H%M%S")
    if parts.until.endswith("Z"):
        return wall.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    return wall


def _first_naive(parts: Parts, start: datetime, tz: tzinfo) -> datetime | None:
    return next(_expand(parts, start, tz), None)


def _zone(now: datetime) -> tzinfo:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.tzinfo


def first_due(rule: Rule, now: datetime, start: Due | None) -> Due:
    """The first due of a new repeating task; store it as the series start (`dtstart`).

    With `start` (the task's own due) the series starts there: the result is the first day on
    or after `start` that fits the rule, `start` itself when it fits. A timed `start` keeps its
    time of day; a date gets `rule.time` when the rule has one. Without `start`: the first
    occurrence at or after `now` (today counts for an all-day rule, and for a time still ahead).
    The first occurrence ignores INTERVAL ("every other mon" said on a Sunday starts tomorrow);
    the interval counts from there. Results are dates for all-day series, else aware datetimes
    in now's zone. Raises BadInput when the series has no occurrence (UNTIL before the start).
    """
    tz = _zone(now)
    if start is None:
        local = now.astimezone(tz)
        if rule.time is None:
            series = _series(rule, local.date(), tz)
        else:
            ahead = dates.combine(local.date(), rule.time, tz) >= now
            series = _series(rule, local.date() + timedelta(days=0 if ahead else 1), tz)
    else:
        series = _series(rule, start, tz)
    first = _first_naive(replace(series.parts, interval=1), series.start, tz)
    if first is None:
        raise BadInput(
            f"the repeat '{describe(rule)}' ends before it starts "
            f"({series.start.date().isoformat()}): it would never be due"
        )
    return series.due(first)


def next_due(
    rule: Rule, dtstart: Due, after: Due, now: datetime, *, occurrence: int | None = None
) -> Due | None:
    """The due of the instance that follows the one due at `after`, or None when the series
    has ended (UNTIL passed, COUNT used up).

    Schedule mode: the first occurrence of the series from `dtstart` strictly after `after`
    that is not in the past (all-day: today or later; timed: later than `now`), so missed
    instances are skipped, never back-filled. `every!` (rule.from_completion): the schedule
    restarts at the completion date, `now`: a plain interval adds calendar units to it (every!
    3 days done on the 10th: the 13th; every! month done Jan 31: Feb 28); a rule with BY parts
    gives the first day that fits after INTERVAL-1 units from that date (every! mon done on a
    Wednesday: the next Monday; every! 2 weeks on mon: the Monday after next). The time of day
    is the one of `after` when it is timed, else the series'. COUNT for every! needs
    `occurrence`, the 1-based number of the instance being completed (ValueError without it).
    UNTIL is checked in both modes.
    `now` is aware and in the task's zone: the series expands in now's zone.
    """
    tz = _zone(now)
    series = _series(rule, dtstart, tz)
    if rule.from_completion:
        return _next_from_completion(series, after, now, occurrence)
    today = now.astimezone(tz).date()
    after_local = dates.to_local(after, tz)
    earliest = max(today, after_local.date() if isinstance(after_local, datetime) else after_local)
    for wall in series.naive():
        if wall.date() < earliest:
            continue
        due = series.due(wall)
        if _is_after(due, after_local) and (
            due > now if isinstance(due, datetime) else due >= today
        ):
            return due
    return None


def _is_after(due: Due, after: Due) -> bool:
    if isinstance(due, datetime) and isinstance(after, datetime):
        return due > after
    day = due.date() if isinstance(due, datetime) else due
    return day > (after.date() if isinstance(after, datetime) else after)


def _next_from_completion(
    series: _Series, after: Due, now: datetime, occurrence: int | None
) -> Due | None:
    parts, tz = series.parts, series.tz
    if parts.count is not None:
        if occurrence is None:
            raise ValueError("next_due needs occurrence= for an every! rule with COUNT")
        if occurrence >= parts.count:
            return None
    done = now.astimezone(tz).date()
    clock = series.clock
    if isinstance(after, datetime):
        local = dates.to_utc(after).astimezone(tz).time().replace(tzinfo=None, fold=0)
        clock = _clock(series.clock, after, tz) or local
    unit = CALENDAR_UNIT[parts.freq]
    try:
        if parts.has_by_parts:
            # The first fitting day after N-1 units from completion. Anchoring the interval at
            # the completion date instead could miss every fitting day: "every! 2 years on
            # feb 29" done in an odd year would only ever visit odd years.
            base = dates.shift_date(done, parts.interval - 1, unit)
            pattern = replace(parts, interval=1, count=None, until=None)
            start = datetime.combine(base, time())
            found = next((w.date() for w in _expand(pattern, start, tz) if w.date() > base), None)
            if found is None:
                return None
            day = found
        else:
            day = dates.shift_date(done, parts.interval, unit)
    except (OverflowError, ValueError):
        return None
    until = _until_wall(parts, tz)
    if until is not None and datetime.combine(day, clock or time()) > until:
        return None
    return day if clock is None else dates.combine(day, clock, tz)


def occurrences(rule: Rule, dtstart: Due, count: int, tz: tzinfo) -> list[Due]:
    """The first `count` occurrences of the series from `dtstart` (dates for an all-day series,
    else aware datetimes in `tz`); fewer when the series ends sooner."""
    return list(islice(_series(rule, dtstart, tz), count))


def validate_rrule(value: str) -> str:
    """A raw RRULE value ("FREQ=WEEKLY;BYDAY=MO", an optional "RRULE:" prefix, any case),
    checked and normalised as in Rule.rrule.

    FREQ is DAILY, WEEKLY, MONTHLY or YEARLY; INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY,
    BYMONTH, BYSETPOS and WKST may follow. A date-only UNTIL becomes the end of that day.
    Raises BadInput naming the bad part, for a combination RFC 5545 forbids (COUNT with UNTIL,
    BYMONTHDAY with WEEKLY ...) and for a rule that never happens (BYMONTH=2;BYMONTHDAY=30).
    """
    parts = parse_parts(value)
    if _first_naive(replace(parts, until=None), datetime(2000, 1, 1), UTC) is None:
        raise BadInput(f"the RRULE '{value.strip()}' never happens")
    return parts.value()
