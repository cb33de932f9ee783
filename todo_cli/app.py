"""The root Typer app: command registration and error handling at the edge."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import click
import typer
from typer.core import TyperGroup

from todo_cli import __version__, context, edge, render


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
        from todo_cli.commands import tasks, tui

        if tui.on_a_terminal():
            tui.tui()
        else:
            tasks.show_today()


def _tui(target: typer.Typer) -> None:
    from todo_cli.commands import tui

    target.command()(tui.tui)


def _tags(target: typer.Typer) -> None:
    from todo_cli.commands import tags

    target.add_typer(tags.app, name="tags")


def _config(target: typer.Typer) -> None:
    from todo_cli.commands import config

    target.add_typer(config.app, name="config")


Registrar = Callable[[typer.Typer], None]


def _module(name: str) -> Registrar:
    """The `register` of todo_cli.commands.NAME, imported when it is called."""

    def register(target: typer.Typer) -> None:
        importlib.import_module(f"todo_cli.commands.{name}").register(target)

    register.__qualname__ = f"{name}.register"
    return register


# Each registrar with the names it adds, so `todo NAME` imports only the module that owns
# NAME (~2 ms for the others); tests/cli/test_dispatch.py holds each tuple to what the
# registrar really adds. The order is the order of `todo --help`.
REGISTRARS: tuple[tuple[Registrar, tuple[str, ...]], ...] = (
    (_module("tasks"),
     ("add", "list", "ls", "count", "show", "edit", "done", "reopen", "rm", "restore")),
    (_tui, ("tui",)),
    (_module("recurrence"), ("recur", "skip")),
    (_module("reminders"), ("remind", "reminders", "snooze", "dismiss")),
    (_module("history"), ("history", "undo")),
    (_module("worker"), ("worker", "audit")),
    (_module("transfer"), ("export", "import")),
    (_module("chat"), ("chat", "mcp")),
    (_tags, ("tags",)),
    (_config, ("config",)),
    (_module("doctor"), ("doctor",)),
    (_module("db"), ("db",)),
    (_module("reports"), ("report",)),
    (_module("projects"), ("projects",)),
    (_module("views"), ("view", "context")),
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


def names_added(registrar: Registrar) -> set[str]:
    """The command and group names one registrar adds (registering is cheap: Typer builds
    the Click commands only when the app runs)."""
    scratch = typer.Typer()
    registrar(scratch)
    commands = {name for c in scratch.registered_commands if (name := _command_name(c))}
    return commands | {g.name for g in scratch.registered_groups if g.name}


def _command_name(command: typer.models.CommandInfo) -> str | None:
    if command.callback is None:
        return command.name
    return command.name or typer.main.get_command_name(command.callback.__name__)


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app to run for these arguments: with only the command named first (imported
    from the one module that owns it), else (help, completion, no command, an option first)
    all of them.

    Typer turns every registered function into a Click command on each run, ~1 ms each;
    a command only needs its own.
    """
    if args and not args[0].startswith("-"):
        owner = next((r for r, names in REGISTRARS if args[0] in names), None)
        if owner is not None:
            minimal = _new_app()
            owner(minimal)
            _keep_only(minimal, args[0])
            return minimal
    return __getattr__("app")


def _keep_only(target: typer.Typer, name: str) -> None:
    """Drop the registrar's other commands (groups stay whole: a group is one name)."""
    target.registered_commands = [
        c for c in target.registered_commands if _command_name(c) == name
    ]


_everything: typer.Typer | None = None


def __getattr__(name: str) -> typer.Typer:
    """`app`: every command, built on first use; what tests, help and shell completion see."""
    global _everything
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _everything is None:
        _everything = _new_app()
        for registrar, _names in REGISTRARS:
            registrar(_everything)
    return _everything
