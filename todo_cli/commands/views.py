"""Saved views (`todo view save|list|rm`) and the context (`todo context [NAME|none]`)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from core.text import visible
from core.usecases.views import SavedView
from todo_cli import render, render_json, scoping
from todo_cli.commands.options import Json
from todo_cli.context import service

app = typer.Typer(help="Saved views: named filter expressions, run with `todo list @NAME`.",
                  rich_markup_mode=None)

Name = Annotated[str, typer.Argument(help="The view's name (letters, digits, '-', '_', '.').",
                                     show_default=False)]


# It has no options but --help: a `-tag` term is a term, not an unknown option.
@app.command(context_settings={"ignore_unknown_options": True})
def save(
    name: Name,
    expression: Annotated[list[str], typer.Argument(
        help="The filter expression, as `todo list` takes it; @OTHER is inlined.",
        show_default=False)],
) -> None:
    """Save a filter expression as a view: `todo view save garden project:home/garden -later`.
    It is stored normalised; saving a name again replaces that view. Options such as --tag
    are not taken: write them as expression terms (+tag, p:h, due.before:fri, status:all)."""
    svc = service()
    words, _ = scoping.scoped(svc, expression, use_context=False)
    from core.filterlang.args import join_args

    view = svc.views.save(name, join_args(words or []))
    render.Out().line(f"Saved view {_shown(view)}")


@app.command("list")
def list_views(json: Json = False) -> None:
    """The saved views and their expressions; the context is marked with '*'."""
    svc = service()
    views, context = svc.views.saved(), svc.views.context()
    active = None if context is None else context.name
    if json:
        render_json.emit([_as_json(v, v.name == active) for v in views])
        return
    out = render.Out()
    if not views:
        out.line("No saved views (save one with `todo view save NAME FILTER`).")
    for view in views:
        mark = "*" if view.name == active else " "
        out.line(f"{mark} {visible(view.name)}  {visible(view.expression)}")


@app.command()
def rm(name: Name) -> None:
    """Delete a saved view (if it was the context, there is no context any more)."""
    view = service().views.remove(name)
    render.Out().line(f"Removed view {_shown(view)}")


def context(
    name: Annotated[str | None, typer.Argument(
        help="A saved view to make the context, or 'none' to clear it.",
        show_default=False)] = None,
    json: Json = False,
) -> None:
    """Show or set the context: a saved view and-ed with every `list`, `count` and TUI
    session, whose project and +tags every `add` is given: `todo context work`,
    `todo context none`, `todo context`."""
    views = service().views
    view = views.context() if name is None else views.set_context(name)
    if json:
        render_json.emit(None if view is None else _as_json(view, True))
    elif view is None:
        render.Out().line("No context" if name is None else "Context cleared")
    else:
        render.Out().line(f"Context: {_shown(view)}")


def _shown(view: SavedView) -> str:
    return visible(f"{view.name} ({view.expression})")


def _as_json(view: SavedView, active: bool) -> dict[str, Any]:
    return {"name": view.name, "expression": view.expression, "context": active}


def register(target: typer.Typer) -> None:
    """Attach the `view` group and the `context` command to the root app."""
    target.add_typer(app, name="view")
    target.command("context")(context)
