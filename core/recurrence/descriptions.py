"""Repeat rules in words, and the warnings about occurrences RFC 5545 skips."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from core import dates
from core.schemas import Due

if TYPE_CHECKING:
    pass
from core.recurrence.rules import Parts, Rule, parts_of
from core.recurrence.vocabulary import (
    DAY_NAMES,
    MONTH_NAMES,
    ORDINAL_WORDS,
    UNIT_OF,
    WHOLE_DAY_END,
    WORKWEEK,
)


def describe(rule: Rule) -> str:
    """The rule in words, in the grammar parse_rule reads back: "every day", "every weekday",
    "every Mon, Wed and Fri at 07:00", "every 2 weeks on Mon", "every month on the 15th",
    "every last Fri of the month", "every year on Dec 12", "every day until 2026-12-31",
    "every week for 5 times", "every! 3 days (from completion)". A raw rule the grammar cannot
    say is shown as "repeats FREQ=...".
    """
    parts = parts_of(rule)
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


def _describe_body(p: Parts) -> str | None:
    unit = UNIT_OF[p.freq]
    every_unit = unit if p.interval == 1 else f"{p.interval} {unit}s"
    if p.bysetpos or p.wkst is not None:
        return None
    if not p.has_by_parts:
        return every_unit
    if p.freq == "WEEKLY" and p.byday and not (p.bymonth or p.bymonthday):
        days = _and([DAY_NAMES[d] for _, d in p.byday])
        if p.interval == 1:
            return "weekday" if p.byday == WORKWEEK else days
        return f"{every_unit} on {days}"
    if p.freq == "MONTHLY" and not p.bymonth:
        return _describe_monthly(p, every_unit)
    if (p.freq == "YEARLY" and len(p.bymonth) == 1 and len(p.bymonthday) == 1
            and p.bymonthday[0] > 0 and not p.byday):
        return f"{every_unit} on {MONTH_NAMES[p.bymonth[0] - 1]} {p.bymonthday[0]}"
    return None


def _describe_monthly(p: Parts, every_unit: str) -> str | None:
    if p.bymonthday and not p.byday:
        if p.bymonthday == (-1,):
            what = "last day"
        elif all(d > 0 for d in p.bymonthday):
            what = _and([_nth(d) for d in p.bymonthday])
        else:
            return None
    elif len(p.byday) == 1 and not p.bymonthday and p.byday[0][0] in ORDINAL_WORDS:
        n, d = p.byday[0]
        what = f"{ORDINAL_WORDS[n]} {DAY_NAMES[d]}"
    else:
        return None
    if p.interval == 1 and not what[0].isdigit():
        return f"{what} of the month"
    return f"{every_unit} on the {what}"


def _short_months(day: int) -> str:
    """The months that have no day `day` (29-31), in words."""
    if day == 29:
        return "Feb, except in leap years"
    return _and([MONTH_NAMES[m - 1] for m in range(1, 13) if dates.days_in_month(2001, m) < day])


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _nth(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _until_text(until: str) -> str:
    wall = datetime.strptime(until[:15], "%Y%m%dT%H%M%S")
    if wall.time() == WHOLE_DAY_END and not until.endswith("Z"):
        return wall.date().isoformat()
    return f"{wall:%Y-%m-%d %H:%M}" + (" UTC" if until.endswith("Z") else "")


def warnings(rule: Rule, *, start: Due | None = None) -> list[str]:
    """What may surprise about the rule (RFC 5545 skips what does not exist): "months without
    a 31st are skipped (Feb, Apr, Jun, Sep and Nov); say 'every last day of the month' to hit
    every month-end". With the series `start`, a plain "every month" from the 29th-31st warns
    too."""
    p = parts_of(rule)
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
            out.append(f"months without a fifth {DAY_NAMES[fifth[0]]} are skipped")
    leap_only = p.bymonth == (2,) and 29 in p.bymonthday
    if not p.has_by_parts and start is not None:
        leap_only = (start.month, start.day) == (2, 29)
    if p.freq == "YEARLY" and leap_only:
        out.append("Feb 29 comes only in leap years: the years between are skipped")
    return out
