"""Taskwarrior recurrence periods <-> our RRULEs. Pure.

Taskwarrior 2.6 (src/recur.cpp, getNextRecurrence) steps by calendar months for "monthly",
"quarterly", "semiannual", "bimonthly", "annual"/"yearly", "biannual"/"biyearly", "Nm",
"Nq" and "PnM", and by a fixed number of seconds for everything else: "2mo" there is 60 days
and "1y" 365 days. We read every spelling by its meaning (2mo: every 2 months), so a series
keeps its day of the month; and we write only spellings Taskwarrior itself steps by the
calendar ("2m", not "2mo").
"""

from __future__ import annotations

import re

_WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
_NAMED = {
    "daily": ("DAILY", 1), "day": ("DAILY", 1),
    "weekly": ("WEEKLY", 1), "week": ("WEEKLY", 1),
    "biweekly": ("WEEKLY", 2), "fortnight": ("WEEKLY", 2),
    "monthly": ("MONTHLY", 1), "month": ("MONTHLY", 1),
    "bimonthly": ("MONTHLY", 2),
    "quarterly": ("MONTHLY", 3), "quarter": ("MONTHLY", 3),
    "semiannual": ("MONTHLY", 6),
    "annual": ("YEARLY", 1), "yearly": ("YEARLY", 1), "year": ("YEARLY", 1),
    "biannual": ("YEARLY", 2), "biyearly": ("YEARLY", 2),
}
# Units after a number, as Taskwarrior's duration table spells them (plus the manual's "da").
_UNITS = {
    **dict.fromkeys(("d", "da", "day", "days", "daily"), ("DAILY", 1)),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks", "weekly"), ("WEEKLY", 1)),
    **dict.fromkeys(
        ("m", "mo", "mos", "mth", "mths", "mnths", "month", "months", "monthly"), ("MONTHLY", 1)
    ),
    **dict.fromkeys(
        ("q", "qtr", "qtrs", "qrtr", "qrtrs", "quarter", "quarters", "quarterly"), ("MONTHLY", 3)
    ),
    **dict.fromkeys(("y", "yr", "yrs", "year", "years", "yearly", "annual"), ("YEARLY", 1)),
}
_NUMBERED = re.compile(r"(\d+)\s*([a-z]+)")
_ISO = re.compile(r"p(\d+)([dwmy])")
_ISO_UNITS = {"d": ("DAILY", 1), "w": ("WEEKLY", 1), "m": ("MONTHLY", 1), "y": ("YEARLY", 1)}


def rrule_of(period: str) -> str | None:
    """The RRULE value of a Taskwarrior period ("weekly" -> "FREQ=WEEKLY"), or None for one
    we cannot repeat by (hours, minutes, seconds, a zero count, an unknown word)."""
    text = period.strip().lower()
    if text == "weekdays":
        return _WEEKDAYS
    if text in _NAMED:
        return _rule(*_NAMED[text])
    numbered = _NUMBERED.fullmatch(text) or _ISO.fullmatch(text)
    if numbered is None:
        return None
    count, unit = int(numbered.group(1)), numbered.group(2)
    known = (_ISO_UNITS if text.startswith("p") else _UNITS).get(unit)
    if known is None or count == 0:
        return None
    freq, step = known
    return _rule(freq, count * step)


def _rule(freq: str, interval: int) -> str:
    return f"FREQ={freq}" if interval == 1 else f"FREQ={freq};INTERVAL={interval}"


_OUT = {
    ("DAILY", 1): "daily", ("WEEKLY", 1): "weekly", ("WEEKLY", 2): "biweekly",
    ("MONTHLY", 1): "monthly", ("MONTHLY", 2): "bimonthly", ("MONTHLY", 3): "quarterly",
    ("MONTHLY", 6): "semiannual", ("YEARLY", 1): "yearly", ("YEARLY", 2): "biyearly",
}


def period_of(rrule: str) -> str | None:
    """The Taskwarrior period of a normalised RRULE value without UNTIL, or None when
    Taskwarrior has none (BYDAY other than weekdays, BYMONTHDAY, COUNT...)."""
    if rrule == _WEEKDAYS:
        return "weekdays"
    parts = dict(part.split("=", 1) for part in rrule.split(";"))
    freq = parts.pop("FREQ")
    interval = int(parts.pop("INTERVAL", "1"))
    if parts:
        return None
    if (freq, interval) in _OUT:
        return _OUT[(freq, interval)]
    if freq == "DAILY":
        return f"{interval}d"
    if freq == "WEEKLY":
        return f"{interval}w"
    # "Nm" is the spelling Taskwarrior steps by calendar months.
    return f"{interval}m" if freq == "MONTHLY" else f"{12 * interval}m"
