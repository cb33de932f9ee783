"""The numbers behind `todo report`: pure arithmetic over rows the queries read.

No I/O and no store: the use case (core/usecases/reports.py) reads, this module counts. Each
result has `as_json()`, the `--json` form of the report (the numbers behind the picture).
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from core import dates
from core.errors import BadInput

NO_PROJECT = "(none)"
"""The project key of tasks in no project."""
WEEKLY_AFTER_DAYS = 62
"""`done` counts per week, not per day, over spans longer than this (about two months)."""


def week_start(day: date) -> date:
    """The Monday of `day`'s week (weeks run Monday to Sunday, whatever the locale)."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    """One project's line of `report summary`."""

    project: str
    pending: int
    completed: int
    this_week: int
    last_week: int
    overdue: int

    @property
    def percent_done(self) -> int:
        """Completed as a whole percentage of pending plus completed (0 with neither)."""
        total = self.pending + self.completed
        return round(100 * self.completed / total) if total else 0

    def as_json(self) -> dict[str, Any]:
        """The line as JSON, percent included."""
        return {
            "project": self.project, "pending": self.pending, "completed": self.completed,
            "completed_this_week": self.this_week, "completed_last_week": self.last_week,
            "percent_done": self.percent_done, "overdue": self.overdue,
        }


@dataclass(frozen=True, slots=True)
class Summary:
    """`report summary`: one line per project, and the week the counts refer to."""

    week: date
    projects: list[ProjectSummary]

    def as_json(self) -> dict[str, Any]:
        """{"week_start": ..., "projects": [...]}."""
        return {"week_start": self.week.isoformat(),
                "projects": [p.as_json() for p in self.projects]}


@dataclass(frozen=True, slots=True)
class Point:
    """A day (or the Monday of a week) and a count on it."""

    day: date
    count: int


@dataclass(frozen=True, slots=True)
class Burndown:
    """`report burndown`: pending tasks at the end of each day, today last."""

    points: list[Point]

    def as_json(self) -> dict[str, Any]:
        """{"points": [{"date", "pending"}, ...]}."""
        return {"points": [{"date": p.day.isoformat(), "pending": p.count} for p in self.points]}


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """An audited event of one task: its local day, type, and status change if it has one."""

    day: date
    task: str
    created: bool
    old: str | None
    new: str | None


def pending_deltas(events: Sequence[StatusEvent], now: dict[str, str]) -> list[tuple[date, int]]:
    """(day, +1/-1/0) per event, oldest first: how each moved the pending count.

    The audit log does not record the status a task was created with (a created event has no
    changes), so it is read backwards from the status each task has `now`: a task was created
    with the status its next status change started from, or else the status it has now.
    """
    after = dict(now)
    deltas = []
    for event in reversed(events):
        if event.created:
            deltas.append((event.day, int(after.get(event.task) == "pending")))
            continue
        deltas.append((event.day, int(event.new == "pending") - int(event.old == "pending")))
        if event.old is not None:
            after[event.task] = event.old
    return deltas[::-1]


def burndown(
    pending_now: int, today: date, days: int, changes: Iterable[tuple[date, int]]
) -> Burndown:
    """The pending count at the end of each of the `days` days up to `today`.

    Counted back from the pending count now, undoing each day's status changes (local day,
    delta): so tasks older than the audit log still count, and the last point is the count
    now. Changes dated after `today` are undone from today's point too.
    """
    by_day: Counter[date] = Counter()
    for day, delta in changes:
        by_day[day] += delta
    count = pending_now - sum(n for day, n in by_day.items() if day > today)
    points = []
    for back in range(days):
        day = today - timedelta(days=back)
        points.append(Point(day, count))
        count -= by_day[day]
    return Burndown(points[::-1])


@dataclass(frozen=True, slots=True)
class DueTask:
    """A task on the calendar: its id and title."""

    id: int
    title: str


@dataclass(frozen=True, slots=True)
class CalendarDay:
    """One day of the month with the pending tasks due on it, first due first."""

    day: date
    tasks: list[DueTask] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Calendar:
    """`report calendar`: the month's weeks, Monday first; days outside the month are None."""

    month: date
    weeks: list[list[CalendarDay | None]]

    def days(self) -> list[CalendarDay]:
        """The days of the month in order."""
        return [d for week in self.weeks for d in week if d is not None]

    def as_json(self) -> dict[str, Any]:
        """{"month": "YYYY-MM", "days": [{"date", "count", "tasks": [{"id", "title"}]}]}."""
        return {
            "month": self.month.strftime("%Y-%m"),
            "days": [
                {"date": d.day.isoformat(), "count": len(d.tasks),
                 "tasks": [{"id": t.id, "title": t.title} for t in d.tasks]}
                for d in self.days()
            ],
        }


def calendar_month(month: date, due: Sequence[tuple[date, DueTask]]) -> Calendar:
    """The grid of `month` (any day in it) with each task placed on its due day."""
    first = month.replace(day=1)
    by_day: dict[date, list[DueTask]] = {}
    for day, task in due:
        by_day.setdefault(day, []).append(task)
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
        first.year, first.month
    )
    grid = [
        [CalendarDay(d, by_day.get(d, [])) if d.month == first.month else None for d in week]
        for week in weeks
    ]
    return Calendar(first, grid)


@dataclass(frozen=True, slots=True)
class Done:
    """`report done`: completions per day, or per week (keyed by Monday) over long spans."""

    unit: str
    since: date
    points: list[Point]

    def as_json(self) -> dict[str, Any]:
        """{"unit": "day"|"week", "since", "points": [{"date", "completed"}]}."""
        return {
            "unit": self.unit, "since": self.since.isoformat(),
            "points": [{"date": p.day.isoformat(), "completed": p.count} for p in self.points],
        }


def done(since: date, today: date, completed: Iterable[date]) -> Done:
    """Completions on each day from `since` to `today`, or each week when that is long."""
    weekly = (today - since).days > WEEKLY_AFTER_DAYS
    key = week_start if weekly else (lambda d: d)
    counts = Counter(key(d) for d in completed if since <= d <= today)
    step = timedelta(weeks=1) if weekly else timedelta(days=1)
    day, points = key(since), []
    while day <= today:
        points.append(Point(day, counts[day]))
        day += step
    return Done("week" if weekly else "day", since, points)


def parse_month(text: str | None, now: datetime) -> date | None:
    """The first day of the month `text` names: "2026-12", "dec", "december 2027", or any
    date phrase ("today", "in 3 weeks", "2026-12-05"); None for no text."""
    if not text or not text.strip():
        return None
    words = text.lower().split()
    found = _year_month(words) or _named_month(words, now.year)
    if found is not None:
        return found
    try:
        day = dates.parse_day(text, now, "month")
    except BadInput:
        raise BadInput(
            f"'{text}' is not a month: try 2026-12, dec, december 2027 or today"
        ) from None
    assert day is not None  # text is not empty
    return day.replace(day=1)


def _year_month(words: Sequence[str]) -> date | None:
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", words[0]) if len(words) == 1 else None
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return _first_of(int(match[1]), int(match[2]))


def _named_month(words: Sequence[str], year: int) -> date | None:
    month = dates.MONTHS.get(words[0])
    if month is None or len(words) > 2 or (len(words) == 2 and not words[1].isdigit()):
        return None
    return _first_of(int(words[1]) if len(words) == 2 else year, month)


def _first_of(year: int, month: int) -> date:
    # Clamped so that date() accepts it; check_range then refuses what lies outside todo's dates.
    first = date(min(max(year, 1), 9999), month, 1)
    dates.check_range(first, "month")
    return first
