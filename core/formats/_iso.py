"""ISO 8601 conversions for the formats package.

Private stand-ins for `core.dates.iso` and `core.dates.parse_iso_due`, kept here so the formats
do not wait on that module; the lead will point these names at `core.dates` later.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo

from core.errors import BadInput
from core.schemas import Due

_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def iso(due: Due, tz: tzinfo) -> str:
    """All-day -> "YYYY-MM-DD"; a datetime -> ISO 8601 in `tz` with its offset, to the second."""
    if isinstance(due, datetime):
        return due.astimezone(tz).isoformat(timespec="seconds")
    return due.isoformat()


def parse_iso_due(text: str) -> Due:
    """Read "YYYY-MM-DD" as an all-day date, anything longer as an aware datetime (in UTC)."""
    if _DATE_ONLY.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise BadInput(f"invalid due date '{text}'") from None
    return parse_iso_datetime(text, what="due date")


def parse_iso_datetime(text: str, what: str = "date-time") -> datetime:
    """An ISO 8601 date-time with an offset, converted to UTC; naive values are refused."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BadInput(f"invalid {what} '{text}'") from None
    if value.tzinfo is None or value.utcoffset() is None:
        # A naive time is ambiguous across zones; guessing would silently shift tasks.
        raise BadInput(f"invalid {what} '{text}': it needs a UTC offset such as +01:00 or Z")
    return value.astimezone(UTC)
