"""The root Typer app: command registration and error handling at the edge."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from todo_cli import __version__, context, edge, render
from todo_cli.commands import (
    chat,
    db,
    doctor,
    history,
    recurrence,
    reminders,
    reports,
    tags,
    tasks,
    transfer,
    tui,
    worker,
)
from todo_cli.commands import config as config_cmd


class TodoGroup(TyperGroup):
    """Turns every error into one line on stderr and its exit code (see todo_cli/edge.py)."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        argv = kwargs.get("args", args[0] if args else None)
        problem = edge.undecodable(sys.argv[1:] if argv is None else list(argv))
        problem = problem or edge.undecodable_setting(os.environ)
        if problem is not None:
            render.error(problem)
            sys.exit(2)
        try:
            return super().main(*args, **kwargs)
        except Exception as exc:  # raised after the command, e.g. while closing the service
            if edge.debugging() and not edge.expected(exc):
                raise
            sys.exit(edge.report(exc))

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if edge.debugging() and not edge.expected(exc):
                raise
            raise typer.Exit(edge.report(exc)) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"todo {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """A fast task manager for the terminal. With no command: the TUI on a terminal, else what
    is due today or overdue."""
    context.begin(ctx)
    if ctx.invoked_subcommand is None:
        if tui.on_a_terminal():
            tui.tui()
        else:
            tasks.show_today()


def _tui(target: typer.Typer) -> None:
    target.command()(tui.tui)


def _tags(target: typer.Typer) -> None:
    target.add_typer(tags.app, name="tags")


def _config(target: typer.Typer) -> None:
    target.add_typer(config_cmd.app, name="config")


Registrar = Callable[[typer.Typer], None]
REGISTRARS: tuple[Registrar, ...] = (
    tasks.register, _tui, recurrence.register, reminders.register, history.register,
    worker.register, transfer.register, chat.register, _tags, _config, doctor.register,
    db.register, reports.register,
)


def _new_app() -> typer.Typer:
    new = typer.Typer(
        cls=TodoGroup,
        help="A fast task manager for the terminal.",
        no_args_is_help=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    new.callback(invoke_without_command=True)(root)
    return new


def _names(registrar: Registrar) -> set[str]:
    """The command and group names one registrar adds (registering is cheap: Typer builds
    the Click commands only when the app runs)."""
    scratch = typer.Typer()
    registrar(scratch)
    commands = {
        c.name or typer.main.get_command_name(c.callback.__name__)
        for c in scratch.registered_commands
        if c.callback is not None
    }
    return commands | {g.name for g in scratch.registered_groups if g.name}


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app to run for these arguments: with only the commands of the module that owns
    the command named first, else (help, completion, no command, an option first) all.

    Typer turns every registered function into a Click command on each run, ~15 ms for all
    of them; a command only needs its own.
    """
    if args and not args[0].startswith("-"):
        owner = next((r for r in REGISTRARS if args[0] in _names(r)), None)
        if owner is not None:
            minimal = _new_app()
            owner(minimal)
            return minimal
    return app


app = _new_app()
"""Every command: what tests, help and shell completion see."""
for _registrar in REGISTRARS:
    _registrar(app)
