"""Saved views and the context in the words of `todo list`, `count` and `export`: `@NAME`
stands for view NAME's expression, and the context is and-ed in front of what was typed.

Typer-free: the plain `todo list` / `count` / `add` (todo_cli/plain.py) run through here too.
The filter language is imported only when a view or a context is in play.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.service import TaskService
    from core.usecases.views import SavedView

Lookup = Callable[[str], str]


def expand_views(words: list[str] | None, lookup: Lookup) -> list[str] | None:
    """`words` with each `@NAME` (a word of its own, maybe inside brackets) replaced by
    `(EXPRESSION)` of that view; `lookup` raises for an unknown name."""
    if not words or not any("@" in word for word in words):
        return words
    return [" ".join(_expanded(piece, lookup) for piece in word.split(" ")) for word in words]


def _expanded(piece: str, lookup: Lookup) -> str:
    core = piece.lstrip("(").rstrip(")")
    if len(core) < 2 or core[0] != "@":
        return piece
    start = piece.index("@")
    return f"{piece[:start]}({lookup(core[1:])}){piece[start + len(core):]}"


def scoped(svc: TaskService, words: list[str] | None,
           use_context: bool = True) -> tuple[list[str] | None, SavedView | None]:
    """The words of an expression with views expanded and the context (if `use_context` and
    one is set) in front, `(CONTEXT) (WORDS)`; and that context."""
    if words and any("@" in word for word in words):
        words = expand_views(words, lambda name: svc.views.get(name).expression)
    context = svc.views.context() if use_context else None
    if context is None:
        return words, None
    typed = ["(", *words, ")"] if words else []
    return [f"({context.expression})", *typed], context


def header(context: SavedView) -> str:
    """The line `list` prints above its table on a terminal."""
    return f"context: {context.name} ({context.expression})"


def context_fields(svc: TaskService) -> tuple[str | None, tuple[str, ...]]:
    """The project and tags the context gives every add (None, () without a context)."""
    context = svc.views.context()
    if context is None:
        return None, ()
    from core.usecases.views import context_fields as fields

    return fields(context.expression)
