"""Calendar maths: units, calendar months, "in N units", the range of dates todo accepts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypeVar

from core.dates.zones import to_utc
from core.errors import BadInput, OutOfRange
from core.schemas import Due

_D = TypeVar("_D", bound=date)

_UNIT_SPELLINGS = {
    "minutes": ("min", "mins", "minute", "minutes"),
    "hours": ("h", "hr", "hrs", "hour", "hours"),
    "days": ("d", "day", "days"),
    "weeks": ("w", "wk", "wks", "week", "weeks"),
    "months": ("mo", "mos", "month", "months"),
    "years": ("y", "yr", "yrs", "year", "years"),
}
_UNITS = {spelling: unit for unit, spellings in _UNIT_SPELLINGS.items() for spelling in spellings}
ELAPSED_UNITS = frozenset({"minutes", "hours"})
"""Units that count elapsed time and so give a datetime; the others give an all-day date."""


def parse_unit(word: str) -> str | None:
    """The canonical unit ("minutes" ... "years") for a spelling like "hrs" or "wk", else None."""
    return _UNITS.get(word.strip().lower())


def days_in_month(year: int, month: int) -> int:
    """How many days `month` (1-12) of `year` has."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(d: _D, months: int) -> _D:
    """`d` moved by whole calendar months, clamped to the last day of the month it lands in
    (Jan 31 + 1 month = Feb 28 or 29). A datetime keeps its wall time and zone."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return d.replace(year=year, month=month, day=min(d.day, days_in_month(year, month)))


def shift(now: datetime, amount: int, unit: str) -> Due:
    """What "in `amount` `unit`" means at `now` (negative amounts go back).

    Minutes and hours are elapsed time and give an aware datetime in now's zone (3 hours is 3
    hours even across a DST change). Days, weeks, months and years count on the calendar from
    now's local date and give an all-day date. Raises BadInput if the result is out of range.
    """
    try:
        if unit in ELAPSED_UNITS:
            step = timedelta(minutes=amount) if unit == "minutes" else timedelta(hours=amount)
            return (to_utc(now) + step).astimezone(now.tzinfo)
        return shift_date(now.date(), amount, unit)
    except (OverflowError, ValueError):
        raise BadInput(f"'in {amount} {unit}' is out of range") from None


def shift_date(d: date, amount: int, unit: str) -> date:
    """Day `d` moved by `amount` calendar days, weeks, months or years."""
    if unit == "days":
        return d + timedelta(days=amount)
    if unit == "weeks":
        return d + timedelta(weeks=amount)
    if unit == "months":
        return add_months(d, amount)
    if unit == "years":
        return add_months(d, 12 * amount)
    raise ValueError(f"not a calendar unit: {unit!r}")



FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
"""The dates todo accepts: wide enough for any plan, far enough from year 1 and 9999 that
time-zone shifts, reminders and recurrence never leave what Python's datetime can hold."""


def check_range(value: Due, what: str) -> Due:
    """`value` if it falls within FIRST_DAY..LAST_DAY, else BadInput naming `what`."""
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DAY <= day <= LAST_DAY:
        raise OutOfRange(f"{what} is out of range: dates go from {FIRST_DAY} to {LAST_DAY}")
    return value
