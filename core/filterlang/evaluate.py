"""Evaluating the tree on one task in plain Python: the reference meaning of every term, which
the SQL compiler (core.queries.filter_expr) must agree with, and the TUI's in-memory filter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Protocol

from core import dates
from core.filterlang import tree as t
from core.filterlang.days import day_bounds
from core.priorities import Priority

Predicate = Callable[["FilterTask"], bool]


class FilterTask(Protocol):
    """The fields of a task the filter language reads (TaskRead and the TUI's rows have them).
    `due`, `scheduled` are all-day dates or aware datetimes; `wait` an aware datetime;
    `blocked` is true when pending with a pending blocker; `has_children` when a task that is
    not deleted has it as parent."""

    @property
    def title(self) -> str: ...
    @property
    def notes(self) -> str | None: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def project(self) -> str | None: ...
    @property
    def priority(self) -> Priority: ...
    @property
    def due(self) -> date | datetime | None: ...
    @property
    def scheduled(self) -> date | datetime | None: ...
    @property
    def wait(self) -> datetime | None: ...
    @property
    def status(self) -> str: ...
    @property
    def blocked(self) -> bool: ...
    @property
    def has_children(self) -> bool: ...


def matches(node: t.Node, task: FilterTask, now: datetime) -> bool:
    """True if `task` satisfies the expression `node` at `now` (aware, the user's zone)."""
    return predicate(node, now)(task)


def predicate(node: t.Node, now: datetime) -> Predicate:
    """The expression as a function of a task, date words resolved once: for filtering many."""
    return _COMPILERS[type(node)](node, now)


def _all(items: Iterable[Predicate]) -> Predicate:
    tests = tuple(items)
    return lambda task: all(test(task) for test in tests)


def _any(items: Iterable[Predicate]) -> Predicate:
    tests = tuple(items)
    return lambda task: any(test(task) for test in tests)


def _not(node: t.Not, now: datetime) -> Predicate:
    inner = predicate(node.item, now)
    return lambda task: not inner(task)


def _day_range(node: t.DayRange, now: datetime) -> Predicate:
    start, end = day_bounds(node, now)
    tz = now.tzinfo
    assert tz is not None
    low = None if start is None else dates.day_start(start, tz)
    high = None if end is None else dates.day_start(end, tz)

    def within(value: date | datetime | None) -> bool:
        if value is None:
            return False
        if isinstance(value, datetime):
            return (low is None or value >= low) and (high is None or value < high)
        return (start is None or value >= start) and (end is None or value < end)

    if node.field == "due":
        return lambda task: within(task.due)
    return lambda task: within(task.scheduled)


def _overdue(now: datetime) -> Predicate:
    today = now.date()

    def overdue(task: FilterTask) -> bool:
        due = task.due
        if isinstance(due, datetime):
            return due < now
        return due is not None and due < today

    return overdue


def _is(node: t.Is, now: datetime) -> Predicate:
    if node.what == "blocked":
        return lambda task: task.blocked
    if node.what == "waiting":
        return lambda task: task.wait is not None and task.wait > now
    return _overdue(now)


def _has(node: t.Has, now: datetime) -> Predicate:
    if node.what == "subtasks":
        return lambda task: task.has_children
    return lambda task: task.due is not None


def _project(node: t.Project, now: datetime) -> Predicate:
    path, under = node.path, node.path + "/"
    return lambda task: task.project is not None and (
        task.project == path or task.project.startswith(under))


def _status(node: t.StatusIs, now: datetime) -> Predicate:
    wanted = node.status
    return lambda task: wanted == "all" or str(task.status) == wanted


def _text(node: t.Text, now: datetime) -> Predicate:
    """As queries.search's match: each word starts a word of the title or notes (case and accents
    ignored, as the full-text index does); a term with signs ("c++") appears as typed.

    This is SQLite's meaning. PostgreSQL's search differs at the edges, where its parser is not
    unicode61: accents count, and a signed term need only appear ("c++" in "abc++")."""
    terms = node.text.split()
    signed = [term.lower() for term in terms if not _is_word(term)]
    # One compiled search per word, made once per expression: the TUI runs this on every
    # loaded task for every keystroke.
    starts = [re.compile(r"(?:^|[\W_])" + re.escape(w)) for w in _fold(node.text).split()
              if w]

    def found(task: FilterTask) -> bool:
        text = f"{task.title} {task.notes or ''}"
        lowered = text.lower()
        folded = lowered if text.isascii() else _fold(text)
        for start in starts:
            if start.search(folded) is None:
                return False
        return not signed or all(s in lowered for s in signed)

    return found


def _is_word(term: str) -> bool:
    return all(c.isalnum() or c == "_" for c in term)


def _fold(text: str) -> str:
    """Lowercase, accents dropped, every run of other than letters and digits one space:
    the words as the index's unicode61 tokenizer sees them."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    kept = (c if c.isalnum() else " " for c in plain if not unicodedata.combining(c))
    return "".join(kept)


_COMPILERS: dict[type, Callable[..., Predicate]] = {
    t.Everything: lambda node, now: lambda task: True,
    t.Tag: lambda node, now: lambda task: node.name in task.tags,
    t.Project: _project,
    t.PriorityIs: lambda node, now: lambda task: task.priority == node.priority,
    t.StatusIs: _status,
    t.DayRange: _day_range,
    t.Is: _is,
    t.Has: _has,
    t.Text: _text,
    t.Not: _not,
    t.And: lambda node, now: _all(predicate(item, now) for item in node.items),
    t.Or: lambda node, now: _any(predicate(item, now) for item in node.items),
}
