"""Saved views (named filter expressions) and the context (the view applied to every list,
count and TUI session, whose project and tags every add is given), as Taskwarrior's contexts.

A view stores its expression normalised (core.filterlang.unparse.to_text of the parse), so
`todo view list` shows what it means and a date word stays a word ("due.before:fri" is the
coming Friday whenever the view runs).

Every plain `todo list`, `count` and `add` reads the context through here, so the filter
language is imported only where an expression is read, not with the module.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from core.errors import BadInput
from core.queries import views as rows
from core.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from core.selection import TaskFilter

Lookup = Callable[[str], str]
"""A view's expression by name (raising for an unknown one)."""

NAME_MAX = 64
RESERVED = frozenset({"none"})
"""`todo context none` clears the context, so no view may be called that."""


class SavedView(NamedTuple):
    """A named expression of the filter language.

    A NamedTuple: every command loads this class, and a dataclass costs ~0.5 ms to create.
    """

    name: str
    expression: str

    def filter(self) -> TaskFilter:
        """The tasks of the view: pending ones unless its expression names a status."""
        from core.filterlang import parse
        from core.filterlang.tree import mentions_status
        from core.selection import TaskFilter

        if mentions_status(parse(self.expression)):
            return TaskFilter(status="all", expression=self.expression)
        return TaskFilter(expression=self.expression)

    def add_fields(self) -> tuple[str | None, tuple[str, ...]]:
        """The project and tags this view, as the context, gives every add."""
        return context_fields(self.expression)


def check_name(name: str) -> str:
    """The view name, lowercased; BadInput unless it is 1 to 64 letters, digits, '-', '_'
    or '.', starting with a letter or digit, and not 'none'."""
    clean = name.strip().lower()
    if not clean or len(clean) > NAME_MAX or not clean[0].isalnum() or any(
            not (c.isalnum() or c in "-_.") for c in clean):
        raise BadInput(f"bad view name '{name}': use 1 to {NAME_MAX} letters, digits, '-', '_' "
                       f"or '.', starting with a letter or digit")
    if clean in RESERVED:
        raise BadInput(f"'{clean}' cannot name a view: `todo context none` clears the context")
    return clean


def normalised(expression: str) -> str:
    """The expression as the view stores it; BadInput (with a caret) if it does not parse,
    or if it is empty (a view of everything is `status:all`)."""
    from core.filterlang import parse
    from core.filterlang.tree import Everything

    node = parse(expression)
    if isinstance(node, Everything):
        raise BadInput("a view needs a filter, e.g. `todo view save work +work` "
                       "(every task: status:all)")
    from core.filterlang.unparse import to_text

    try:
        return to_text(node)
    except ValueError as exc:
        raise BadInput(str(exc)) from None


def context_fields(expression: str) -> tuple[str | None, tuple[str, ...]]:
    """The project and tags an add takes from a context: its positive top-level terms
    (`project:home +garden -later or ...` gives nothing; `project:home +garden p:h` gives
    home and garden)."""
    from core.filterlang import parse
    from core.filterlang import tree as t

    node = parse(expression)
    items = node.items if isinstance(node, t.And) else (node,)
    projects = [item.path for item in items if isinstance(item, t.Project)]
    tags = tuple(item.name for item in items if isinstance(item, t.Tag))
    return (projects[0] if len(projects) == 1 else None), tags


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


def in_context(context: SavedView, words: list[str] | None) -> list[str]:
    """The words of an expression with the context and-ed in front: `(CONTEXT) ( WORDS )`
    (the brackets keep an `or` typed from escaping the context)."""
    typed = ["(", *words, ")"] if words else []
    return [f"({context.expression})", *typed]


class Views:
    """The saved views and the context of one owner."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def saved(self) -> list[SavedView]:
        """Every saved view, by name."""
        with self.uow.store.read() as db:
            return [SavedView(*row) for row in rows.all_views(db, self.uow.owner)]

    def get(self, name: str) -> SavedView:
        """The view `name`; BadInput (exit 2) naming it if there is none."""
        clean = check_name(name)
        with self.uow.store.read() as db:
            text = rows.one_view(db, self.uow.owner, clean)
        if text is None:
            raise BadInput(f"no view named '{clean}' (see `todo view list`)")
        return SavedView(clean, text)

    def save(self, name: str, expression: str) -> SavedView:
        """Store `expression`, normalised, as view `name` (replacing one of that name)."""
        view = SavedView(check_name(name), normalised(expression))
        with self.uow.store.write() as db:
            rows.save_view(db, self.uow.owner, view.name, view.expression, self.uow.now())
        return view

    def remove(self, name: str) -> SavedView:
        """Delete view `name` (and end the context if it was the context)."""
        view = self.get(name)
        with self.uow.store.write() as db:
            rows.delete_view(db, self.uow.owner, view.name)
        return view

    def context(self) -> SavedView | None:
        """The active context, or None."""
        with self.uow.store.read() as db:
            found = rows.context(db, self.uow.owner)
        return None if found is None else SavedView(*found)

    def scoped(self, words: list[str] | None,
               use_context: bool = True) -> tuple[list[str] | None, SavedView | None]:
        """The words of an expression with views (`@NAME`) expanded and the context (if
        `use_context` and one is set) and-ed in front; and that context."""
        if words and any("@" in word for word in words):
            words = expand_views(words, lambda name: self.get(name).expression)
        return self.with_context(words) if use_context else (words, None)

    def with_context(self, words: list[str] | None) -> tuple[list[str] | None, SavedView | None]:
        """The words with the active context and-ed in front, and that context (the words
        unchanged and None without one)."""
        context = self.context()
        return (words, None) if context is None else (in_context(context, words), context)

    def add_fields(self) -> tuple[str | None, tuple[str, ...]]:
        """The project and tags the context gives every add (None, () without a context)."""
        context = self.context()
        return (None, ()) if context is None else context.add_fields()

    def set_context(self, name: str | None) -> SavedView | None:
        """Make view `name` the context (None or 'none': no context); the new context."""
        view = None if name is None or name.strip().lower() == "none" else self.get(name)
        with self.uow.store.write() as db:
            rows.set_context(db, self.uow.owner, None if view is None else view.name)
        return view
