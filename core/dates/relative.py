"""Dates as words relative to now: "tomorrow", "in 3 days 09:30", "2 weeks ago", "fri 10:30"."""

from __future__ import annotations

from datetime import date, datetime

from core.dates.zones import to_utc, zone_of
from core.schemas import Due


def describe_relative(due: Due, now: datetime) -> str:
    """Short text for list output, relative to `now` in now's zone.

    "today", "tomorrow", "yesterday", "in 3 days", "2 days ago", "in 2 weeks", "3 months ago";
    60 or more days ahead (or a year or more ago) the ISO date, "2027-03-01". Timed values add
    their local time: "today 17:00", "in 3 days 09:30".
    """
    if isinstance(due, datetime):
        local = to_utc(due).astimezone(zone_of(now))
        return f"{_relative_day(local.date(), now.date())} {local:%H:%M}"
    return _relative_day(due, now.date())


def describe_near(due: Due, now: datetime) -> str:
    """Short words for a reply in a conversation, relative to `now` in now's zone.

    "today", "tomorrow", a weekday name ("fri") for the rest of the coming week, else the ISO
    date (past days included: "2026-11-20"). Timed values add their local time: "tomorrow
    17:00", "fri 10:30".
    """
    if isinstance(due, datetime):
        local = to_utc(due).astimezone(zone_of(now))
        return f"{_near_day(local.date(), now.date())} {local:%H:%M}"
    return _near_day(due, now.date())


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _near_day(day: date, today: date) -> str:
    n = (day - today).days
    if n in (0, 1):
        return "today" if n == 0 else "tomorrow"
    # Weekday names, not strftime's %a: that follows the locale, and replies are English.
    return _DAY_NAMES[day.weekday()] if 1 < n < 7 else day.isoformat()


def _relative_day(day: date, today: date) -> str:
    n = (day - today).days
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}
    if n in named:
        return named[n]
    if abs(n) < 14:
        return _ago_or_in(abs(n), "day", n > 0)
    if abs(n) < 60:
        return _ago_or_in(abs(n) // 7, "week", n > 0)
    months = _whole_months(day, today)
    if n > 0 or months >= 12:
        return day.isoformat()
    return _ago_or_in(months, "month", future=False)


def _ago_or_in(count: int, unit: str, future: bool) -> str:
    amount = f"{count} {unit}" + ("" if count == 1 else "s")
    return f"in {amount}" if future else f"{amount} ago"


def _whole_months(earlier: date, later: date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - 1 if later.day < earlier.day else months
