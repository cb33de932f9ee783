"""Reminders: add, list, snooze, dismiss."""

from __future__ import annotations

from typing import Annotated

import typer

from todo_cli import render, render_json
from todo_cli.commands import options as opts
from todo_cli.commands.options import Ids, Json
from todo_cli.context import service


def remind(
    task_id: opts.TaskId,
    when: Annotated[list[str], typer.Argument(help="'30m before', '1 day before', 'at 3:45pm', 'tomorrow 9am'.")],
    json: Json = False,
) -> None:
    """Add a reminder, relative to the due time or at an absolute time."""
    tasks = service().remind([task_id], " ".join(when))
    render.changed_tasks("Reminder added to", tasks, service().tz, json)


def reminders(
    all_: Annotated[bool, typer.Option("--all", "-a", help="Fired and dismissed ones too.")] = False,
    json: Json = False,
) -> None:
    """List upcoming reminders, soonest first."""
    svc = service()
    pairs = svc.upcoming_reminders(all_)
    if json:
        render_json.reminders(pairs, svc.tz)
    else:
        render.reminder_list(pairs, svc.now())


def snooze(
    task_id: opts.TaskId,
    duration: Annotated[str, typer.Argument(help="How long: 10m, 1h, 2 hours, 1d.")] = "10m",
    json: Json = False,
) -> None:
    """Remind again later: dismisses what fired and adds a reminder after DURATION."""
    render.changed_tasks("Snoozed", service().snooze([task_id], duration), service().tz, json)


def dismiss(ids: Ids, json: Json = False) -> None:
    """Dismiss the reminders that have fired."""
    render.changed_tasks("Dismissed reminders of", service().dismiss(ids), service().tz, json)


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(remind)
    app.command()(reminders)
    app.command()(snooze)
    app.command()(dismiss)
