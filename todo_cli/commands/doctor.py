"""`todo doctor`: check settings, database and event log."""

from __future__ import annotations

import json as jsonlib

import typer

from todo_cli import render, render_reports
from todo_cli.commands.options import Json


def doctor(json: Json = False) -> None:
    """Check the setup: settings, database integrity and schema, event backlog, dead letters.

    Exit code 0 when healthy, 3 when a check failed; warnings do not fail.
    """
    from config.settings import load_settings
    from core.doctor import diagnose
    from services.workers import consumer_groups

    report = diagnose(load_settings, consumer_groups())
    if json:
        render.Out().line(jsonlib.dumps(report.as_dict(), ensure_ascii=False))
    else:
        render_reports.doctor(report)
    if not report.healthy:
        raise typer.Exit(3)


def register(app: typer.Typer) -> None:
    """Attach this command to the root app."""
    app.command()(doctor)
