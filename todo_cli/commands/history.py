"""Undo and per-task history."""

from __future__ import annotations

import typer

from todo_cli import render
from todo_cli.commands import options as opts
from todo_cli.context import service


def undo() -> None:
    """Revert the last change (repeat to go further back)."""
    result = service().undo()
    render.changed(f"Undid {result.kind}:", result.tasks)


def history(task_id: opts.TaskId) -> None:
    """Show every change of one task, oldest first, with old and new values."""
    svc = service()
    render.history(svc.history(task_id), svc.tz)


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(undo)
    app.command()(history)
