"""Date phrases: the grammar of "tomorrow", "fri at 5pm", "dec 5th", "in 3 weeks", "2026-12-05"."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import TypeAlias

from core.dates.arithmetic import (
    ELAPSED_UNITS,
    check_range,
    days_in_month,
    parse_unit,
    shift,
    shift_date,
)
from core.dates.iso import ISO_DATE, ISO_DATETIME
from core.dates.times import MERIDIEMS, NAMED_TIMES, leads_with_digit, parse_time_of_day
from core.dates.zones import combine, zone_of
from core.errors import BadInput
from core.schemas import Due

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1,
    "wednesday": 2, "wed": 2, "thursday": 3, "thu": 3, "thur": 3, "thurs": 3,
    "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}
MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_TONIGHT = time(20)
# Patterns that `re` compiles on first use; the ones tried on every word of quick add
# start with a digit, and `leads_with_digit` spares plain words them.
_DAY_NUMBER = r"([0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"[0-9]{4}"
_AMOUNT = r"[0-9]+|an?"
_GLUED_AMOUNT = r"([0-9]+)([a-z]+)"
_NEGATIVE_AMOUNT = r"-[0-9]+([a-z]*)"
_BARE_HOUR = r"[0-9]{1,2}"
_PERIOD_ENDS = frozenset({"week", "month", "year"})

KEYWORDS = frozenset(
    {"today", "tonight", "tomorrow", "at", "in", "next", "end", *WEEKDAYS, *MONTHS,
     *NAMED_TIMES}
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
    if not w or not leads_with_digit(w[0]) or not re.fullmatch(ISO_DATETIME, w[0]):
        return None
    try:
        value = datetime.fromisoformat(w[0].upper())
    except ValueError:
        raise BadInput(f"'{w[0].upper()}' is not a valid date and time") from None
    if value.tzinfo is None:
        return 1, combine(value.date(), value.time(), zone_of(now))
    return 1, value.astimezone(zone_of(now))


def _day_then_time(w: Sequence[str], now: datetime) -> _Found | None:
    day = _match_day(w, 0, now.date())
    if day is None:
        return None
    size, d, implied = day
    clock = _at_time(w, size, at_required=False, bare_hour=True)
    if clock is not None:
        return size + clock[0], combine(d, clock[1], zone_of(now))
    if implied is not None:
        return size, combine(d, implied, zone_of(now))
    return size, d


def _time_then_day(w: Sequence[str], now: datetime, at_required: bool) -> _Found | None:
    clock = _at_time(w, 0, at_required)
    if clock is None:
        return None
    size, t = clock
    day = _match_day(w, size, now.date())
    if day is not None:
        return size + day[0], combine(day[1], t, zone_of(now))
    today = combine(now.date(), t, zone_of(now))
    return size, today if today > now else combine(now.date() + timedelta(days=1), t, zone_of(now))


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
    if found is None and i < len(w) and re.fullmatch(_BARE_HOUR, w[i]) and int(w[i]) <= 23:
        return 1, time(int(w[i]))
    return found


def _time_words(w: Sequence[str], i: int) -> tuple[int, time] | None:
    if i >= len(w):
        return None
    if (t := parse_time_of_day(w[i])) is not None:
        return 1, t
    # "5 pm" typed as two words
    if i + 1 < len(w) and w[i + 1] in MERIDIEMS:
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
    if w[i] != "next" or i + 1 >= len(w) or w[i + 1] not in WEEKDAYS:
        return None
    next_monday = today + timedelta(days=7 - today.weekday())
    return 2, next_monday + timedelta(days=WEEKDAYS[w[i + 1]]), None


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
    if word in WEEKDAYS:
        # The next such day: "fri" on a Friday means a week later.
        ahead = (WEEKDAYS[word] - today.weekday()) % 7 or 7
        return 1, today + timedelta(days=ahead), None
    return None


def _iso_day(w: Sequence[str], i: int, today: date) -> _Day | None:
    if not leads_with_digit(w[i]) or not re.fullmatch(ISO_DATE, w[i]):
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
    glued = re.fullmatch(_GLUED_AMOUNT, w[i + 1])
    if glued and (unit := parse_unit(glued[2])):
        return 2, int(glued[1]), unit
    if i + 2 < len(w) and re.fullmatch(_AMOUNT, w[i + 1]) and (unit := parse_unit(w[i + 2])):
        amount = int(w[i + 1]) if w[i + 1][0].isdigit() else 1
        return 3, amount, unit
    return None


def _refuse_negative(w: Sequence[str], i: int) -> None:
    """"in -3 days" is a mistake, not a title: "in" counts ahead."""
    negative = re.fullmatch(_NEGATIVE_AMOUNT, w[i + 1])
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
    if i + size < len(w) and re.fullmatch(_YEAR, w[i + size]):
        year = int(w[i + size])
        return size + 1, _make_date(year, month, day, f"{text} {year}"), None
    return size, _next_occurrence(month, day, today), None


def _month_then_number(w: Sequence[str], i: int) -> tuple[int, int, int] | None:
    if w[i] not in MONTHS or i + 1 >= len(w):
        return None
    number = re.fullmatch(_DAY_NUMBER, w[i + 1])
    return None if number is None else (2, MONTHS[w[i]], int(number[1]))


def _number_then_month(w: Sequence[str], i: int) -> tuple[int, int, int] | None:
    number = re.fullmatch(_DAY_NUMBER, w[i]) if leads_with_digit(w[i]) else None
    if number is None or i + 1 >= len(w) or w[i + 1] not in MONTHS:
        return None
    return 2, MONTHS[w[i + 1]], int(number[1])


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


def _in_range(found: _Found | None, words: Sequence[str]) -> _Found | None:
    if found is not None:
        check_range(found[1], f"'{' '.join(words[:found[0]])}'")
    return found


_DAY_RULES: tuple[_DayRule, ...] = (
    _named_day, _next_weekday, _end_of, _iso_day, _calendar_offset, _month_day
)
