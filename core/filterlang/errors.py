"""Filter syntax errors that point at the column where the expression went wrong."""

from __future__ import annotations

from core.errors import BadInput


def bad_filter(expression: str, pos: int, problem: str) -> BadInput:
    """A BadInput (exit 2) whose message shows `expression` with a caret under column `pos`:

        bad filter: expected a filter after 'or' (column 6)
          +a or
                ^
    """
    line = expression.replace("\n", " ")
    caret = " " * (2 + max(0, min(pos, len(line)))) + "^"
    return BadInput(f"bad filter: {problem} (column {pos + 1})\n  {line}\n{caret}")
