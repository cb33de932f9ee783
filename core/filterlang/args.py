"""An expression typed as several shell arguments, joined back into one expression."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from core import dates
from core.errors import BadInput

_DATE_KEYS = frozenset({"due", "due.before", "due.after", "scheduled", "scheduled.before",
                        "scheduled.after"})
_REFERENCE = datetime(2026, 1, 1, 12, tzinfo=UTC)


def join_args(args: Sequence[str]) -> str:
    """The arguments joined by spaces, keeping a date with spaces in it whole:
    `todo list 'due.before:in 3 days' +work` reads as `due.before:"in 3 days" +work`.
    Any other argument is read as if typed unquoted: `'p:h or +work'`, `'(+a or +b)'`."""
    return " ".join(_one(arg) for arg in args)


def _one(arg: str) -> str:
    key, colon, value = arg.partition(":")
    if not colon or key.lower() not in _DATE_KEYS or '"' in value or len(value.split()) < 2:
        return arg
    return f'{key}:"{value}"' if _is_date(value) else arg


def _is_date(text: str) -> bool:
    # Whether a phrase is a date does not depend on the day it is read on.
    try:
        dates.parse_day(text, _REFERENCE, "date")
    except BadInput:
        return False
    return True
