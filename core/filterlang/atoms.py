"""The terms of the filter language: `+tag`, `-tag`, `key:value` and search words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import cast

from core import dates
from core.errors import BadInput
from core.filterlang.tree import (
    DateField,
    DateOp,
    DayRange,
    Has,
    HasValue,
    Is,
    IsValue,
    Node,
    PriorityIs,
    Project,
    StatusIs,
    StatusValue,
    Tag,
    Text,
    without_tag,
)
from core.priorities import parse_priority
from core.tags import normalise_tag

# Date words are checked when parsed, so a typo gets its caret; they are resolved later
# against the caller's clock. Any fixed day works for the check: validity ("feb 30", "someday")
# does not depend on which day it is.
_REFERENCE = datetime(2026, 1, 1, 12, tzinfo=UTC)

_STATUS = {"pending": "pending", "completed": "completed", "done": "completed",
           "deleted": "deleted", "all": "all"}
_IS = {"blocked": "blocked", "waiting": "waiting", "overdue": "overdue"}
_HAS = {"subtasks": "subtasks", "children": "subtasks", "due": "due"}


def word_atom(word: str) -> Node:
    """`+tag`, `-tag`, or a search word."""
    if len(word) > 1 and word[0] == "+":
        return Tag(normalise_tag(word[1:]))
    if len(word) > 1 and word[0] == "-":
        return without_tag(normalise_tag(word[1:]))
    if not any(c.isalnum() or c == "_" for c in word):
        raise BadInput(f"'{word}' has no words to search for")
    return Text(word)


def field_atom(key: str, value: str) -> Node:
    """The term `key:value`; BadInput names what the key accepts."""
    build = _FIELDS.get(key)
    if build is None:
        raise BadInput(f"unknown filter '{key}:': use {', '.join(_KNOWN)} "
                       f"(quote text to search for it)")
    return build(value)


def known_field(key: str) -> bool:
    """True if `key` (lowercase) names a field of the language."""
    return key in _FIELDS


def _project(value: str) -> Node:
    path = value.strip("/")
    if not path:
        raise BadInput("project: needs a name, e.g. project:home or project:home/garden")
    return Project(path)


def _choice(what: str, table: dict[str, str], value: str) -> str:
    found = table.get(value.lower())
    if found is None:
        raise BadInput(f"{what}:{value} is not known: use {what}:{' | '.join(table)}")
    return found


def _date(field: DateField, op: DateOp) -> Callable[[str], Node]:
    def build(value: str) -> Node:
        name = field if op == "on" else f"{field}.{op}"
        if not value.strip():
            raise BadInput(f"{name}: needs a date, e.g. {name}:fri or {name}:\"in 3 days\"")
        dates.parse_day(value, _REFERENCE, name)
        return DayRange(field, op, value)
    return build


_FIELDS: dict[str, Callable[[str], Node]] = {
    "project": _project, "proj": _project,
    "priority": lambda v: PriorityIs(parse_priority(v)),
    "pri": lambda v: PriorityIs(parse_priority(v)),
    "p": lambda v: PriorityIs(parse_priority(v)),
    "status": lambda v: StatusIs(cast(StatusValue, _choice("status", _STATUS, v))),
    "is": lambda v: Is(cast(IsValue, _choice("is", _IS, v))),
    "has": lambda v: Has(cast(HasValue, _choice("has", _HAS, v))),
    "due": _date("due", "on"), "due.before": _date("due", "before"),
    "due.after": _date("due", "after"),
    "scheduled": _date("scheduled", "on"), "scheduled.before": _date("scheduled", "before"),
    "scheduled.after": _date("scheduled", "after"),
}
_KNOWN = ("project", "priority (p)", "status", "is", "has", "due", "due.before", "due.after",
          "scheduled", "scheduled.before", "scheduled.after")
