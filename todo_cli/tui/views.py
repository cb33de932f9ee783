"""The sidebar's views and the `/` filter, both as core TaskFilters.

The `/` box takes the options of `todo list` (`--tag work -p high --overdue`, `-s invoice`)
and parses them with the grammar that command declares (todo_cli/filter_args.py), so the TUI
filters exactly as the CLI does and says the same things about bad input, without importing
the CLI application. Text without options is a search.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime

from core.errors import BadInput
from core.schemas import TaskFilter
from todo_cli import filter_args

UPCOMING_DAYS = 7


@dataclass(frozen=True, slots=True)
class View:
    """One entry of the sidebar: a key, a label, and the filter it stands for."""

    key: str
    label: str
    tag: str | None = None

    def filter(self, now: datetime) -> TaskFilter:
        """The tasks of this view at `now`."""
        if self.tag is not None:
            return TaskFilter(tags=(self.tag,))
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


def first_filter(now: datetime) -> TaskFilter:
    """The filter of the view the app opens on (Today, by due)."""
    return FIXED[0].filter(now)


def tag_view(tag: str) -> View:
    """The view of the pending tasks carrying `tag`."""
    return View(f"tag:{tag}", f"#{tag}", tag)


def sidebar_views(tags: Sequence[tuple[str, int]]) -> list[View]:
    """The sidebar's entries: the fixed views, then one per tag in use (tag, count)."""
    return [*FIXED, *(tag_view(tag) for tag, _ in tags)]


_DEFAULTS = TaskFilter()


def parse_query(text: str, now: datetime) -> TaskFilter | None:
    """The filter typed in the `/` box (None when it is empty); BadInput when it is wrong."""
    text = text.strip()
    if not text:
        return None
    try:
        words = shlex.split(text)
    except ValueError as exc:
        raise BadInput(f"filter: {exc}") from None
    if not any(w.startswith("-") for w in words):
        return TaskFilter(search=text)
    return filter_args.parse_words(words, now)


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
    return replace(view, **changes)
