"""Saved views and the context in the words of `todo list`, `count` and `export`: `@NAME`
stands for view NAME's expression, and the context is and-ed in front of what was typed.

The scoping itself is core's (core.usecases.views: `Views.scoped`, `Views.add_fields`), shared
with the agent; this module keeps the CLI's entry points and its rendering (`header`).
Typer-free: the plain `todo list` / `count` / `add` (todo_cli/plain.py) run through here too.
The filter language is imported only when a view or a context is in play.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.service import TaskService
    from core.usecases.views import SavedView


def scoped(svc: TaskService, words: list[str] | None,
           use_context: bool = True) -> tuple[list[str] | None, SavedView | None]:
    """The words of an expression with views expanded and the context (if `use_context` and
    one is set) in front, `(CONTEXT) (WORDS)`; and that context."""
    if not words and not use_context:
        return words, None  # nothing to expand: a plain export loads no view code
    return svc.views.scoped(words, use_context)


def header(context: SavedView) -> str:
    """The line `list` prints above its table on a terminal."""
    return f"context: {context.name} ({context.expression})"


def context_fields(svc: TaskService) -> tuple[str | None, tuple[str, ...]]:
    """The project and tags the context gives every add (None, () without a context)."""
    return svc.views.add_fields()
