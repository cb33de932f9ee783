"""Dates: the one module that reads date phrases and does date maths.

A due value is an all-day `date` or an aware `datetime` (core.schemas.Due); nothing here
invents a fake midnight. Wall times are built in the user's zone with zoneinfo so 09:00 stays
09:00 across DST, and months are calendar months, never 30 days.

Pure apart from `local_zone`, which reads the TZ variable and the /etc/localtime link. Only the
standard library is imported, so importing this costs next to nothing on every CLI command.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import TypeAlias, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import BadInput, OutOfRange
from core.schemas import Due

_LOCALTIME = Path("/etc/localtime")

_D = TypeVar("_D", bound=date)

# --- zones and conversions -------------------------------------------------------------------


def local_zone() -> tzinfo:
    """The user's time zone: `TZ` (a leading ':' allowed), else the zone /etc/localtime links to,
    else UTC.

    Always a named ZoneInfo rather than today's fixed offset, so DST rules apply to future dates.
    An invalid `TZ` falls through to the next source.
    """
    return _zone_named(os.environ.get("TZ", "")) or _system_zone() or UTC


def _zone_named(name: str) -> ZoneInfo | None:
    key = name.strip().removeprefix(":")
    # TZ may name a tz file by path (":/usr/share/zoneinfo/Europe/Berlin"); ZoneInfo wants a key.
    if "zoneinfo/" in key:
        key = key.rsplit("zoneinfo/", 1)[1]
    if not key:
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _system_zone() -> ZoneInfo | None:
    try:
        target = os.readlink(_LOCALTIME)
    except OSError:
        return None
    return _zone_named(target) if "zoneinfo/" in target else None


def now_local(tz: tzinfo | None = None) -> datetime:
    """The current time, aware, in `tz` (default: `local_zone()`)."""
    return datetime.now(tz if tz is not None else local_zone())


def combine(d: date, t: time, tz: tzinfo) -> datetime:
    """Day `d` at wall time `t` in `tz`, as an aware datetime.

    An ambiguous time (clocks going back) means its first occurrence unless `t.fold` is 1; a time
    that does not exist (clocks going forward) moves on by the length of the gap, so 02:30 on the
    spring-forward day in New York is 03:30 EDT. Any tzinfo already on `t` is ignored.
    """
    wall = datetime.combine(d, t.replace(tzinfo=None), tzinfo=tz)
    # The round trip through UTC turns a non-existent wall time into the real one after the gap.
    return wall.astimezone(UTC).astimezone(tz)


def to_utc(dt: datetime) -> datetime:
    """`dt` in UTC. A naive value is taken to be UTC already (what SQLite hands back)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_local(due: Due, tz: tzinfo) -> Due:
    """A datetime converted to `tz`; an all-day date is returned unchanged."""
    if isinstance(due, datetime):
        return to_utc(due).astimezone(tz)
    return due


def day_start(d: date, tz: tzinfo) -> datetime:
    """The instant local day `d` begins in `tz` (for filters; never stored as a due)."""
    return combine(d, time(0), tz)


# --- calendar maths --------------------------------------------------------------------------

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


# --- times of day ----------------------------------------------------------------------------

_TIME_12H = re.compile(r"([0-9]{1,2})(?::([0-9]{2}))?\s*([ap])\.?m\.?")
_TIME_24H = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_NAMED_TIMES = {"noon": time(12), "midnight": time(0)}
_MERIDIEMS = frozenset({"am", "pm", "a.m.", "p.m."})


def parse_time_of_day(text: str) -> time | None:
    """The time of day in `text`: "5pm", "6:45am", "17:30", "noon", "midnight".

    None if `text` does not look like a time; BadInput if it looks like one but cannot be
    ("25:00", "13pm"), so a typo is reported rather than silently kept as words.
    """
    key = text.strip().lower()
    if key in _NAMED_TIMES:
        return _NAMED_TIMES[key]
    if m := _TIME_12H.fullmatch(key):
        hour = int(m[1])
        if not 1 <= hour <= 12:
            raise _bad_time(text)
        return _clock(hour % 12 + (12 if m[3] == "p" else 0), int(m[2] or 0), text)
    if m := _TIME_24H.fullmatch(key):
        return _clock(int(m[1]), int(m[2]), text)
    return None


