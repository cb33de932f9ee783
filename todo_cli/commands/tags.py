"""Tags: counts and renaming."""

from __future__ import annotations

from typing import Annotated

import typer

from todo_cli import render
from todo_cli.context import service

app = typer.Typer(help="Tags and how many pending tasks carry each.", rich_markup_mode=None)


@app.callback(invoke_without_command=True)
def tags(ctx: typer.Context) -> None:
    """List tags with the number of pending tasks carrying each."""
    if ctx.invoked_subcommand is None:
        render.tag_counts(service().tags())


@app.command()
def rename(
    old: Annotated[str, typer.Argument(help="The tag to rename.")],
    new: Annotated[str, typer.Argument(help="Its new name (merged if it exists).")],
) -> None:
    """Rename a tag on every task that carries it."""
    changed = service().rename_tag(old, new)
    render.Out().line(f"Renamed #{old.lstrip('#+').lower()} to #{new.lstrip('#+').lower()} "
                      f"on {len(changed)} task{'s' if len(changed) != 1 else ''}")
