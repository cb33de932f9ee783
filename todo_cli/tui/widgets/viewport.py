"""Lists that scroll themselves: the part the task table and the sidebar share.

Not ScrollViews: Textual treats a ScrollView's scroll as a layout change and repaints the
whole screen on every step. These keep the first row shown (`top`) and repaint themselves.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget

WHEEL_ROWS = 3
"""Rows one notch of the mouse wheel scrolls."""


class RowView(Widget):
    """Rows from `top` down; subclasses say how many rows there are and how many fit."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.top = 0
        """The row shown first."""

    def row_count(self) -> int:
        """How many rows there are."""
        raise NotImplementedError

    def rows_shown(self) -> int:
        """How many rows fit."""
        raise NotImplementedError

    def _show_from(self, top: int) -> bool:
        """Show row `top` first (kept so the rows fill the view); True when the view moved."""
        top = max(0, min(top, self.row_count() - self.rows_shown()))
        if top == self.top:
            return False
        self.top = top
        self.refresh()
        return True

    def _show_row(self, row: int) -> bool:
        """Scroll the least that brings `row` into view; True when the view moved."""
        return self._show_from(min(max(self.top, row - self.rows_shown() + 1), row))

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        event.stop()
        self._show_from(self.top + WHEEL_ROWS)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        event.stop()
        self._show_from(self.top - WHEEL_ROWS)