def _clock(hour: int, minute: int, text: str) -> time:
    if hour > 23 or minute > 59:
        raise _bad_time(text)
    return time(hour, minute)


def _bad_time(text: str) -> BadInput:
    return BadInput(f"'{text}' is not a time of day: try 5pm, 6:45am, 17:30 or noon")


# --- date phrases ----------------------------------------------------------------------------

_WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_TONIGHT = time(20)
_DAY_NUMBER = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"[0-9]{4}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[t ][0-9]{2}:[0-9]{2}\S*")
_AMOUNT = re.compile(r"[0-9]+|an?")
_GLUED_AMOUNT = re.compile(r"([0-9]+)([a-z]+)")
_NEGATIVE_AMOUNT = re.compile(r"-[0-9]+([a-z]*)")
_BARE_HOUR = re.compile(r"[0-9]{1,2}")
_PERIOD_ENDS = frozenset({"week", "month", "year"})

KEYWORDS = frozenset(
    {"today", "tonight", "tomorrow", "at", "in", "next", "end", *_WEEKDAYS, *_MONTHS,
     *_NAMED_TIMES}
)
"""Words with a meaning in date phrases (units and "a"/"an" only count after "in")."""

_Found: TypeAlias = tuple[int, Due]  # words used, the due they name
_Day: TypeAlias = tuple[int, date, time | None]  # words used, the day, its implied time
_DayRule: TypeAlias = Callable[[Sequence[str], int, date], _Day | None]


def parse_due(text: str, now: datetime) -> Due:
    """A whole date phrase: "tomorrow", "fri", "dec 5 at 5pm", "in 3 hours", "at noon", "17:30",
    "tonight", "2026-12-05", "2026-12-05T09:00", "2026-12-05 17:30".

    `now` is aware and its zone is the user's. Without a time the result is an all-day date;
    with one, an aware datetime in now's zone. Raises BadInput naming `text` if it is not a date.
    """
    words = text.split()
    found = match_due(words, now, bare_time=True) if words else None
    if found is None or found[0] != len(words):
        raise BadInput(
            f"'{text}' is not a date: try today, fri, dec 5, in 3 days, at 5pm or 2026-12-05"
        )
    return found[1]


def parse_day(text: str | None, now: datetime, what: str) -> date | None:
    """The day a date phrase falls on (None for no phrase), for filters that compare days:
    "fri", "2026-12-05", "in 3 days at 5pm" (its date). BadInput names `what` and the text."""
    if not text:
        return None
    try:
        due = parse_due(text, now)
    except BadInput as exc:
        raise BadInput(f"{what}: {exc.message}") from None
    return due.date() if isinstance(due, datetime) else due


