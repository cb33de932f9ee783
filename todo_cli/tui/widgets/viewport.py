"""Which rows a list with a cursor shows: the arithmetic the table and the sidebar share."""

from __future__ import annotations

WHEEL_ROWS = 3
"""Rows one notch of the mouse wheel scrolls."""


def follow(top: int, cursor: int, rows: int) -> int:
    """The first row to show so that row `cursor` is in view, moving `top` the least."""
    return min(max(top, cursor - rows + 1), cursor)


def clamp(top: int, total: int, rows: int) -> int:
    """`top` kept in range: no empty lines under the list while it fills the view."""
    return max(0, min(top, total - rows))
