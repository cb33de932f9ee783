"""Import and export."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from core.errors import BadInput
from core.schemas import TaskFilter
from core.text import json_safe, visible
from todo_cli import render
from todo_cli.context import service


class Format(StrEnum):
    json = "json"
    taskwarrior = "taskwarrior"
    todotxt = "todotxt"
    ical = "ical"


def export(
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.json,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Export every task (JSON is lossless; Taskwarrior, todotxt and iCalendar VTODO for
    other tools)."""
    text = service().export(format.value, TaskFilter(status="all", sort="id"))
    if format is Format.json:
        text = json_safe(text)  # the same JSON, without raw C1 controls a terminal obeys
    if output is None:
        if sys.stdout.isatty():  # a terminal shows stored text, it must not obey it
            text = visible(text, multiline=True)
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def import_(
    file: Annotated[Path, typer.Argument(help="A file, or - for standard input.")],
) -> None:
    """Import our JSON, Taskwarrior `task export` JSON, todo.txt or iCalendar.

    Tasks already imported (same uuid) are skipped, so importing twice duplicates nothing.
    """
    text = _read(file)
    svc = service()
    if sys.stderr.isatty():
        with typer.progressbar(length=1, label="Importing", file=sys.stderr) as bar:
            state = {"done": 0}

            def progress(n: int, total: int) -> None:
                bar.length = total
                bar.update(n - state["done"])
                state["done"] = n

            result = svc.import_text(text, progress)
    else:
        result = svc.import_text(text)
    out = render.Out()
    out.line(
        f"Imported {len(result.added)} task{'s' if len(result.added) != 1 else ''} "
        f"({result.format}); {result.skipped} already present"
    )
    if result.kept_summary:
        out.line(f"  {result.kept_summary} (see `todo show`)")


def _read(file: Path) -> str:
    if str(file) == "-":
        return sys.stdin.read()
    try:
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"no such file: {file}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"cannot read {file}: {exc}") from None


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(export)
    app.command("import")(import_)