def match_due(
    words: Sequence[str], now: datetime, *, bare_time: bool = False
) -> tuple[int, Due] | None:
    """The date phrase at the start of `words`, as (words used, due), or None if none starts there.

    The grammar behind `parse_due` and quick add: a day ("today", "fri", "dec 5th", "5 dec 2027",
    "2026-12-05", "in 3 weeks") then optionally "[at] TIME"; "at TIME" then optionally a day
    (alone: today if still ahead, else tomorrow); "in N minutes|hours"; an ISO datetime. With
    `bare_time` a leading time needs no "at" ("5pm"); in free text it does, so a stray "17:30"
    stays text. Words are matched case-insensitively. Raises BadInput for an impossible date or
    time ("feb 30", "at 25:00").
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    low = [w.lower() for w in words]
    try:
        for rule in (_elapsed, _iso_datetime, _day_then_time):
            found = rule(low, now)
            if found is not None:
                return _in_range(found, words)
        return _in_range(_time_then_day(low, now, at_required=not bare_time), words)
    except (OverflowError, ValueError):
        # Dates near year 1 or 9999, or absurdly long numbers; the rules name the usual mistakes.
        raise BadInput(f"'{' '.join(words)}' is out of the range of dates") from None


def _elapsed(w: Sequence[str], now: datetime) -> _Found | None:
    found = _in_amount(w, 0)
    if found is None or found[2] not in ELAPSED_UNITS:
        return None
    return found[0], shift(now, found[1], found[2])


def _iso_datetime(w: Sequence[str], now: datetime) -> _Found | None:
    if not w or not _ISO_DATETIME.fullmatch(w[0]):
        return None
    try:
        value = datetime.fromisoformat(w[0].upper())
    except ValueError:
        raise BadInput(f"'{w[0].upper()}' is not a valid date and time") from None
    if value.tzinfo is None:
        return 1, combine(value.date(), value.time(), _zone(now))
    return 1, value.astimezone(_zone(now))


def _day_then_time(w: Sequence[str], now: datetime) -> _Found | None:
    day = _match_day(w, 0, now.date())
    if day is None:
        return None
    size, d, implied = day
    clock = _at_time(w, size, at_required=False, bare_hour=True)
    if clock is not None:
        return size + clock[0], combine(d, clock[1], _zone(now))
    if implied is not None:
        return size, combine(d, implied, _zone(now))
    return size, d


def _time_then_day(w: Sequence[str], now: datetime, at_required: bool) -> _Found | None:
    clock = _at_time(w, 0, at_required)
    if clock is None:
        return None
    size, t = clock
    day = _match_day(w, size, now.date())
    if day is not None:
        return size + day[0], combine(day[1], t, _zone(now))
    today = combine(now.date(), t, _zone(now))
    return size, today if today > now else combine(now.date() + timedelta(days=1), t, _zone(now))


def _zone(now: datetime) -> tzinfo:
    assert now.tzinfo is not None  # match_due checked; this narrows the type
    return now.tzinfo


def _at_time(
    w: Sequence[str], i: int, at_required: bool, bare_hour: bool = False
) -> tuple[int, time] | None:
    # A bare hour only after a day ("fri at 9"): alone, "at 5" is too often just words.
    has_at = i < len(w) and w[i] == "at"
    if at_required and not has_at:
        return None
    found = time_after_at(w, i + 1) if has_at and bare_hour else _time_words(w, i + has_at)
    return None if found is None else (found[0] + has_at, found[1])


def time_after_at(w: Sequence[str], i: int) -> tuple[int, time] | None:
    """The time that follows an "at" after a day or a repeat (lowercase words from w[i]), as
    (words used, time): any time of day, or a bare hour on the 24-hour clock ("fri at 9",
    "every day at 17"). A number that is no hour ("at 42") is not a time: it stays text."""
    found = _time_words(w, i)
    if found is None and i < len(w) and _BARE_HOUR.fullmatch(w[i]) and int(w[i]) <= 23:
        return 1, time(int(w[i]))
    return found


def _time_words(w: Sequence[str], i: int) -> tuple[int, time] | None:
    if i >= len(w):
        return None
    if (t := parse_time_of_day(w[i])) is not None:
        return 1, t
    # "5 pm" typed as two words
    if i + 1 < len(w) and w[i + 1] in _MERIDIEMS:
        t = parse_time_of_day(w[i] + w[i + 1])
        return None if t is None else (2, t)
    return None


def _match_day(w: Sequence[str], i: int, today: date) -> _Day | None:
    if i >= len(w):
        return None
    for rule in _DAY_RULES:
        found = rule(w, i, today)
        if found is not None:
            return found
    return None


def _next_weekday(w: Sequence[str], i: int, today: date) -> _Day | None:
    """"next monday": that day in next week (weeks run Monday to Sunday), so on a Wednesday
    "next fri" is nine days ahead where "fri" is two."""
    if w[i] != "next" or i + 1 >= len(w) or w[i + 1] not in _WEEKDAYS:
        return None
    next_monday = today + timedelta(days=7 - today.weekday())
    return 2, next_monday + timedelta(days=_WEEKDAYS[w[i + 1]]), None


def _end_of(w: Sequence[str], i: int, today: date) -> _Day | None:
    """"end of week" (its Sunday), "end of month", "end of the year": the period's last day,
    today when today is that day."""
    k = i + 2 + (i + 2 < len(w) and w[i + 2] == "the")
    if w[i] != "end" or k >= len(w) or w[i + 1] != "of" or w[k] not in _PERIOD_ENDS:
        return None
    if w[k] == "week":
        return k + 1 - i, today + timedelta(days=6 - today.weekday()), None
    if w[k] == "month":
        return k + 1 - i, today.replace(day=days_in_month(today.year, today.month)), None
    return k + 1 - i, date(today.year, 12, 31), None


def _named_day(w: Sequence[str], i: int, today: date) -> _Day | None:
    word = w[i]
    if word == "today":
        return 1, today, None
    if word == "tonight":
        return 1, today, _TONIGHT
    if word == "tomorrow":
        return 1, today + timedelta(days=1), None
    if word in _WEEKDAYS:
        # The next such day: "fri" on a Friday means a week later.
        ahead = (_WEEKDAYS[word] - today.weekday()) % 7 or 7
        return 1, today + timedelta(days=ahead), None
    return None


def _iso_day(w: Sequence[str], i: int, today: date) -> _Day | None:
    if not _ISO_DATE.fullmatch(w[i]):
        return None
    try:
        return 1, date.fromisoformat(w[i]), None
    except ValueError:
        raise _bad_date(w[i]) from None


def _calendar_offset(w: Sequence[str], i: int, today: date) -> _Day | None:
    found = _in_amount(w, i)
    if found is None or found[2] in ELAPSED_UNITS:
        return None
    size, amount, unit = found
    try:
        return size, shift_date(today, amount, unit), None
    except (OverflowError, ValueError):
        raise BadInput(f"'{' '.join(w[i:i + size])}' is out of range") from None


def _in_amount(w: Sequence[str], i: int) -> tuple[int, int, str] | None:
    """ "in 3 days", "in an hour", "in 3d": (words used, amount, canonical unit)."""
    if i + 1 >= len(w) or w[i] != "in":
        return None
    _refuse_negative(w, i)
    glued = _GLUED_AMOUNT.fullmatch(w[i + 1])
    if glued and (unit := parse_unit(glued[2])):
        return 2, int(glued[1]), unit
    if i + 2 < len(w) and _AMOUNT.fullmatch(w[i + 1]) and (unit := parse_unit(w[i + 2])):
        amount = int(w[i + 1]) if w[i + 1][0].isdigit() else 1
        return 3, amount, unit
    return None


def _refuse_negative(w: Sequence[str], i: int) -> None:
    """"in -3 days" is a mistake, not a title: "in" counts ahead."""
    negative = _NEGATIVE_AMOUNT.fullmatch(w[i + 1])
    if negative is None:
        return
    glued = negative[1]
    if parse_unit(glued) if glued else i + 2 < len(w) and parse_unit(w[i + 2]):
        phrase = " ".join(w[i:i + (2 if glued else 3)])
        raise BadInput(f"'{phrase}' counts back: 'in' takes a positive number, "
                       "or give the date itself (2026-12-05)")


def _month_day(w: Sequence[str], i: int, today: date) -> _Day | None:
    found = _month_then_number(w, i) or _number_then_month(w, i)
    if found is None:
        return None
    size, month, day = found
    text = " ".join(w[i:i + size])
    if not 1 <= day <= days_in_month(2000, month):  # 2000 was a leap year: allow feb 29
        raise _bad_date(text)
    if i + size < len(w) and _YEAR.fullmatch(w[i + size]):
        year = int(w[i + size])
        return size + 1, _make_date(year, month, day, f"{text} {year}"), None
    return size, _next_occurrence(month, day, today), None


def _month_then_number(w: Sequence[str], i: int) -> tuple[int, int, int] | None:
    if w[i] not in _MONTHS or i + 1 >= len(w):
        return None
    number = _DAY_NUMBER.fullmatch(w[i + 1])
    return None if number is None else (2, _MONTHS[w[i]], int(number[1]))


def _number_then_month(w: Sequence[str], i: int) -> tuple[int, int, int] | None:
    number = _DAY_NUMBER.fullmatch(w[i])
    if number is None or i + 1 >= len(w) or w[i + 1] not in _MONTHS:
        return None
    return 2, _MONTHS[w[i + 1]], int(number[1])


def _next_occurrence(month: int, day: int, today: date) -> date:
    """This year's month/day, or next year's if already past (today is not past).

    Feb 29 waits for the next leap year."""
    for year in range(today.year, today.year + 9):
        if day <= days_in_month(year, month) and date(year, month, day) >= today:
            return date(year, month, day)
    raise ValueError("no such day in the next years")


def _make_date(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _bad_date(text) from None


def _bad_date(text: str) -> BadInput:
    return BadInput(f"'{text}' is not a valid date")


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


def _in_range(found: _Found | None, words: Sequence[str]) -> _Found | None:
    if found is not None:
        check_range(found[1], f"'{' '.join(words[:found[0]])}'")
    return found


_DAY_RULES: tuple[_DayRule, ...] = (
    _named_day, _next_weekday, _end_of, _iso_day, _calendar_offset, _month_day
)


# --- output ----------------------------------------------------------------------------------


def describe_relative(due: Due, now: datetime) -> str:
    """Short text for list output, relative to `now` in now's zone.

    "today", "tomorrow", "yesterday", "in 3 days", "2 days ago", "in 2 weeks", "3 months ago";
    60 or more days ahead (or a year or more ago) the ISO date, "2027-03-01". Timed values add
    their local time: "today 17:00", "in 3 days 09:30".
    """
    if isinstance(due, datetime):
        local = to_utc(due).astimezone(_zone(now))
        return f"{_relative_day(local.date(), now.date())} {local:%H:%M}"
    return _relative_day(due, now.date())


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


def iso(due: Due, tz: tzinfo) -> str:
    """ISO 8601: "2026-12-05" for an all-day date, "2026-12-01T09:00:00+01:00" (in `tz`, to the
    second) for a datetime."""
    if isinstance(due, datetime):
        # Values read from the store are already in `tz`; converting again costs ~1 µs each,
        # which is a tenth of `todo export` at 50k tasks.
        local = due if due.tzinfo is tz else (due if due.tzinfo else to_utc(due)).astimezone(tz)
        return local.isoformat(timespec="seconds")
    return due.isoformat()


def parse_iso_due(text: str) -> Due:
    """The inverse of `iso`: "2026-12-05" or a datetime with an offset or "Z".

    Raises BadInput for anything else, including a datetime without an offset (it names no
    instant)."""
    key = text.strip()
    try:
        if _ISO_DATE.fullmatch(key):
            return check_range(date.fromisoformat(key), f"'{text}'")
        if _ISO_DATETIME.fullmatch(key.lower()):
            value = datetime.fromisoformat(key.upper())
            if value.tzinfo is not None:
                return check_range(value, f"'{text}'")
    except ValueError:
        pass
    raise BadInput(f"'{text}' is not an ISO date (2026-12-05) or datetime with offset")


@dataclass(frozen=True, slots=True)
class OffsetSpan:
    """From `start` (a UTC instant; None: since forever) on, `tz` is `offset` ahead of UTC.

    `suffix` is the offset as `iso` prints it ("+01:00"), so a store can format local times
    itself without a round trip through Python per value.
    """

    start: datetime | None
    offset: timedelta
    suffix: str


# No zone changes its offset twice within 12 hours, so sampling at this step finds every change.
_SPAN_STEP = 12 * 3600


def offset_spans(tz: tzinfo, first: datetime, last: datetime) -> list[OffsetSpan]:
    """The spans of constant UTC offset of `tz` that cover the instants `first`..`last`."""
    lo, hi = int(first.timestamp()) - _SPAN_STEP, int(last.timestamp()) + _SPAN_STEP
    offset = _offset_at(tz, lo)
    spans = [_span(None, offset)]
    for at in range(lo, hi + _SPAN_STEP, _SPAN_STEP):
        if _offset_at(tz, at) != offset:
            change = _first_change(tz, at - _SPAN_STEP, at, offset)
            offset = _offset_at(tz, change)
            spans.append(_span(datetime.fromtimestamp(change, UTC), offset))
    return spans


def _offset_at(tz: tzinfo, epoch: int) -> timedelta:
    offset = datetime.fromtimestamp(epoch, UTC).astimezone(tz).utcoffset()
    assert offset is not None
    return offset


def _first_change(tz: tzinfo, before: int, after: int, offset: timedelta) -> int:
    """The first whole second in (before, after] whose offset differs from `offset`."""
    while after - before > 1:
        middle = (before + after) // 2
        if _offset_at(tz, middle) == offset:
            before = middle
        else:
            after = middle
    return after


def _span(start: datetime | None, offset: timedelta) -> OffsetSpan:
    suffix = datetime(2000, 1, 1, tzinfo=timezone(offset)).isoformat()[19:]
    return OffsetSpan(start, offset, suffix)
