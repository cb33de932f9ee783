"""The sidebar's views and the `/` filter, both as core TaskFilters.

The `/` box takes the filter language (`+work or p:h`, `project:home not is:blocked`,
`@NAME` for a saved view; plain words are a search), or the options of `todo list`
(`--tag work -p high --overdue`, `-s invoice`, with an expression after them), parsed with
the grammar that command declares (todo_cli/filter_args.py), so the TUI filters exactly as
the CLI does and says the same things about bad input, without importing the CLI application.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime

from core.errors import BadInput
from core.selection import TaskFilter
from todo_cli import filter_args

UPCOMING_DAYS = 7


@dataclass(frozen=True, slots=True)
class View:
    """One entry of the sidebar: a key, a label, and the filter it stands for."""

    key: str
    label: str
    tag: str | None = None
    expression: str | None = None
    """A saved view's expression (`todo view save`)."""

    def filter(self, now: datetime) -> TaskFilter:
        """The tasks of this view at `now`."""
        if self.tag is not None:
            return TaskFilter(tags=(self.tag,))
        if self.expression is not None:
            return _expression(self.expression, search=False)
        return _BASE[self.key](now)


_BASE: dict[str, Callable[[datetime], TaskFilter]] = {
    "today": filter_args.today_or_overdue,
    "upcoming": lambda now: TaskFilter(upcoming=UPCOMING_DAYS),
    "overdue": lambda now: TaskFilter(overdue=True),
    "all": lambda now: TaskFilter(),
    "completed": lambda now: TaskFilter(status="completed"),
}

FIXED = (
    View("today", "Today"),
    View("upcoming", "Upcoming"),
    View("overdue", "Overdue"),
    View("all", "All"),
    View("completed", "Completed"),
)


def first_filter(now: datetime, context: str | None = None) -> TaskFilter:
    """The filter of the view the app opens on (Today, by due), in the context."""
    return in_context(FIXED[0].filter(now), context)


def in_context(flt: TaskFilter, context: str | None) -> TaskFilter:
    """`flt` and the context's expression (`todo context`), as every list of the session."""
    if not context:
        return flt
    both = f"({context}) ({flt.expression})" if flt.expression else f"({context})"
    return replace(flt, expression=both)


def saved_view(name: str, expression: str) -> View:
    """The sidebar entry of saved view `name`."""
    return View(f"view:{name}", f"@{name}", expression=expression)


def tag_view(tag: str) -> View:
    """The view of the pending tasks carrying `tag`."""
    return View(f"tag:{tag}", f"#{tag}", tag)


def sidebar_views(tags: Sequence[tuple[str, int]],
                  saved: Sequence[tuple[str, str]] = ()) -> list[View]:
    """The sidebar's entries: the fixed views, the saved views (name, expression), then one
    per tag in use (tag, count)."""
    return [*FIXED, *(saved_view(*pair) for pair in saved), *(tag_view(tag) for tag, _ in tags)]


_DEFAULTS = TaskFilter()


_SHORT_OPTIONS = frozenset({"-p", "-t", "-s", "-n", "-r"})
"""`todo list`'s one-letter options: any other `-word` is the language's "without tag"."""


def parse_query(text: str, now: datetime,
                saved: Mapping[str, str] | None = None) -> TaskFilter | None:
    """The filter typed in the `/` box (None when it is empty); BadInput when it is wrong.
    `saved` maps the saved views' names to their expressions, for `@NAME`."""
    text = text.strip()
    if not text:
        return None
    if "@" in text:
        text = _with_views(text, saved or {})
    if not any(_is_option(word) for word in text.split()):
        return _expression(text)
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise BadInput(f"filter: {exc}") from None
    return filter_args.parse_words(words, now)


def _is_option(word: str) -> bool:
    return (word.startswith("--") and len(word) > 2) or word in _SHORT_OPTIONS


def _with_views(text: str, saved: Mapping[str, str]) -> str:
    from core.usecases.views import expand_views

    def lookup(name: str) -> str:
        found = saved.get(name.lower())
        if found is None:
            raise BadInput(f"no view named '{name}' (see `todo view list`)")
        return found

    return " ".join(expand_views([text], lookup) or [])


def _expression(text: str, search: bool = True) -> TaskFilter:
    """Plain words are a search (if `search`), as before the language; anything else an
    expression, which names its own status or lists pending tasks."""
    from core.filterlang import parse
    from core.filterlang.tree import And, Text, mentions_status

    node = parse(text)
    items = node.items if isinstance(node, And) else (node,)
    if search and '"' not in text and all(isinstance(item, Text) for item in items):
        # The words the parser read, not the typed text: "pay and pay" searches for "pay",
        # as its expression means, not for the word "and" too.
        return TaskFilter(search=" ".join(item.text for item in items if isinstance(item, Text)))
    if mentions_status(node):
        return TaskFilter(status="all", expression=text)
    return TaskFilter(expression=text)


def warm_up() -> None:
    """Build `todo list`'s option parser now (in a worker), not on the first `-` typed in
    the filter box: Typer takes ~40 ms to build it, a visible stall on the UI thread."""
    filter_args.command()


def combine(view: TaskFilter, query: TaskFilter | None) -> TaskFilter:
    """The view's filter narrowed by the query: every field the query sets wins, tags add."""
    if query is None:
        return view
    changes = {
        f.name: getattr(query, f.name)
        for f in fields(TaskFilter)
        if getattr(query, f.name) != getattr(_DEFAULTS, f.name)
    }
    if "tags" in changes:
        changes["tags"] = tuple(dict.fromkeys((*view.tags, *query.tags)))
    if view.expression and query.expression:  # a saved view narrowed by an expression
        changes["expression"] = f"({view.expression}) ({query.expression})"
    return replace(view, **changes)
