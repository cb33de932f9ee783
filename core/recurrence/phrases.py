"""Reading repeat phrases: "every mon and thu at 9am", "every! 3 days", "monthly until dec 31"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time
from typing import TYPE_CHECKING, TypeAlias

from core import dates
from core.errors import BadInput

if TYPE_CHECKING:
    pass
from core.recurrence.expansion import validate_rrule
from core.recurrence.rules import Parts, Rule
from core.recurrence.vocabulary import (
    ADVERBS,
    DAY_NUMBER,
    FREQ_OF,
    FREQ_OF_UNIT,
    GLUED,
    HEADS,
    HINT,
    MONTHS,
    NTH,
    NUMBER,
    OF_MONTH,
    ORDINALS,
    SEPARATORS,
    TIMES,
    WEEKDAYS,
    WEEKEND,
    WHOLE_DAY_END,
    WORKWEEK,
)

_Found: TypeAlias = tuple[int, Parts]  # index after the words used, the rule so far


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
        raise BadInput(f"an empty repeat rule: {HINT}")
    if words[0].lower() not in HEADS:
        words = ["every", *words]
    found = match_rule(words, 0, now)
    assert found is not None  # words[0] is a head: match_rule matches or raises
    if found[0] != len(words):
        rest = " ".join(words[found[0]:])
        raise BadInput(f"'{rest}' in the repeat '{stripped}' is not understood: {HINT}")
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
    found = _unit_tail(w, i + 1, ADVERBS[w[i]], 1) if w[i] in ADVERBS else _every(w, i + 1)
    if found is None:
        size = 3 if i + 2 < len(w) and (w[i + 1] == "other" or w[i + 1].isdigit()) else 2
        what = " ".join(tokens[i:i + size])
        raise BadInput(f"'{what}' is not a repeat: {HINT} (quote \"every\" to keep it)")
    end, parts, clock = _tail(w, found[0], found[1], now)
    rule = Rule(parts.normalised().value(), from_completion=w[i] == "every!", time=clock)
    return end - i, rule


def _every(w: Sequence[str], j: int) -> _Found | None:
    """What follows "every"."""
    word = w[j] if j < len(w) else ""
    if word == "day":
        return j + 1, Parts("DAILY")
    if word in ("weekday", "weekdays"):
        return j + 1, Parts("WEEKLY", byday=WORKWEEK)
    if word in ("weekend", "weekends"):
        return j + 1, Parts("WEEKLY", byday=WEEKEND)
    if word in FREQ_OF:
        return _unit_tail(w, j + 1, FREQ_OF[word], 1)
    if word == "other":
        return _other(w, j + 1)
    for rule in (_interval, _nth_weekday, _nth_day, _month_day, _nth_list, _weekly_on_days):
        found = rule(w, j)
        if found is not None:
            return found
    return None


def _other(w: Sequence[str], j: int) -> _Found:
    word = w[j] if j < len(w) else ""
    if word in FREQ_OF:
        return _unit_tail(w, j + 1, FREQ_OF[word], 2)
    days = _weekday_list(w, j)
    if days is not None:
        return days[0], Parts("WEEKLY", interval=2, byday=days[1])
    what = f"every other {word}".strip()
    raise BadInput(f"'{what}' is not a repeat: {HINT}")


def _interval(w: Sequence[str], j: int) -> _Found | None:
    """"every 3 days", "every 2 weeks on mon", "every 3d"."""
    glued = GLUED.fullmatch(w[j]) if j < len(w) else None
    if glued and dates.parse_unit(glued[2]):
        amount, unit, after = glued[1], dates.parse_unit(glued[2]), j + 1
    elif j + 1 < len(w) and NUMBER.fullmatch(w[j]) and dates.parse_unit(w[j + 1]):
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
    return _unit_tail(w, after, FREQ_OF_UNIT[unit], n)


def _unit_tail(w: Sequence[str], j: int, freq: str, interval: int) -> _Found:
    """What may follow a unit: "week on mon and thu", "month on the 15th", "year on dec 12"."""
    base = Parts(freq, interval=interval)
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
    return None if days is None else (days[0], Parts("WEEKLY", byday=days[1]))


def _weekday_list(w: Sequence[str], j: int) -> tuple[int, tuple[tuple[int, int], ...]] | None:
    """"mon", "mon, wed and fri", "tue & thu", "mon,wed": (index after, byday)."""
    days: list[tuple[int, int]] = []
    k, separated = j, True
    while k < len(w):
        if w[k] in SEPARATORS:
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
    if not names or not all(n in WEEKDAYS for n in names):
        return None
    return [WEEKDAYS[n] for n in names]


def _nth_weekday(w: Sequence[str], j: int) -> _Found | None:
    """"first mon", "last fri", "2nd tue" (of the month)."""
    if j + 1 >= len(w) or w[j + 1] not in WEEKDAYS:
        return None
    n = _ordinal(w[j])
    if n is None:
        return None
    if not (n == -1 or 1 <= n <= 5):
        raise BadInput(f"'{w[j]} {w[j + 1]}': a month has at most 5 of each weekday")
    return _of_the_month(w, j + 2), Parts("MONTHLY", byday=((n, WEEKDAYS[w[j + 1]]),))


def _nth_day(w: Sequence[str], j: int) -> _Found | None:
    """"last day", "first day" (of the month)."""
    if j + 1 >= len(w) or w[j + 1] != "day" or w[j] not in ORDINALS:
        return None
    return _of_the_month(w, j + 2), Parts("MONTHLY", bymonthday=(ORDINALS[w[j]],))


def _ordinal(word: str) -> int | None:
    if word in ORDINALS:
        return ORDINALS[word]
    m = NTH.fullmatch(word)
    return None if m is None else int(m[1])


def _month_day(w: Sequence[str], j: int) -> _Found | None:
    """"dec 12", "december 12th", "12 dec" (every year)."""
    if j + 1 >= len(w):
        return None
    if w[j] in MONTHS and (m := DAY_NUMBER.fullmatch(w[j + 1])):
        month, day = MONTHS[w[j]], int(m[1])
    elif w[j + 1] in MONTHS and (m := DAY_NUMBER.fullmatch(w[j])):
        month, day = MONTHS[w[j + 1]], int(m[1])
    else:
        return None
    if not 1 <= day <= dates.days_in_month(2000, month):  # 2000 was a leap year: feb 29 is ok
        raise BadInput(f"'{w[j]} {w[j + 1]}' is not a day of the year")
    return j + 2, Parts("YEARLY", bymonth=(month,), bymonthday=(day,))


def _monthday_list(w: Sequence[str], j: int) -> _Found | None:
    """"15th", "1st and 15th", "15" (after "on the"), then optionally "of the month"."""
    found = _numbers(w, j, DAY_NUMBER)
    if found is None:
        return None
    return _of_the_month(w, found[0]), Parts("MONTHLY", bymonthday=found[1])


def _nth_list(w: Sequence[str], j: int) -> _Found | None:
    """"every 15th", "every 1st and 15th": numbers need their suffix straight after "every"."""
    found = _numbers(w, j, NTH)
    if found is None:
        return None
    return _of_the_month(w, found[0]), Parts("MONTHLY", bymonthday=found[1])


def _numbers(
    w: Sequence[str], j: int, pattern: re.Pattern[str]
) -> tuple[int, tuple[int, ...]] | None:
    days: list[int] = []
    k, separated = j, True
    while k < len(w):
        word = w[k]
        if word in SEPARATORS:
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
    if k + 3 <= len(w) and all(w[k + n] in options for n, options in enumerate(OF_MONTH)):
        return k + 3
    return k


def _tail(
    w: Sequence[str], j: int, parts: Parts, now: datetime
) -> tuple[int, Parts, time | None]:
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


def _one_end(parts: Parts, phrase: str) -> None:
    if parts.until is not None or parts.count is not None:
        raise BadInput(f"'{phrase}': a repeat ends either on a date (until) or after a count "
                       "(for N times), not both")


def _count_words(w: Sequence[str], k: int) -> int | None:
    if not (k + 1 < len(w) and NUMBER.fullmatch(w[k]) and w[k + 1] in TIMES):
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
        wall = datetime.combine(due, WHOLE_DAY_END)
    return k + size, f"{wall:%Y%m%dT%H%M%S}"
