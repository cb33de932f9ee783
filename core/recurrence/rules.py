"""Repeat rules as RFC 5545 RRULE values: the Rule record, taking a value apart, validating it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import TYPE_CHECKING

from core import dates
from core.errors import BadInput

if TYPE_CHECKING:
    pass
from core.recurrence.vocabulary import (
    BYDAY_ITEM,
    CODES,
    KEYS,
    NUMBER,
    UNIT_OF,
    UNTIL,
)


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



@dataclass(frozen=True)
class Parts:
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
            out.append("BYDAY=" + ",".join(f"{n or ''}{CODES[d]}" for n, d in self.byday))
        if self.bysetpos:
            out.append("BYSETPOS=" + _join(self.bysetpos))
        if self.wkst is not None:
            out.append(f"WKST={CODES[self.wkst]}")
        if self.count is not None:
            out.append(f"COUNT={self.count}")
        if self.until is not None:
            out.append(f"UNTIL={self.until}")
        return ";".join(out)

    def normalised(self) -> Parts:
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


def parse_parts(value: str) -> Parts:
    """An RRULE value taken apart and checked; BadInput names the bad part."""
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
        if key not in KEYS:
            raise BadInput(f"the RRULE part {key} is not supported: use " + ", ".join(KEYS))
        if key in seen:
            raise BadInput(f"the RRULE '{value.strip()}' names {key} twice")
        seen[key] = val
    freq = seen.get("FREQ")
    if freq is None:
        raise BadInput(f"the RRULE '{value.strip()}' has no FREQ (e.g. FREQ=WEEKLY)")
    if freq not in UNIT_OF:
        raise BadInput(f"FREQ={freq} is not supported: use DAILY, WEEKLY, MONTHLY or YEARLY")
    parts = Parts(
        freq=freq,
        interval=_int(seen, "INTERVAL", 1, 10_000) or 1,
        bymonth=_ints(seen, "BYMONTH", 12, signed=False),
        bymonthday=_ints(seen, "BYMONTHDAY", 31, signed=True),
        byday=_byday(seen.get("BYDAY"), freq),
        bysetpos=_ints(seen, "BYSETPOS", 366, signed=True),
        wkst=CODES.index(seen["WKST"]) if seen.get("WKST") in CODES else None,
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
    if not NUMBER.fullmatch(text) or not low <= int(text) <= high:
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
        m = BYDAY_ITEM.fullmatch(item.strip())
        if m is None:
            raise BadInput(f"BYDAY={text}: '{item}' is not a weekday such as MO, 1FR or -1SU")
        n = int(m[1]) if m[1] else 0
        if m[1] and (n == 0 or abs(n) > 53):
            raise BadInput(f"BYDAY={text}: '{item}' has an ordinal outside -53..-1 and 1..53")
        if n and freq not in ("MONTHLY", "YEARLY"):
            raise BadInput(f"BYDAY={text}: '{item}' takes an ordinal only with MONTHLY or YEARLY")
        if n and freq == "MONTHLY" and abs(n) > 5:
            raise BadInput(f"BYDAY={text}: a month has at most 5 of each weekday")
        out.append((n, CODES.index(m[2])))
    return tuple(out)


def _until_value(text: str | None) -> str | None:
    if text is None:
        return None
    m = UNTIL.fullmatch(text)
    try:
        if m is not None:
            when = datetime.strptime(m[1] + (m[2] or "235959"), "%Y%m%d%H%M%S")
            return f"{when:%Y%m%dT%H%M%S}" + (m[3] or "")
    except ValueError:
        pass
    raise BadInput(f"UNTIL={text} is not a date (20261231) or date-time (20261231T170000[Z])")


def _check_combination(p: Parts) -> None:
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



def parts_of(rule: Rule) -> Parts:
    """The RRULE value of `rule` taken apart."""
    return parse_parts(rule.rrule)
