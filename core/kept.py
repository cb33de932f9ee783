"""Fields kept from other tools that we have no home for yet. Pure.

An import must not drop what it cannot use: Taskwarrior's `start`, `depends`, a project
we cannot hold as a path, user-defined attributes (`uda.estimate`). (Project, wait, scheduled
and until have fields of their own since issue 15; tasks imported before keep them here.)
They are kept per task as a JSON object, shown by `todo show`, written by our JSON export
and given back to the tool they came from on export.

Names are the source's own, except user-defined attributes, which get an "uda." prefix so
that a future field of ours can never be mistaken for one. Dates are ISO 8601: a UTC
date-time ("2026-12-10T18:00:00Z") or an all-day date ("2026-12-10").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

from core import dates
from core.errors import BadInput
from core.schemas import Due

UDA = "uda."
WAIT = "wait"
"""When the task should appear: Taskwarrior's `wait`, todo.txt's `t:` threshold."""

# Dates of one instance: the next instance of a series does not inherit them.
_PER_INSTANCE = frozenset({WAIT, "scheduled", "start"})

Kept = dict[str, Any]

# Compact, as SQLite's json() writes it: the JSON export's fast path copies this text.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def encode(kept: Mapping[str, Any]) -> str | None:
    """The stored text of `kept`: compact JSON with sorted keys, None when empty."""
    return _ENCODER.encode(dict(kept)) if kept else None


def decode(text: str | None) -> Kept:
    """The fields stored as `text` ({} for None)."""
    if not text:
        return {}
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def for_next_instance(kept: Mapping[str, Any], old_due: Due, new_due: Due) -> Kept:
    """What the next instance of a series keeps: everything, its own dates (wait, scheduled)
    moved by as much as the due moved, as Taskwarrior moves them (src/recur.cpp)."""
    shift = _instant(new_due) - _instant(old_due)
    out: Kept = {}
    for name, value in kept.items():
        if name not in _PER_INSTANCE:
            out[name] = value
        elif isinstance(value, str):
            moved = _moved(value, shift)
            if moved is not None:
                out[name] = moved
    return out


def _instant(due: Due) -> datetime:
    return due if isinstance(due, datetime) else datetime.combine(due, time(), UTC)


def _moved(value: str, shift: timedelta) -> str | None:
    """An ISO date or UTC date-time `shift` later, in the same form; None if not a date."""
    try:
        when = dates.parse_iso_due(value)
    except BadInput:
        return None
    if isinstance(when, datetime):
        return (when + shift).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (when + timedelta(days=round(shift / timedelta(days=1)))).isoformat()


def summary(all_kept: Iterable[Mapping[str, Any]]) -> str | None:
    """"kept 3 fields we do not use yet: wait, scheduled, uda.estimate", or None.

    Names are listed once each, in the order they were first met.
    """
    names: dict[str, None] = {}
    for kept in all_kept:
        names.update(dict.fromkeys(kept))
    if not names:
        return None
    noun = "field" if len(names) == 1 else "fields"
    return f"kept {len(names)} {noun} we do not use yet: {', '.join(names)}"


def show_value(value: Any) -> str:
    """A kept value as `todo show` prints it: strings bare, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
