"""The root Typer app: command registration and error handling at the edge."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from config.settings import SettingsError
from core.errors import TodoError
from todo_cli import __version__, context, render
from todo_cli.commands import (
    chat,
    history,
    recurrence,
    reminders,
    tags,
    tasks,
    transfer,
    tui,
    worker,
)
from todo_cli.commands import config as config_cmd


class TodoGroup(TyperGroup):
    """Turns the core's errors into a message on stderr and the error's exit code."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except TodoError as exc:
            render.error(exc.message)
            raise typer.Exit(exc.exit_code) from None
        except SettingsError as exc:
            render.error(str(exc))
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=TodoGroup,
    help="A fast task manager for the terminal.",
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"todo {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
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


tasks.register(app)
app.command()(tui.tui)
recurrence.register(app)
reminders.register(app)
history.register(app)
worker.register(app)
transfer.register(app)
chat.register(app)
app.add_typer(tags.app, name="tags")
app.add_typer(config_cmd.app, name="config")
