"""Recurrence: repeat rules read from phrases, kept as RFC 5545 RRULEs, expanded in local time.

    'every mon, wed and fri at 7am'  ->  Rule('FREQ=WEEKLY;BYDAY=MO,WE,FR', time=07:00)

A Rule holds the normalised RRULE value (what JSON shows, without "RRULE:"), whether the task
repeats from its completion date (`every!`) and the time of day the phrase named. A series is a
rule plus its start (`dtstart`, what `first_due` returns). It expands in local wall time: the
start becomes a naive local datetime, dateutil expands naive values and core.dates.combine
attaches the zone to each, so 09:00 stays 09:00 across DST. A series is all-day (it yields
dates) when it starts on a date and the rule has no time; otherwise it yields aware datetimes.

Pure: no I/O. dateutil.rrule costs ~35 ms to import, so only the functions that expand a rule
import it; reading a phrase needs nothing but core.dates, which owns every date phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from itertools import islice
from typing import TYPE_CHECKING, TypeAlias, cast

from core import dates
from core.errors import BadInput
from core.schemas import Due

if TYPE_CHECKING:
    from collections.abc import Iterable

_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNIT_OF = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_FREQ_OF = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
_CALENDAR_UNIT = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months", "YEARLY": "years"}
_FREQ_OF_UNIT = {unit: freq for freq, unit in _CALENDAR_UNIT.items()}
_ADVERBS = {
    "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
    "yearly": "YEARLY", "annually": "YEARLY",
}
HEADS = frozenset({"every", "every!", *_ADVERBS})
"""Words that start a repeat phrase in quick add (matched case-insensitively)."""

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
_ORDINAL_WORDS = {n: word for word, n in _ORDINALS.items()}
_WORKWEEK = ((0, 0), (0, 1), (0, 2), (0, 3), (0, 4))
_WEEKEND = ((0, 5), (0, 6))
# Names of days and months belong to core.dates, the one module that reads date phrases.
_WEEKDAYS = dates.WEEKDAYS
_MONTHS = dates.MONTHS
_NUMBER = re.compile(r"[0-9]+")
_GLUED = re.compile(r"([0-9]+)([a-z]+)")
_NTH = re.compile(r"([0-9]{1,2})(st|nd|rd|th)")  # "15th": a day of the month, suffix required
_DAY_NUMBER = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?")
_SEPARATORS = frozenset({"and", "&", ","})
_OF_MONTH = (frozenset({"of"}), frozenset({"the", "each", "every"}), frozenset({"month"}))
_TIMES = frozenset({"times", "time"})
_WHOLE_DAY_END = time(23, 59, 59)
_UNTIL = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z)?)?")
_BYDAY_ITEM = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_KEYS = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST", "COUNT",
         "UNTIL")
_HINT = ("try every day, every weekday, every mon and thu, every 2 weeks, every month on the "
         "15th, every last fri or every jan 10")


@dataclass(frozen=True)
class Rule:
    """A repeat rule.

    `rrule` is the normalised RRULE value, e.g. "FREQ=MONTHLY;BYMONTHDAY=15" (parts in the order
    FREQ, INTERVAL, BYMONTH, BYMONTHDAY, BYDAY, BYSETPOS, WKST, COUNT, UNTIL). UNTIL is floating
    local time, "UNTIL=20261231T235959" for "until 2026-12-31" (that whole day included); a raw
    rule may carry a UTC UNTIL ("...Z"), converted to the series' zone when it expands.
    `from_completion` is `every!`: the next due counts from the completion date. `time` is the
    phrase's "at TIME", the time of day the first due gets when it has none of its own.
    """

    rrule: str
    from_completion: bool = False
    time: time | None = None


# --- the RRULE value ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parts:
    """An RRULE value taken apart. byday holds (ordinal or 0, weekday 0=Monday)."""

    freq: str
    interval: int = 1
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int, int], ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: int | None = None
    count: int | None = None
    until: str | None = None  # "20261231T235959" (floating local) or "20261231T080000Z"

    def value(self) -> str:
        out = [f"FREQ={self.freq}"]
        if self.interval != 1:
            out.append(f"INTERVAL={self.interval}")
        if self.bymonth:
            out.append("BYMONTH=" + _join(self.bymonth))
        if self.bymonthday:
            out.append("BYMONTHDAY=" + _join(self.bymonthday))
        if self.byday:
            out.append("BYDAY=" + ",".join(f"{n or ''}{_CODES[d]}" for n, d in self.byday))
        if self.bysetpos:
            out.append("BYSETPOS=" + _join(self.bysetpos))
        if self.wkst is not None:
            out.append(f"WKST={_CODES[self.wkst]}")
        if self.count is not None:
            out.append(f"COUNT={self.count}")
        if self.until is not None:
            out.append(f"UNTIL={self.until}")
        return ";".join(out)

    def normalised(self) -> _Parts:
        return replace(
            self,
            bymonth=tuple(sorted(set(self.bymonth))),
            bymonthday=tuple(sorted(set(self.bymonthday), key=lambda d: (d < 0, abs(d)))),
            byday=tuple(sorted(set(self.byday), key=lambda nd: (nd[1], nd[0] < 0, abs(nd[0])))),
            bysetpos=tuple(sorted(set(self.bysetpos), key=lambda d: (d < 0, abs(d)))),
        )

    @property
    def has_by_parts(self) -> bool:
        return bool(self.bymonth or self.bymonthday or self.byday or self.bysetpos)


def _join(values: Sequence[int]) -> str:
    return ",".join(str(v) for v in values)


def validate_rrule(value: str) -> str:
    """A raw RRULE value ("FREQ=WEEKLY;BYDAY=MO", an optional "RRULE:" prefix, any case),
    checked and normalised as in Rule.rrule.

    FREQ is DAILY, WEEKLY, MONTHLY or YEARLY; INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY,
    BYMONTH, BYSETPOS and WKST may follow. A date-only UNTIL becomes the end of that day.
    Raises BadInput naming the bad part, for a combination RFC 5545 forbids (COUNT with UNTIL,
    BYMONTHDAY with WEEKLY ...) and for a rule that never happens (BYMONTH=2;BYMONTHDAY=30).
    """
    parts = _parse_parts(value)
    if _first_naive(replace(parts, until=None), datetime(2000, 1, 1), UTC) is None:
        raise BadInput(f"the RRULE '{value.strip()}' never happens")
    return parts.value()


def _parse_parts(value: str) -> _Parts:
    text = value.strip()
    if text[:6].upper() == "RRULE:":
        text = text[6:]
    seen: dict[str, str] = {}
    for piece in text.split(";"):
        if not piece.strip():
            continue
        key, eq, val = (s.strip().upper() for s in piece.partition("="))
        if not eq or not key or not val:
            raise BadInput(f"'{piece.strip()}' in the RRULE '{value.strip()}' is not NAME=VALUE")
        if key not in _KEYS:
            raise BadInput(f"the RRULE part {key} is not supported: use " + ", ".join(_KEYS))
        if key in seen:
            raise BadInput(f"the RRULE '{value.strip()}' names {key} twice")
        seen[key] = val
    freq = seen.get("FREQ")
    if freq is None:
        raise BadInput(f"the RRULE '{value.strip()}' has no FREQ (e.g. FREQ=WEEKLY)")
    if freq not in _UNIT_OF:
        raise BadInput(f"FREQ={freq} is not supported: use DAILY, WEEKLY, MONTHLY or YEARLY")
    parts = _Parts(
        freq=freq,
        interval=_int(seen, "INTERVAL", 1, 10_000) or 1,
        bymonth=_ints(seen, "BYMONTH", 12, signed=False),
        bymonthday=_ints(seen, "BYMONTHDAY", 31, signed=True),
        byday=_byday(seen.get("BYDAY"), freq),
        bysetpos=_ints(seen, "BYSETPOS", 366, signed=True),
        wkst=_CODES.index(seen["WKST"]) if seen.get("WKST") in _CODES else None,
        count=_int(seen, "COUNT", 1, 100_000),
        until=_until_value(seen.get("UNTIL")),
    )
    if "WKST" in seen and parts.wkst is None:
        raise BadInput(f"WKST={seen['WKST']} is not a weekday (MO ... SU)")
    _check_combination(parts)
    return parts.normalised()


def _int(seen: dict[str, str], key: str, low: int, high: int) -> int | None:
    if key not in seen:
        return None
    text = seen[key]
    if not _NUMBER.fullmatch(text) or not low <= int(text) <= high:
        raise BadInput(f"{key}={text} must be a whole number from {low} to {high}")
    return int(text)


def _ints(seen: dict[str, str], key: str, high: int, signed: bool) -> tuple[int, ...]:
    if key not in seen:
        return ()
    out: list[int] = []
    for item in seen[key].split(","):
        try:
            n = int(item)
        except ValueError:
            n = 0
        if n == 0 or abs(n) > high or (n < 0 and not signed):
            span = f"1 to {high}" + (f" or -{high} to -1" if signed else "")
            raise BadInput(f"{key}={seen[key]}: '{item}' must be from {span}")
        out.append(n)
    return tuple(out)


def _byday(text: str | None, freq: str) -> tuple[tuple[int, int], ...]:
    if text is None:
        return ()
    out: list[tuple[int, int]] = []
    for item in text.split(","):
        m = _BYDAY_ITEM.fullmatch(item.strip())
        if m is None:
            raise BadInput(f"BYDAY={text}: '{item}' is not a weekday such as MO, 1FR or -1SU")
        n = int(m[1]) if m[1] else 0
        if m[1] and (n == 0 or abs(n) > 53):
            raise BadInput(f"BYDAY={text}: '{item}' has an ordinal outside -53..-1 and 1..53")
        if n and freq not in ("MONTHLY", "YEARLY"):
            raise BadInput(f"BYDAY={text}: '{item}' takes an ordinal only with MONTHLY or YEARLY")
        if n and freq == "MONTHLY" and abs(n) > 5:
            raise BadInput(f"BYDAY={text}: a month has at most 5 of each weekday")
        out.append((n, _CODES.index(m[2])))
    return tuple(out)


def _until_value(text: str | None) -> str | None:
    if text is None:
        return None
    m = _UNTIL.fullmatch(text)
    try:
        if m is not None:
            when = datetime.strptime(m[1] + (m[2] or "235959"), "%Y%m%d%H%M%S")
            return f"{when:%Y%m%dT%H%M%S}" + (m[3] or "")
    except ValueError:
        pass
    raise BadInput(f"UNTIL={text} is not a date (20261231) or date-time (20261231T170000[Z])")


def _check_combination(p: _Parts) -> None:
    if p.count is not None and p.until is not None:
        raise BadInput("a repeat ends either on a date (UNTIL) or after a count, not both")
    if p.bymonthday and p.freq == "WEEKLY":
        raise BadInput("BYMONTHDAY does not go with FREQ=WEEKLY")
    if p.bysetpos and p.freq not in ("MONTHLY", "YEARLY"):
        raise BadInput("BYSETPOS is supported only with FREQ=MONTHLY or YEARLY")
    if p.bysetpos and not (p.byday or p.bymonthday or p.bymonth):
        raise BadInput("BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH to pick from")
    if p.bymonthday:
        months = p.bymonth or tuple(range(1, 13))
        if not any(abs(d) <= dates.days_in_month(2000, m) for m in months for d in p.bymonthday):
            raise BadInput(f"'{p.value()}' never happens: no such day in those months")


# --- reading phrases ------------------------------------------------------------------------

_Found: TypeAlias = tuple[int, _Parts]  # index after the words used, the rule so far


def parse_rule(text: str, now: datetime) -> Rule:
    """A whole repeat phrase: "every mon and thu at 9am", "every! 3 days", "monthly",
    "every month on the 15th until dec 31". A phrase without its leading "every" also reads
    ("mon and thu"), and so does a raw RRULE value ("FREQ=WEEKLY;BYDAY=MO", "RRULE:...").

    `now` is aware, in the user's zone; it places relative dates after "until". Raises BadInput
    naming the part that is not understood.
    """
    stripped = text.strip()
    if "=" in stripped:
        return Rule(validate_rrule(stripped))
    words = stripped.split()
    if not words:
        raise BadInput(f"an empty repeat rule: {_HINT}")
    if words[0].lower() not in HEADS:
        words = ["every", *words]
    found = match_rule(words, 0, now)
    assert found is not None  # words[0] is a head: match_rule matches or raises
    if found[0] != len(words):
        rest = " ".join(words[found[0]:])
        raise BadInput(f"'{rest}' in the repeat '{stripped}' is not understood: {_HINT}")
    return found[1]


def match_rule(
    tokens: Sequence[str], i: int, now: datetime
) -> tuple[int, Rule] | None:
    """The repeat phrase starting at tokens[i], as (tokens used, rule), for quick add.

    None unless tokens[i] is "every", "every!", "daily", "weekly", "monthly", "yearly" or
    "annually" (any case). After "every" a repeat must follow: "every blursday" raises BadInput
    naming it rather than leaving it in the title (quote "every" to keep it as text). The phrase
    may end with "at TIME", "until DATE" and "for N times", each at most once, in any order.
    """
    w = [t.lower() for t in tokens]
    if i >= len(w) or w[i] not in HEADS:
        return None
    found = _unit_tail(w, i + 1, _ADVERBS[w[i]], 1) if w[i] in _ADVERBS else _every(w, i + 1)
    if found is None:
        size = 3 if i + 2 < len(w) and (w[i + 1] == "other" or w[i + 1].isdigit()) else 2
        what = " ".join(tokens[i:i + size])
        raise BadInput(f"'{what}' is not a repeat: {_HINT} (quote \"every\" to keep it)")
    end, parts, clock = _tail(w, found[0], found[1], now)
    rule = Rule(parts.normalised().value(), from_completion=w[i] == "every!", time=clock)
    return end - i, rule


def _every(w: Sequence[str], j: int) -> _Found | None:
    """What follows "every"."""
    word = w[j] if j < len(w) else ""
    if word == "day":
        return j + 1, _Parts("DAILY")
    if word in ("weekday", "weekdays"):
        return j + 1, _Parts("WEEKLY", byday=_WORKWEEK)
    if word in ("weekend", "weekends"):
        return j + 1, _Parts("WEEKLY", byday=_WEEKEND)
    if word in _FREQ_OF:
        return _unit_tail(w, j + 1, _FREQ_OF[word], 1)
    if word == "other":
        return _other(w, j + 1)
    for rule in (_interval, _nth_weekday, _nth_day, _month_day, _nth_list, _weekly_on_days):
        found = rule(w, j)
        if found is not None:
            return found
    return None


def _other(w: Sequence[str], j: int) -> _Found:
    word = w[j] if j < len(w) else ""
    if word in _FREQ_OF:
        return _unit_tail(w, j + 1, _FREQ_OF[word], 2)
    days = _weekday_list(w, j)
    if days is not None:
        return days[0], _Parts("WEEKLY", interval=2, byday=days[1])
    what = f"every other {word}".strip()
    raise BadInput(f"'{what}' is not a repeat: {_HINT}")


def _interval(w: Sequence[str], j: int) -> _Found | None:
    """"every 3 days", "every 2 weeks on mon", "every 3d"."""
    glued = _GLUED.fullmatch(w[j]) if j < len(w) else None
    if glued and dates.parse_unit(glued[2]):
        amount, unit, after = glued[1], dates.parse_unit(glued[2]), j + 1
    elif j + 1 < len(w) and _NUMBER.fullmatch(w[j]) and dates.parse_unit(w[j + 1]):
        amount, unit, after = w[j], dates.parse_unit(w[j + 1]), j + 2
    else:
        return None
    phrase = " ".join(w[j - 1:after])
    if unit in dates.ELAPSED_UNITS:
        raise BadInput(f"'{phrase}': repeats go by days at the finest, not {unit}")
    n = int(amount)
    if not 1 <= n <= 10_000:
        raise BadInput(f"'{phrase}': the number must be from 1 to 10000")
    assert unit is not None
    return _unit_tail(w, after, _FREQ_OF_UNIT[unit], n)


def _unit_tail(w: Sequence[str], j: int, freq: str, interval: int) -> _Found:
    """What may follow a unit: "week on mon and thu", "month on the 15th", "year on dec 12"."""
    base = _Parts(freq, interval=interval)
    if j >= len(w) or w[j] != "on":
        return j, base
    k = j + 1
    if freq == "WEEKLY":
        days = _weekday_list(w, k)
        return (days[0], replace(base, byday=days[1])) if days else (j, base)
    if freq == "MONTHLY":
        if k < len(w) and w[k] == "the":
            k += 1
        for rule in (_nth_weekday, _nth_day, _monthday_list):
            found = rule(w, k)
            if found is not None:
                end, parts = found
                return end, replace(parts, interval=interval)
        return j, base
    if freq == "YEARLY":
        found = _month_day(w, k)
        return (found[0], replace(found[1], interval=interval)) if found else (j, base)
    return j, base


def _weekly_on_days(w: Sequence[str], j: int) -> _Found | None:
    days = _weekday_list(w, j)
    return None if days is None else (days[0], _Parts("WEEKLY", byday=days[1]))


def _weekday_list(w: Sequence[str], j: int) -> tuple[int, tuple[tuple[int, int], ...]] | None:
    """"mon", "mon, wed and fri", "tue & thu", "mon,wed": (index after, byday)."""
    days: list[tuple[int, int]] = []
    k, separated = j, True
    while k < len(w):
        if w[k] in _SEPARATORS:
            if not days or k + 1 >= len(w) or _weekday_piece(w[k + 1]) is None:
                break
            k, separated = k + 1, True
            continue
        piece = _weekday_piece(w[k])
        if piece is None or not separated:
            break
        days += [(0, d) for d in piece]
        k, separated = k + 1, w[k].endswith(",")
    return (k, tuple(days)) if days else None


def _weekday_piece(word: str) -> list[int] | None:
    names = [n for n in word.split(",") if n]
    if not names or not all(n in _WEEKDAYS for n in names):
        return None
    return [_WEEKDAYS[n] for n in names]


def _nth_weekday(w: Sequence[str], j: int) -> _Found | None:
    """"first mon", "last fri", "2nd tue" (of the month)."""
    if j + 1 >= len(w) or w[j + 1] not in _WEEKDAYS:
        return None
    n = _ordinal(w[j])
    if n is None:
        return None
    if not (n == -1 or 1 <= n <= 5):
        raise BadInput(f"'{w[j]} {w[j + 1]}': a month has at most 5 of each weekday")
    return _of_the_month(w, j + 2), _Parts("MONTHLY", byday=((n, _WEEKDAYS[w[j + 1]]),))


def _nth_day(w: Sequence[str], j: int) -> _Found | None:
    """"last day", "first day" (of the month)."""
    if j + 1 >= len(w) or w[j + 1] != "day" or w[j] not in _ORDINALS:
        return None
    return _of_the_month(w, j + 2), _Parts("MONTHLY", bymonthday=(_ORDINALS[w[j]],))


def _ordinal(word: str) -> int | None:
    if word in _ORDINALS:
        return _ORDINALS[word]
    m = _NTH.fullmatch(word)
    return None if m is None else int(m[1])


def _month_day(w: Sequence[str], j: int) -> _Found | None:
    """"dec 12", "december 12th", "12 dec" (every year)."""
    if j + 1 >= len(w):
        return None
    if w[j] in _MONTHS and (m := _DAY_NUMBER.fullmatch(w[j + 1])):
        month, day = _MONTHS[w[j]], int(m[1])
    elif w[j + 1] in _MONTHS and (m := _DAY_NUMBER.fullmatch(w[j])):
        month, day = _MONTHS[w[j + 1]], int(m[1])
    else:
        return None
    if not 1 <= day <= dates.days_in_month(2000, month):  # 2000 was a leap year: feb 29 is ok
        raise BadInput(f"'{w[j]} {w[j + 1]}' is not a day of the year")
    return j + 2, _Parts("YEARLY", bymonth=(month,), bymonthday=(day,))


def _monthday_list(w: Sequence[str], j: int) -> _Found | None:
    """"15th", "1st and 15th", "15" (after "on the"), then optionally "of the month"."""
    found = _numbers(w, j, _DAY_NUMBER)
    if found is None:
        return None
    return _of_the_month(w, found[0]), _Parts("MONTHLY", bymonthday=found[1])


def _nth_list(w: Sequence[str], j: int) -> _Found | None:
    """"every 15th", "every 1st and 15th": numbers need their suffix straight after "every"."""
    found = _numbers(w, j, _NTH)
    if found is None:
        return None
    return _of_the_month(w, found[0]), _Parts("MONTHLY", bymonthday=found[1])


def _numbers(
    w: Sequence[str], j: int, pattern: re.Pattern[str]
) -> tuple[int, tuple[int, ...]] | None:
    days: list[int] = []
    k, separated = j, True
    while k < len(w):
        word = w[k]
        if word in _SEPARATORS:
            if not days or k + 1 >= len(w) or not pattern.fullmatch(w[k + 1].rstrip(",")):
                break
            k, separated = k + 1, True
            continue
        m = pattern.fullmatch(word.rstrip(","))
        if m is None or not separated:
            break
        day = int(m[1])
        if not 1 <= day <= 31:
            raise BadInput(f"'{word.rstrip(',')}' is not a day of the month (1st to 31st)")
        days.append(day)
        k, separated = k + 1, word.endswith(",")
    return (k, tuple(days)) if days else None


def _of_the_month(w: Sequence[str], k: int) -> int:
    """Past an optional "of the month" / "of each month"."""
    if k + 3 <= len(w) and all(w[k + n] in options for n, options in enumerate(_OF_MONTH)):
        return k + 3
    return k


def _tail(
    w: Sequence[str], j: int, parts: _Parts, now: datetime
) -> tuple[int, _Parts, time | None]:
    """"at TIME", "until DATE", "for N times" after the rule, each at most once, any order."""
    clock: time | None = None
    while j < len(w):
        if w[j] == "at" and clock is None and (found := dates.time_after_at(w, j + 1)):
            clock, j = found[1], j + 1 + found[0]
        elif w[j] == "until" and parts.until is None and (until := _until_words(w, j + 1, now)):
            _one_end(parts, " ".join(w[j:until[0]]))
            j, parts = until[0], replace(parts, until=until[1])
        elif w[j] == "for" and parts.count is None and (count := _count_words(w, j + 1)):
            _one_end(parts, " ".join(w[j:j + 3]))
            j, parts = j + 3, replace(parts, count=count)
        else:
            break
    return j, parts, clock


def _one_end(parts: _Parts, phrase: str) -> None:
    if parts.until is not None or parts.count is not None:
        raise BadInput(f"'{phrase}': a repeat ends either on a date (until) or after a count "
                       "(for N times), not both")


def _count_words(w: Sequence[str], k: int) -> int | None:
    if not (k + 1 < len(w) and _NUMBER.fullmatch(w[k]) and w[k + 1] in _TIMES):
        return None
    if not 1 <= int(w[k]) <= 100_000:
        raise BadInput(f"'for {w[k]} {w[k + 1]}': the count must be from 1 to 100000")
    return int(w[k])


def _until_words(w: Sequence[str], k: int, now: datetime) -> tuple[int, str] | None:
    """The date after "until", up to a following "at", "for" or "until"."""
    stop = k
    while stop < len(w) and (stop == k or w[stop] not in ("at", "for", "until")):
        stop += 1
    found = dates.match_due(w[k:stop], now)
    if found is None:
        return None
    size, due = found
    if isinstance(due, datetime):
        wall = due.astimezone(now.tzinfo).replace(tzinfo=None)
    else:
        wall = datetime.combine(due, _WHOLE_DAY_END)
    return k + size, f"{wall:%Y%m%dT%H%M%S}"


# --- expanding ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Series:
    parts: _Parts
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
    parts = _parts(rule)
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


def _parts(rule: Rule) -> _Parts:
    return _parse_parts(rule.rrule)


def _expand(parts: _Parts, start: datetime, tz: tzinfo) -> Iterator[datetime]:
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


def _until_wall(parts: _Parts, tz: tzinfo) -> datetime | None:
    """UNTIL as naive local wall time in `tz` (a UTC UNTIL is converted)."""
    if parts.until is None:
        return None
    wall = datetime.strptime(parts.until[:15], "%Y%m%dT%H%M%S")
    if parts.until.endswith("Z"):
        return wall.replace(tzinfo=UTC).astimezone(tz).replace(tzinfo=None)
    return wall


def _first_naive(parts: _Parts, start: datetime, tz: tzinfo) -> datetime | None:
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
    unit = _CALENDAR_UNIT[parts.freq]
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


# --- describing -----------------------------------------------------------------------------


def describe(rule: Rule) -> str:
    """The rule in words, in the grammar parse_rule reads back: "every day", "every weekday",
    "every Mon, Wed and Fri at 07:00", "every 2 weeks on Mon", "every month on the 15th",
    "every last Fri of the month", "every year on Dec 12", "every day until 2026-12-31",
    "every week for 5 times", "every! 3 days (from completion)". A raw rule the grammar cannot
    say is shown as "repeats FREQ=...".
    """
    parts = _parts(rule)
    body = _describe_body(parts)
    if body is None:
        text = f"repeats {rule.rrule}"
    else:
        text = ("every! " if rule.from_completion else "every ") + body
    if rule.time is not None:
        text += f" at {rule.time:%H:%M}"
    if body is not None and parts.until is not None:
        text += " until " + _until_text(parts.until)
    if body is not None and parts.count is not None:
        text += f" for {parts.count} time" + ("" if parts.count == 1 else "s")
    if rule.from_completion:
        text += " (from completion)"
    return text


def _describe_body(p: _Parts) -> str | None:
    unit = _UNIT_OF[p.freq]
    every_unit = unit if p.interval == 1 else f"{p.interval} {unit}s"
    if p.bysetpos or p.wkst is not None:
        return None
    if not p.has_by_parts:
        return every_unit
    if p.freq == "WEEKLY" and p.byday and not (p.bymonth or p.bymonthday):
        days = _and([_DAY_NAMES[d] for _, d in p.byday])
        if p.interval == 1:
            return "weekday" if p.byday == _WORKWEEK else days
        return f"{every_unit} on {days}"
    if p.freq == "MONTHLY" and not p.bymonth:
        return _describe_monthly(p, every_unit)
    if (p.freq == "YEARLY" and len(p.bymonth) == 1 and len(p.bymonthday) == 1
            and p.bymonthday[0] > 0 and not p.byday):
        return f"{every_unit} on {_MONTH_NAMES[p.bymonth[0] - 1]} {p.bymonthday[0]}"
    return None


def _describe_monthly(p: _Parts, every_unit: str) -> str | None:
    if p.bymonthday and not p.byday:
        if p.bymonthday == (-1,):
            what = "last day"
        elif all(d > 0 for d in p.bymonthday):
            what = _and([_nth(d) for d in p.bymonthday])
        else:
            return None
    elif len(p.byday) == 1 and not p.bymonthday and p.byday[0][0] in _ORDINAL_WORDS:
        n, d = p.byday[0]
        what = f"{_ORDINAL_WORDS[n]} {_DAY_NAMES[d]}"
    else:
        return None
    if p.interval == 1 and not what[0].isdigit():
        return f"{what} of the month"
    return f"{every_unit} on the {what}"


def _short_months(day: int) -> str:
    """The months that have no day `day` (29-31), in words."""
    if day == 29:
        return "Feb, except in leap years"
    return _and([_MONTH_NAMES[m - 1] for m in range(1, 13) if dates.days_in_month(2001, m) < day])


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _nth(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _until_text(until: str) -> str:
    wall = datetime.strptime(until[:15], "%Y%m%dT%H%M%S")
    if wall.time() == _WHOLE_DAY_END and not until.endswith("Z"):
        return wall.date().isoformat()
    return f"{wall:%Y-%m-%d %H:%M}" + (" UTC" if until.endswith("Z") else "")


def warnings(rule: Rule, *, start: Due | None = None) -> list[str]:
    """What may surprise about the rule (RFC 5545 skips what does not exist): "months without
    a 31st are skipped (Feb, Apr, Jun, Sep and Nov); say 'every last day of the month' to hit
    every month-end". With the series `start`, a plain "every month" from the 29th-31st warns
    too."""
    p = _parts(rule)
    out: list[str] = []
    month_end = "say 'every last day of the month' to hit every month-end"
    if p.freq == "MONTHLY" and not p.bymonth:
        late = [d for d in p.bymonthday if d > 28]
        if not (p.bymonthday or p.byday) and start is not None and start.day > 28:
            late = [start.day]
        if late:
            day = max(late)
            out.append(f"months without a {_nth(day)} are skipped ({_short_months(day)}); "
                       f"{month_end}")
        fifth = [d for n, d in p.byday if n == 5]
        if fifth:
            out.append(f"months without a fifth {_DAY_NAMES[fifth[0]]} are skipped")
    leap_only = p.bymonth == (2,) and 29 in p.bymonthday
    if not p.has_by_parts and start is not None:
        leap_only = (start.month, start.day) == (2, 29)
    if p.freq == "YEARLY" and leap_only:
        out.append("Feb 29 comes only in leap years: the years between are skipped")
    return out
