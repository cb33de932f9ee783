"""Quick add's `name:value` fields, as Taskwarrior writes them: `project:home/garden`,
`pro:home`, `wait:fri`, `scheduled:mon`/`sch:mon`, `until:dec 31`. Pure.

A value follows the colon in the same word; a date value may go on over the next words
(`wait:next fri at 9am`), read by core.dates like any due phrase. A field named but not
understood is an error naming it, never silently part of the title.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core import dates, projects
from core.errors import BadInput
from core.schemas import Due

SHORT_PROJECT = "^"
"""`^home/garden`: the short form of `project:home/garden` (`#`/`+` are tags, `@` views)."""

_NAMES = {
    "project": "project", "proj": "project", "pro": "project",
    "wait": "wait",
    "scheduled": "scheduled", "sched": "scheduled", "sch": "scheduled",
    "until": "until",
}


def attribute(words: Sequence[str], now: datetime) -> tuple[int, str, str | Due] | None:
    """(words used, field, value) for a `name:value` field at the start of `words`, or None
    when the first word is not one. BadInput names the field for a value it cannot read."""
    if not words:
        return None
    name, colon, first = words[0].partition(":")
    field = _NAMES.get(name.lower()) if colon else None
    if field is None:
        return None
    if field == "project":
        return 1, field, _project_value(first)
    return _date_value(field, [first, *words[1:]] if first else list(words[1:]), now, bool(first))


def _project_value(value: str) -> str:
    if not value:
        raise BadInput("project: needs a name, as in project:home/garden")
    return projects.normalise(value)


def _date_value(
    field: str, words: list[str], now: datetime, inline: bool
) -> tuple[int, str, Due]:
    found = dates.match_due(words, now, bare_time=True) if words else None
    if found is None:
        shown = words[0] if words else ""
        raise BadInput(
            f"{field}: '{shown}' is not a date: try {field}:fri, {field}:tomorrow, "
            f"{field}:2026-12-05"
        )
    used = found[0] if inline else found[0] + 1
    return used, field, found[1]


def short_project(word: str) -> str | None:
    """The project of a `^path` word, or None when it is not one (`^`, `^/`, `x^2`)."""
    if not word.startswith(SHORT_PROJECT) or len(word) == 1:
        return None
    try:
        return projects.normalise(word[1:])
    except BadInput:
        return None
