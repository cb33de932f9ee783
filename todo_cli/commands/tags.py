"""Tags: counts and renaming."""

from __future__ import annotations

from typing import Annotated

import typer

from core.errors import BadInput
from todo_cli import render, render_json
from todo_cli.commands.options import Json
from todo_cli.context import service

app = typer.Typer(help="Tags and how many pending tasks carry each.", rich_markup_mode=None)


@app.callback(invoke_without_command=True)
def tags(ctx: typer.Context, json: Json = False) -> None:
    """List tags with the number of pending tasks carrying each."""
    if ctx.invoked_subcommand is not None:
        if json:
            raise BadInput(f"--json: `tags {ctx.invoked_subcommand}` has no JSON output")
        return
    rows = service().tags()
    if json:
        render_json.tag_counts(rows)
    else:
        render.tag_counts(rows)


@app.command()
def rename(
    old: Annotated[str, typer.Argument(help="The tag to rename.")],
    new: Annotated[str, typer.Argument(help="Its new name (merged if it exists).")],
) -> None:
    """Rename a tag on every task that carries it."""
    changed = service().rename_tag(old, new)
    render.Out().line(f"Renamed #{old.lstrip('#+').lower()} to #{new.lstrip('#+').lower()} "
                      f"on {len(changed)} task{'s' if len(changed) != 1 else ''}")
