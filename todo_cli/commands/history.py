"""Undo and per-task history."""

from __future__ import annotations

import typer

from todo_cli import render, render_json, render_reports
from todo_cli.commands import options as opts
from todo_cli.commands.options import Json
from todo_cli.context import service


def undo() -> None:
    """Revert the last change (repeat to go further back)."""
    result = service().undo()
    render.changed(f"Undid {result.kind}:", result.tasks)


def history(task_id: opts.TaskId, json: Json = False) -> None:
    """Show every change of one task, oldest first, with old and new values."""
    svc = service()
    entries = svc.history(task_id)
    if json:
        render_json.history(svc.get(task_id), entries, svc.tz)
    else:
        render_reports.history(entries, svc.tz)


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(undo)
    app.command()(history)
