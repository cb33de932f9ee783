"""The typed tree every filter expression parses into; the evaluator and the SQL compiler
both walk it, so `todo list`, the TUI and the agent agree on what an expression means.

Date words stay words here (`DayRange.word`): they are resolved against the caller's `now`
and zone when the tree is evaluated or compiled, so a saved expression keeps meaning "fri".
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as attribute
from typing import Literal, TypeAlias

from core.priorities import Priority

DateField: TypeAlias = Literal["due", "scheduled"]
DateOp: TypeAlias = Literal["before", "after", "on"]
StatusValue: TypeAlias = Literal["pending", "completed", "deleted", "all"]
IsValue: TypeAlias = Literal["blocked", "waiting", "overdue"]
HasValue: TypeAlias = Literal["subtasks", "due"]


@dataclass(frozen=True)
class Everything:
    """The empty expression: every task."""


@dataclass(frozen=True)
class Tag:
    """`+tag`: the task carries this (normalised) tag."""

    name: str


@dataclass(frozen=True)
class Project:
    """`project:home`: the task is in `home` or any sub-project `home/...`."""

    path: str


@dataclass(frozen=True)
class PriorityIs:
    """`priority:high` / `p:h`."""

    priority: Priority


@dataclass(frozen=True)
class StatusIs:
    """`status:pending|completed|deleted|all`."""

    status: StatusValue


@dataclass(frozen=True)
class DayRange:
    """`due.before:fri`, `due.after:DATE`, `due:today` and the same for `scheduled`: the
    date (all-day or timed) falls before, after, or on the local day `word` names. `pos` is
    the column of the word in the expression, for error messages when it is resolved."""

    field: DateField
    op: DateOp
    word: str
    pos: int = attribute(default=0, compare=False)


@dataclass(frozen=True)
class Is:
    """`is:blocked`, `is:waiting`, `is:overdue`."""

    what: IsValue


@dataclass(frozen=True)
class Has:
    """`has:subtasks`, `has:due`."""

    what: HasValue


@dataclass(frozen=True)
class Text:
    """A bare word or a "quoted phrase": full-text search, as `todo list WORDS` has always done
    (each word starts a word of the title or notes; a term with signs must appear as typed)."""

    text: str


@dataclass(frozen=True)
class Not:
    """`not X`."""

    item: Node


@dataclass(frozen=True)
class And:
    """`X and Y`, or `X Y` side by side."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """`X or Y`."""

    items: tuple[Node, ...]


Node: TypeAlias = (
    Everything | Tag | Project | PriorityIs | StatusIs | DayRange | Is | Has | Text | Not | And
    | Or
)
"""Any expression."""


def without_tag(name: str) -> Node:
    """`-tag`: the task does not carry this tag."""
    return Not(Tag(name))


def mentions_status(node: Node) -> bool:
    """True if a `status:` term appears anywhere in the expression: then `todo list` does not
    add its default `--status pending` (`todo list status:completed` lists completed tasks)."""
    if isinstance(node, StatusIs):
        return True
    if isinstance(node, Not):
        return mentions_status(node.item)
    if isinstance(node, And | Or):
        return any(mentions_status(item) for item in node.items)
    return False
