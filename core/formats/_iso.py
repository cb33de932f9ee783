"""ISO 8601 for the formats: core.dates owns the grammar; imports want their times in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from core import dates
from core.errors import BadInput, OutOfRange
from core.schemas import Due

iso = dates.iso


def parse_iso_due(text: str) -> Due:
    """An all-day date, or an aware datetime converted to UTC; BadInput names the text."""
    try:
        due = dates.parse_iso_due(text)
    except OutOfRange:
        raise
    except BadInput:
        raise BadInput(
            f"invalid due date '{text}': use YYYY-MM-DD or a date-time with a UTC offset"
        ) from None
    return due.astimezone(UTC) if isinstance(due, datetime) else due


def parse_iso_datetime(text: str, what: str = "date-time") -> datetime:
    """An ISO 8601 date-time with an offset, in UTC; an all-day date or naive time is refused."""
    try:
        value = dates.parse_iso_due(text)
    except OutOfRange:
        raise
    except BadInput:
        value = None
    if not isinstance(value, datetime):
        # A naive time is ambiguous across zones; guessing would silently shift tasks.
        raise BadInput(f"invalid {what} '{text}': it needs a date, a time and a UTC offset")
    return value.astimezone(UTC)
