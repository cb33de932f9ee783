"""Projects: the tree with pending counts, and renaming (moving) one."""

from __future__ import annotations

from typing import Annotated

import typer

from core.errors import BadInput
from todo_cli import render, render_projects
from todo_cli.commands.options import Json
from todo_cli.context import service

app = typer.Typer(help="Projects and how many pending tasks each holds.", rich_markup_mode=None)


@app.callback(invoke_without_command=True)
def projects(ctx: typer.Context, json: Json = False) -> None:
    """The project tree, with the pending tasks of each project (and, in brackets, of it and
    its sub-projects)."""
    if ctx.invoked_subcommand is not None:
        if json:
            raise BadInput(f"--json: `projects {ctx.invoked_subcommand}` has no JSON output")
        return
    roots = service().project_tree()
    if json:
        render_projects.tree_json(roots)
    else:
        render_projects.tree(roots)


@app.command()
def rename(
    old: Annotated[str, typer.Argument(help="The project to move, e.g. 'garden'.")],
    new: Annotated[str, typer.Argument(help="Its new path, e.g. 'home/garden' (merged if it exists).")],
) -> None:
    """Rename or move a project with its sub-projects and tasks; `todo undo` reverts it all."""
    changed = service().rename_project(old, new)
    noun = "task" if len(changed) == 1 else "tasks"
    render.Out().line(f"Moved {len(changed)} {noun} to {render_projects.shown(new)}")


def register(target: typer.Typer) -> None:
    """Attach the `projects` group to the root app."""
    target.add_typer(app, name="projects")
