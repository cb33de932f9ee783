"""Import and export formats: our JSON, Taskwarrior, todo.txt and iCalendar.

Pure functions from text to TaskCreate and from TaskRead to text; no I/O. Malformed input
raises BadInput naming the line, task or position at fault, never a traceback.
"""

from __future__ import annotations

import re
from datetime import UTC, date, tzinfo
from typing import TYPE_CHECKING, Any, Literal

from core.errors import BadInput

if TYPE_CHECKING:
    from core.creation import TaskCreate

Format = Literal["json", "taskwarrior", "todotxt", "ical"]
FORMATS: tuple[Format, ...] = ("json", "taskwarrior", "todotxt", "ical")

_BOM = "\ufeff"
# Patterns, compiled (and cached by re) on first use: every write loads this package for
# core.formats.task_shape, and only an import detects a format.
_TITLE_KEY = r'"title"\s*:'
_DESCRIPTION_KEY = r'"description"\s*:'


def detect(text: str) -> Format:
    """Guess the format of `text`.

    "ical" if it starts with BEGIN:VCALENDAR; "json" for our export (objects with "title");
    "taskwarrior" for `task export` (objects with "description"); "todotxt" otherwise.
    """
    body = text.removeprefix(_BOM).lstrip()
    if body[:15].upper() == "BEGIN:VCALENDAR":
        return "ical"
    if body.startswith(("[", "{")):
        return _json_flavour(body)
    return "todotxt"


_UNKNOWN = (
    "the file is in no format todo knows (json, taskwarrior, todotxt, ical): it is neither "
    "JSON nor iCalendar, and too few of its lines look like todo.txt; pass --format todotxt "
    "to import each line as a task anyway"
)


def parse_any(
    text: str, today: date, tz: tzinfo = UTC, fmt: Format | None = None
) -> tuple[Format, list[TaskCreate]]:
    """Parse `text` as `fmt`, or as the format detected when `fmt` is None; `today` completes
    undated done todo.txt lines, `tz` is the user's zone (where a date without a time of day
    falls). Detection refuses text that is not clearly todo.txt, so a stray file is not
    imported line by line."""
    # Imported here: `todo list` and friends load this package and need none of the parsers.
    from core.formats import ical, jsonfmt, taskwarrior, todotxt

    body = text.removeprefix(_BOM)
    if fmt is None:
        fmt = detect(text)
        if fmt == "todotxt" and not todotxt.looks_like(body):
            raise BadInput(_UNKNOWN)
    if fmt == "json":
        return fmt, jsonfmt.parse(body)
    if fmt == "taskwarrior":
        return fmt, taskwarrior.parse(body, tz)
    if fmt == "ical":
        return fmt, ical.parse(body)
    return fmt, todotxt.parse(body, today, tz)


def _json_flavour(body: str) -> Format:
    from core.formats._common import NestedTooDeeply, load_objects

    try:
        objects = load_objects(body)
    except NestedTooDeeply:
        return "json"  # JSON all the same: parsing it reports the nesting
    except BadInput:
        # Broken JSON that still names our keys is JSON with a typo: report it as such, with
        # its position. Without them, a line like "[urgent] call Bob" is plain todo.txt.
        return _flavour_by_keys(body)
    first: Any = next((obj for obj in objects if isinstance(obj, dict)), {})
    if "description" in first and "title" not in first:
        return "taskwarrior"
    return "json"


def _flavour_by_keys(body: str) -> Format:
    if re.search(_DESCRIPTION_KEY, body) and not re.search(_TITLE_KEY, body):
        return "taskwarrior"
    if re.search(_TITLE_KEY, body):
        return "json"
    return "todotxt"
