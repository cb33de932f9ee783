"""The filters the CLI and the TUI share: `todo list`'s options and the TaskFilter they
make, and what `todo` alone shows (the TUI's Today view).

The CLI's `list` and `count` declare these options (todo_cli/commands/options.py) and turn
them into a filter with `build_filter`; the TUI's `/` box reads the same words with
`parse_words`, so both filter exactly alike and say the same things about bad input. The TUI
needs only this module, never the CLI application (a test holds `todo list`'s options and
`list_options` below to the same grammar).
"""

from __future__ import annotations

import functools
import sys
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from core import dates, projects
from core.errors import BadInput
from core.priorities import parse_priority
from core.selection import TaskFilter
from core.tags import normalise_tags
from todo_cli.commands import options as opts

if TYPE_CHECKING:
    import click


def build_filter(
    now: datetime,
    status: opts.StatusChoice,
    priority: str | None,
    tag: list[str] | None,
    due_before: str | None,
    due_after: str | None,
    overdue: bool,
    today: bool,
    upcoming: int | None,
    no_due: bool,
    search: str | None,
    project: str | None = None,
    waiting: bool = False,
) -> TaskFilter:
    """The TaskFilter the `list` and `count` options describe (the TUI's `/` box too)."""
    return TaskFilter(
        status=status.value,
        priority=parse_priority(priority) if priority else None,
        tags=normalise_tags(tag or ()),
        due_before=dates.parse_day(due_before, now, "--due-before"),
        due_after=dates.parse_day(due_after, now, "--due-after"),
        overdue=overdue,
        today=today,
        upcoming=upcoming,
        no_due=no_due,
        search=search,
        project=None if project is None else projects.normalise(project),
        waiting=waiting,
    )


def status_given(ctx: click.Context | None = None) -> bool:
    """Whether --status was typed (or set by the environment), not left at its default; `ctx`
    defaults to the running Click command's (none on the plain path: nothing was typed)."""
    click = sys.modules.get("click")
    if ctx is None and click is not None:
        ctx = click.get_current_context(silent=True)
    if ctx is None:
        return False
    from click.core import ParameterSource

    return ctx.get_parameter_source("status") not in (None, ParameterSource.DEFAULT)


def with_expression(flt: TaskFilter, words: list[str] | None, status_given: bool) -> TaskFilter:
    """`flt` and the expression typed as `words`. An expression naming a status replaces the
    default `--status pending` (not one given explicitly): `todo list status:completed`."""
    if not words:
        return flt
    from core.filterlang import parse
    from core.filterlang.args import join_args
    from core.filterlang.tree import mentions_status

    text = join_args(words)
    if not status_given and mentions_status(parse(text)):
        flt = replace(flt, status="all")
    return replace(flt, expression=text)


def today_or_overdue(now: datetime) -> TaskFilter:
    """What `todo` alone prints and the TUI opens on: pending tasks due today or before, or
    scheduled for today or earlier."""
    return TaskFilter(due_before=dates.shift_date(now.date(), 1, "days"), or_scheduled=True)


def list_options(
    expression: opts.Expression = None,
    status: opts.Status = opts.StatusChoice.pending,
    priority: opts.PriorityFilter = None,
    tag: opts.TagFilter = None,
    due_before: opts.DueBefore = None,
    due_after: opts.DueAfter = None,
    overdue: opts.Overdue = False,
    today: opts.Today = False,
    upcoming: opts.Upcoming = None,
    no_due: opts.NoDue = False,
    search: opts.Search = None,
    sort: opts.Sort = opts.SortChoice.due,
    reverse: opts.Reverse = False,
    limit: opts.Limit = None,
    project: opts.ProjectFilter = None,
    waiting: opts.Waiting = False,
) -> None:
    """The options of `todo list` that choose and order tasks (all but --json)."""


@functools.cache
def command() -> click.Command:
    """`list_options` as a Click command (Typer builds it once; rebuilding costs a keystroke)."""
    import typer

    app = typer.Typer(add_completion=False)
    app.command("list")(list_options)
    return typer.main.get_command(app)


def parse_words(words: list[str], now: datetime) -> TaskFilter:
    """The filter that `todo list WORDS` would use; BadInput saying what is wrong."""
    import click  # only the TUI's / box parses words: plain `todo list` runs without Click

    try:
        with command().make_context("list", list(words)) as ctx:
            p = ctx.params
            typed_status = status_given(ctx)
    except click.exceptions.Exit:
        raise BadInput("filter: use the options of `todo list`") from None
    except click.ClickException as exc:
        raise BadInput(f"filter: {exc.format_message()}") from None
    # Click hands back the choices as plain strings; Typer wraps them in enums later.
    flt = build_filter(
        now, opts.StatusChoice(p["status"]), p["priority"], p["tag"], p["due_before"],
        p["due_after"], p["overdue"], p["today"], p["upcoming"], p["no_due"], p["search"],
        p["project"], p["waiting"],
    )
    flt = with_expression(flt, p["expression"], typed_status)
    return replace(flt, sort=opts.SortChoice(p["sort"]).value, reverse=p["reverse"],
                   limit=p["limit"])
