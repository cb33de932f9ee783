"""A tree written back as expression text that parses to the same tree: for saved views, the
TUI's filter line and the agent, which show or store what a filter means."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.filterlang import tree as t

_KEYWORDS = frozenset({"and", "or", "not"})
_SPECIAL = frozenset('()"')


def to_text(node: t.Node) -> str:
    """`node` as expression text; `parse(to_text(node)) == node` (a phrase or value holding a
    double quote cannot be written, and raises ValueError)."""
    return _WRITERS[type(node)](node)


def _child(node: t.Node) -> str:
    # Every compound inside another is bracketed, so the parse keeps the same nesting.
    text = to_text(node)
    return f"({text})" if isinstance(node, t.And | t.Or) else text


def _not(node: t.Not) -> str:
    if isinstance(node.item, t.Tag):
        return f"-{node.item.name}"
    return f"not {_child(node.item)}"


def _value(text: str) -> str:
    if '"' in text:
        raise ValueError(f"a filter value cannot hold a double quote: {text!r}")
    plain = text and not any(c.isspace() or c in _SPECIAL for c in text)
    return text if plain else f'"{text}"'


def _text(node: t.Text) -> str:
    word = node.text
    bare = (_value(word) == word and word.lower() not in _KEYWORDS and word[0] not in "+-"
            and ":" not in word)
    return word if bare else f'"{word}"'


def _day_range(node: t.DayRange) -> str:
    key = node.field if node.op == "on" else f"{node.field}.{node.op}"
    return f"{key}:{_value(node.word)}"


_WRITERS: dict[type, Callable[[Any], str]] = {
    t.Everything: lambda node: "",
    t.Tag: lambda node: f"+{node.name}",
    t.Project: lambda node: f"project:{_value(node.path)}",
    t.PriorityIs: lambda node: f"p:{node.priority.value}",
    t.StatusIs: lambda node: f"status:{node.status}",
    t.DayRange: _day_range,
    t.Is: lambda node: f"is:{node.what}",
    t.Has: lambda node: f"has:{node.what}",
    t.Text: _text,
    t.Not: _not,
    t.And: lambda node: " ".join(_child(item) for item in node.items),
    t.Or: lambda node: " or ".join(_child(item) for item in node.items),
}
