"""Import and export."""

from __future__ import annotations

import sys
from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

from core.errors import BadInput
from core.selection import TaskFilter
from core.text import json_safe, visible
from todo_cli import lazy, render, scoping
from todo_cli.commands import options as opts
from todo_cli.context import service

if TYPE_CHECKING:
    from pathlib import Path

    import typer

    from core.formats import Format as FormatName
else:
    # Only Typer reads the annotations below; a plain `todo export` runs without it.
    typer = lazy.Module("typer")


class Format(StrEnum):
    json = "json"
    taskwarrior = "taskwarrior"
    todotxt = "todotxt"
    ical = "ical"


def export(
    expression: opts.Expression = None,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.json,
    # str, not Path: click.Path stats the name first, and a NUL byte in it raised ValueError.
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
) -> None:
    """Export every task, or those a filter expression selects in any status, as `todo list`
    reads it, @NAME views too: `todo export project:home -f todotxt` (JSON is lossless;
    Taskwarrior, todotxt and iCalendar VTODO for other tools). The context does not apply."""
    svc = service()
    words, _ = scoping.scoped(svc, expression, use_context=False)
    flt = TaskFilter(status="all", sort="id")
    if words:
        from core.filterlang.args import join_args

        flt = replace(flt, expression=join_args(words))
    text = svc.export(format.value, flt)
    if format is Format.json:
        text = json_safe(text)  # the same JSON, without raw C1 controls a terminal obeys
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        if sys.stdout.isatty():  # a terminal shows stored text, it must not obey it
            text = visible(text, multiline=True)
        sys.stdout.write(text)
    else:
        from pathlib import Path  # a file only: pathlib costs a plain export ~2 ms

        _write(Path(output), text)


class ImportFormat(StrEnum):
    json = "json"
    taskwarrior = "taskwarrior"
    todotxt = "todotxt"
    ical = "ical"


def import_(
    file: Annotated[str, typer.Argument(help="A file, or - for standard input.")],
    format: Annotated[
        ImportFormat | None,
        typer.Option("--format", "-f", help="The file's format (default: detected)."),
    ] = None,
) -> None:
    """Import our JSON, Taskwarrior `task export` JSON, todo.txt or iCalendar.

    The format is detected; a file that is not clearly one of them is refused unless
    --format names one. Tasks already imported (same uuid) are skipped, so importing twice
    duplicates nothing.
    """
    from pathlib import Path

    text = _read(Path(file))
    # ImportFormat's values are core.formats.Format's names, one for one.
    fmt: FormatName | None = None if format is None else format.value
    svc = service()
    if sys.stderr.isatty():
        with typer.progressbar(length=1, label="Importing", file=sys.stderr) as bar:
            state = {"done": 0}

            def progress(n: int, total: int) -> None:
                bar.length = total
                bar.update(n - state["done"])
                state["done"] = n

            result = svc.import_text(text, progress, fmt)
    else:
        result = svc.import_text(text, fmt=fmt)
    out = render.Out()
    out.line(
        f"Imported {len(result.added)} task{'s' if len(result.added) != 1 else ''} "
        f"({result.format}); {result.skipped} already present"
    )
    if result.kept_summary:
        out.line(f"  {result.kept_summary} (see `todo show`)")


def _read(file: Path) -> str:
    _check_name(file, "file")
    stdin = str(file) == "-"
    name = "standard input" if stdin else str(file)
    try:
        raw = sys.stdin.buffer.read() if stdin else file.read_bytes()
    except FileNotFoundError:
        raise BadInput(f"no such file: {file}") from None
    except OSError as exc:
        raise BadInput(f"cannot read {name}: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _write(output: Path, text: str) -> None:
    _check_name(output, "--output")
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise BadInput(f"cannot write --output {output}: {reason}") from None


def _check_name(path: Path, what: str) -> None:
    # The OS cannot name such a file; Python says so with ValueError, which is no OSError.
    if "\x00" in str(path):
        raise BadInput(f"{what}: a file name cannot hold a NUL byte")


def register(app: typer.Typer) -> None:
    """Attach these commands to the root app."""
    app.command()(export)
    app.command("import")(import_)
