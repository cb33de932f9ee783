"""Taskwarrior's time stamps ("20261207T120000Z", always UTC) both ways. Pure."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, tzinfo
from typing import Any

from core.errors import BadInput
from core.formats._common import optional_str
from core.formats._iso import parse_iso_datetime, parse_iso_due
from core.schemas import Due

_TW_TIME = re.compile(r"\d{8}T\d{6}Z")


def optional(obj: dict[str, Any], key: str) -> datetime | None:
    """`obj[key]` as an aware UTC datetime, None when absent; BadInput names a bad one."""
    value = optional_str(obj, key)
    if value is None:
        return None
    if _TW_TIME.fullmatch(value):
        # Slicing beats strptime by 10x, and imports read three of these per task.
        try:
            return datetime(
                int(value[0:4]), int(value[4:6]), int(value[6:8]), int(value[9:11]),
                int(value[11:13]), int(value[13:15]), tzinfo=UTC,
            )
        except ValueError:
            raise BadInput(f"invalid '{key}' date '{value}'") from None
    # Some tools rewrite exports with extended ISO 8601; accept it when it carries an offset.
    return parse_iso_datetime(value, what=f"'{key}' date")


def due(obj: dict[str, Any], key: str, tz: tzinfo) -> Due | None:
    """`obj[key]` as a due: an all-day date when it falls at exactly midnight in `tz`
    (Taskwarrior has no all-day dates: `due:2026-12-24` is stored as that midnight)."""
    when = optional(obj, key)
    if when is None:
        return None
    local = when.astimezone(tz)
    return local.date() if local.time() == time() else when


def stamp(value: Due, tz: tzinfo) -> str:
    """Taskwarrior's spelling of a due: an all-day date is midnight in `tz`, in UTC."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), tz)
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def iso(value: Due) -> str:
    """How a kept date is stored: "2026-12-10" or "2026-12-10T18:00:00Z"."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def from_iso(text: str) -> Due:
    """The inverse of `iso` (any ISO 8601 date, or date-time with an offset)."""
    return parse_iso_due(text)
