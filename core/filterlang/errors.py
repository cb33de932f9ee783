"""Filter syntax errors that point at the column where the expression went wrong."""

from __future__ import annotations

from core.errors import BadFilter


def bad_filter(expression: str, pos: int, problem: str) -> BadFilter:
    """A BadFilter (BadInput, exit 2) naming column `pos` (0-based) and, as its pointer, the
    expression with a caret under that column:

        error: bad filter: expected a filter after 'or', at the end (column 6)
          +a or
               ^
    """
    # Whitespace of any kind shown as one space, so the caret stays under its character.
    line = "".join(" " if c.isspace() else c for c in expression)
    caret = " " * max(0, min(pos, len(line))) + "^"
    return BadFilter(f"bad filter: {problem} (column {pos + 1})", f"{line}\n{caret}")
