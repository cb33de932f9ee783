"""ISO 8601 text of due values, out and back in."""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from core.dates.arithmetic import check_range
from core.dates.zones import to_utc
from core.errors import BadInput
from core.schemas import Due

# Patterns that `re` compiles on first use: reading stored dates needs neither.
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
ISO_DATETIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[t ][0-9]{2}:[0-9]{2}\S*"


def iso(due: Due, tz: tzinfo) -> str:
    """ISO 8601: "2026-12-05" for an all-day date, "2026-12-01T09:00:00+01:00" (in `tz`, to the
    second) for a datetime."""
    if isinstance(due, datetime):
        # Values read from the store are already in `tz`; converting again costs ~1 µs each,
        # which is a tenth of `todo export` at 50k tasks.
        local = due if due.tzinfo is tz else (due if due.tzinfo else to_utc(due)).astimezone(tz)
        return local.isoformat(timespec="seconds")
    return due.isoformat()


def parse_iso_due(text: str) -> Due:
    """The inverse of `iso`: "2026-12-05" or a datetime with an offset or "Z".

    Raises BadInput for anything else, including a datetime without an offset (it names no
    instant)."""
    key = text.strip()
    try:
        if re.fullmatch(ISO_DATE, key):
            return check_range(date.fromisoformat(key), f"'{text}'")
        if re.fullmatch(ISO_DATETIME, key.lower()):
            value = datetime.fromisoformat(key.upper())
            if value.tzinfo is not None:
                return check_range(value, f"'{text}'")
    except ValueError:
        pass
    raise BadInput(f"'{text}' is not an ISO date (2026-12-05) or datetime with offset")
