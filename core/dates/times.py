"""Times of day: "5pm", "6:45am", "17:30", "noon"."""

from __future__ import annotations

import re
from datetime import time

from core.errors import BadInput

# Patterns, not compiled ones: `re` compiles each on first use (and caches it), and most
# commands, a plain add among them, read no time at all.
_TIME_12H = r"([0-9]{1,2})(?::([0-9]{2}))?\s*([ap])\.?m\.?"
_TIME_24H = r"([0-9]{1,2}):([0-9]{2})"
NAMED_TIMES = {"noon": time(12), "midnight": time(0)}
MERIDIEMS = frozenset({"am", "pm", "a.m.", "p.m."})


def parse_time_of_day(text: str) -> time | None:
    """The time of day in `text`: "5pm", "6:45am", "17:30", "noon", "midnight".

    None if `text` does not look like a time; BadInput if it looks like one but cannot be
    ("25:00", "13pm"), so a typo is reported rather than silently kept as words.
    """
    key = text.strip().lower()
    if key in NAMED_TIMES:
        return NAMED_TIMES[key]
    if not leads_with_digit(key):  # every pattern below starts with one
        return None
    if m := re.fullmatch(_TIME_12H, key):
        hour = int(m[1])
        if not 1 <= hour <= 12:
            raise _bad_time(text)
        return _clock(hour % 12 + (12 if m[3] == "p" else 0), int(m[2] or 0), text)
    if m := re.fullmatch(_TIME_24H, key):
        return _clock(int(m[1]), int(m[2]), text)
    return None


def leads_with_digit(text: str) -> bool:
    """Whether `text` starts with an ASCII digit, as every numeric date and time pattern
    does: the check that spares a word of plain text the patterns (quick add tries each word)."""
    return "0" <= text[:1] <= "9"


def _clock(hour: int, minute: int, text: str) -> time:
    if hour > 23 or minute > 59:
        raise _bad_time(text)
    return time(hour, minute)


def _bad_time(text: str) -> BadInput:
    return BadInput(f"'{text}' is not a time of day: try 5pm, 6:45am, 17:30 or noon")
