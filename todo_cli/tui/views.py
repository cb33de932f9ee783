"""The sidebar's views and the `/` filter, both as core TaskFilters.

The `/` box takes the options of `todo list` (`--tag work -p high --overdue`, `-s invoice`)
and parses them with that very command's parser, so the TUI filters exactly as the CLI
does and says the same things about bad input. Text without options is a search.
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta

import click

from core.errors import BadInput
from core.schemas import TaskFilter

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


def _today(now: datetime) -> TaskFilter:
    # What `todo` alone prints: due today, or overdue.
    return TaskFilter(due_before=now.date() + timedelta(days=1))


_BASE: dict[str, Callable[[datetime], TaskFilter]] = {
    "today": _today,
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
    return _list_options(words, now)


@functools.cache
def _list_command() -> click.Command:
    """`todo list` as Click sees it (Typer builds it once; rebuilding costs a keystroke)."""
    import typer

    from todo_cli.app import app

    command = typer.main.get_command(app)
    assert isinstance(command, click.Group)
    return command.commands["list"]


def warm_up() -> None:
    """Build `todo list`'s Click command now (in a worker), not on the first `-` typed in
    the filter box: Typer takes ~40 ms to build it, a visible stall on the UI thread."""
    _list_command()


def _list_options(words: list[str], now: datetime) -> TaskFilter:
    from todo_cli.commands.options import SortChoice, StatusChoice
    from todo_cli.commands.tasks import build_filter, status_given, with_expression

    try:
        with _list_command().make_context("list", list(words)) as ctx:
            p = ctx.params
            typed_status = status_given(ctx)
    except click.exceptions.Exit:
        raise BadInput("filter: use the options of `todo list`") from None
    except click.ClickException as exc:
        raise BadInput(f"filter: {exc.format_message()}") from None
    # Click hands back the choices as plain strings; Typer wraps them in enums later.
    flt = build_filter(
        now, StatusChoice(p["status"]), p["priority"], p["tag"], p["due_before"], p["due_after"],
        p["overdue"], p["today"], p["upcoming"], p["no_due"], p["search"],
    )
    flt = with_expression(flt, p["expression"], typed_status)
    return replace(flt, sort=SortChoice(p["sort"]).value, reverse=p["reverse"], limit=p["limit"])


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
