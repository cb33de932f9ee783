"""Recurring tasks: set or end a rule, skip an occurrence."""

from __future__ import annotations

from typing import Annotated

import typer

from core.errors import BadInput
from todo_cli import render
from todo_cli.commands import options as opts
from todo_cli.commands.options import Ids, Json
from todo_cli.context import service


def recur(
    task_id: opts.TaskId,
    rule: Annotated[
        str | None, typer.Argument(help="e.g. 'every mon and thu at 9am', 'every! 3 days'.")
    ] = None,
    clear: Annotated[bool, typer.Option("--clear", help="End the series after this instance.")] = False,
    json: Json = False,
) -> None:
    """Make a task repeat from this instance on, or end its series with --clear."""
    if clear == (rule is not None):
        raise BadInput("give either a rule such as 'every monday' or --clear")
    tasks = service().set_recurrence([task_id], None if clear else rule)
    render.changed_tasks("Ended series of" if clear else "Repeating", tasks, service().tz, json)


def skip(ids: Ids, json: Json = False) -> None:
    """Move recurring tasks to their next occurrence without completing them."""
    render.changed_tasks("Skipped to next:", service().skip(ids), service().tz, json)


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(recur)
    app.command()(skip)
