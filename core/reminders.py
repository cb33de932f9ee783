"""Reminders: when to nudge about a task, read from phrases; durations and their ISO 8601 form.

    'remind me 30m before'      ->  ReminderSpec(before=30 minutes)
    'remind me at tomorrow 9am' ->  ReminderSpec(at=tomorrow 09:00, aware)

A reminder is relative to the task's due ("before") or absolute ("at"). `reminder_at` turns
either into the instant to fire; an all-day task's relative reminders count from a configured
time of day. Pure: no I/O; date phrases are read by core.dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from core import dates
from core.errors import BadInput
from core.schemas import Due

HEADS = frozenset({"remind"})
"""Words that start a reminder phrase (matched case-insensitively)."""
_LONGEST_DURATION = 6  # words between "remind me" and "before": "1 hour and 30 minutes"
_DURATION_WORD = re.compile(r"[0-9]+|[a-z]+|\S")
_DURATION_UNITS = {"m": "minutes", "days": "days", "weeks": "weeks", "minutes": "minutes",
                   "hours": "hours"}
_ISO_DURATION = re.compile(
    r"([+-])?P(?:([0-9]+)W)?(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?"
)


@dataclass(frozen=True)
class ReminderSpec:
    """A reminder as asked for: `before` the due (relative) or `at` an instant (absolute,
    aware). Exactly one is set."""

    before: timedelta | None = None
    at: datetime | None = None

    def __post_init__(self) -> None:
        if (self.before is None) == (self.at is None):
            raise ValueError("a reminder has exactly one of before and at")
        if self.at is not None and self.at.tzinfo is None:
            raise ValueError("a reminder's at must be timezone-aware")


def match_reminder(
    tokens: Sequence[str], i: int, now: datetime
) -> tuple[int, ReminderSpec] | None:
    """The reminder phrase at tokens[i], as (tokens used, spec), for quick add.

    "remind [me] 30m before", "remind [me] 1 day before", "remind [me] at 3:45pm",
    "remind [me] at tomorrow 9am", "remind [me] tomorrow at 9am", "remind [me] in 2 hours".
    None when tokens[i] is not "remind" or no such phrase follows ("remind bob" stays text).
    Raises BadInput for a reminder on a day without a time ("remind me tomorrow"), one in the
    past, a duration in months or years, or an impossible date or time.
    """
    w = [t.lower() for t in tokens]
    if i >= len(w) or w[i] not in HEADS:
        return None
    j = i + 2 if i + 1 < len(w) and w[i + 1] == "me" else i + 1
    for k in range(j + 1, min(j + _LONGEST_DURATION, len(w)) + 1):
        if k < len(w) and w[k] == "before":
            before = _duration(" ".join(w[j:k]))
            if before is not None:
                return k + 1 - i, ReminderSpec(before=before)
            break
    found = dates.match_due(w[j:], now, bare_time=True)
    if found is None and j < len(w) and w[j] in ("at", "on"):  # "at tomorrow 9am", "on fri 9am"
        found = dates.match_due(w[j + 1:], now, bare_time=True)
        j += 1
    if found is None:
        return None
    size, due = found
    phrase = " ".join(tokens[i:j + size])
    if not isinstance(due, datetime):
        raise BadInput(f"'{phrase}' needs a time of day: try remind me tomorrow at 9am")
    if due <= now:
        raise BadInput(f"'{phrase}' is in the past")
    return j + size - i, ReminderSpec(at=due)


def parse_reminder(text: str, now: datetime) -> ReminderSpec:
    """A whole reminder, as for `todo remind ID WHEN` or `--remind`: "30m before", "2h before",
    "1 day before", "at 3pm", "tomorrow 9am", with or without a leading "remind me".
    Raises BadInput naming `text` if it is not one."""
    words = text.split()
    if not words or words[0].lower() not in HEADS:
        words = ["remind", *words]
    found = match_reminder(words, 0, now)
    if found is None or found[0] != len(words):
        raise BadInput(
            f"'{text.strip()}' is not a reminder: try 30m before, 1 day before, at 3pm "
            "or tomorrow 9am"
        )
    return found[1]


def reminder_at(spec: ReminderSpec, due: Due | None, all_day_time: time, tz: tzinfo) -> datetime:
    """When the reminder fires, aware in `tz`.

    An absolute reminder fires at its `at`. A relative one counts back from the due; for an
    all-day due, from `all_day_time` on that day in `tz`. Whole days go back on the calendar
    (1 day before 09:00 is 09:00 the day before, even across a DST change); hours and minutes
    are elapsed time. Raises BadInput for a relative reminder on a task without a due.
    """
    if spec.at is not None:
        return dates.to_utc(spec.at).astimezone(tz)
    assert spec.before is not None  # ReminderSpec holds exactly one
    if due is None:
        raise BadInput(
            f"a reminder {describe_before(spec.before)} before the due needs a due date: "
            "set one, or remind at a time"
        )
    if isinstance(due, datetime):
        base = dates.to_utc(due).astimezone(tz)
    else:
        base = dates.combine(due, all_day_time, tz)
    before = spec.before
    if before >= timedelta(0) and before.days:
        wall = base.replace(tzinfo=None) - timedelta(days=before.days)
        base = dates.combine(wall.date(), wall.time(), tz)
        before -= timedelta(days=before.days)
    return (dates.to_utc(base) - before).astimezone(tz)


def describe_before(value: timedelta) -> str:
    """Short words for a lead time: "30m", "1h 30m", "1 day", "2 days 3h"."""
    days, rest = value.days, value.seconds
    parts = [f"{days} day" + ("" if days == 1 else "s")] if days else []
    hours, minutes = divmod(rest // 60, 60)
    parts += [f"{hours}h"] if hours else []
    parts += [f"{minutes}m"] if minutes else []
    return " ".join(parts) or "0m"


# --- durations ------------------------------------------------------------------------------


def parse_duration(text: str) -> timedelta:
    """A length of time: "10m", "1h", "2 hours", "1d", "1h30m", "90 minutes", "an hour",
    "1 hour and 30 minutes", "2w". Zero is allowed ("0m"). Months and years are not lengths
    (they vary) and raise BadInput, as does anything else that is not a duration."""
    found = _duration(text)
    if found is None:
        raise BadInput(f"'{text.strip()}' is not a duration: try 10m, 1h, 2 hours, 1d or 1h30m")
    return found


def _duration(text: str) -> timedelta | None:
    words = _DURATION_WORD.findall(text.lower())
    total = timedelta(0)
    k, seen_amount = 0, False
    try:
        while k < len(words):
            if seen_amount and words[k] in (",", "and") and k + 1 < len(words):
                k += 1
                continue
            if k + 1 >= len(words) or not (words[k].isdigit() or words[k] in ("a", "an")):
                return None
            unit = _DURATION_UNITS.get(words[k + 1]) or dates.parse_unit(words[k + 1])
            if unit in ("months", "years"):
                raise BadInput(
                    f"'{text.strip()}': months and years vary in length; say days or weeks"
                )
            if unit is None:
                return None
            amount = int(words[k]) if words[k].isdigit() else 1
            total += timedelta(**{unit: amount})
            k, seen_amount = k + 2, True
    except OverflowError:
        raise BadInput(f"'{text.strip()}' is too long a duration") from None
    return total if seen_amount else None


def iso_duration(value: timedelta) -> str:
    """ISO 8601 duration: "PT30M", "P1D", "PT1H30M", "P1DT2H", "PT0S"; negative as "-PT30M".

    Days are written as days (never weeks), seconds only when present."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (seconds, "S"))
                    if n)
    days = f"{value.days}D" if value.days else ""
    if not days and not clock:
        return "PT0S"
    return f"{sign}P{days}" + (f"T{clock}" if clock else "")


def parse_iso_duration(text: str) -> timedelta:
    """The inverse of iso_duration; also reads weeks ("P1W") and an explicit "+" sign.
    Fractions and months or years are refused with BadInput."""
    m = _ISO_DURATION.fullmatch(text.strip().upper())
    if m is None or not any(m[n] for n in range(2, 7)) or text.strip().upper().endswith("T"):
        raise BadInput(f"'{text.strip()}' is not an ISO 8601 duration such as PT30M or P1D")
    weeks, days, hours, minutes, seconds = (int(m[n] or 0) for n in range(2, 7))
    try:
        value = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    except OverflowError:
        raise BadInput(f"'{text.strip()}' is too long a duration") from None
    return -value if m[1] == "-" else value
