"""The Reports screen, on `r`: the charts of `todo report`, drawn by the same renderer.

The numbers are read in a thread worker, like every core call of the TUI; `r` again reloads
them, Esc or q goes back to the tasks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from core.errors import TodoError
from todo_cli import render_charts

if TYPE_CHECKING:
    from todo_cli.tui.backend import Backend, Reports


class ReportsScreen(Screen[None]):
    """Summary per project, burndown, this month's calendar and completions, scrolled."""

    DEFAULT_CSS = """
    ReportsScreen > VerticalScroll { padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, backend: Backend) -> None:
        super().__init__()
        self.backend = backend
        self.reports: Reports | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text("Reading the reports…"), id="charts")
        yield Footer()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        """Read the numbers again (off the UI thread)."""
        self._read()

    @work(thread=True, exclusive=True)
    def _read(self) -> None:
        try:
            reports = self.backend.reports()
        except TodoError as exc:
            self.app.call_from_thread(self.notify, exc.message, severity="error")
            return
        self.app.call_from_thread(self._show, reports)

    def _show(self, reports: Reports) -> None:
        self.reports = reports
        self.query_one("#charts", Static).update(self.pictures(reports))

    def on_resize(self) -> None:
        """Redraw the charts to the new width (the numbers stay)."""
        if self.reports is not None:
            self._show(self.reports)

    def pictures(self, reports: Reports) -> RenderableType:
        """The four charts, one under the other, fitted to the screen's width."""
        width = max(40, self.size.width - 4)
        today = self.backend.now().date()
        return Group(
            render_charts.summary(reports.summary), Text(""),
            render_charts.burndown(reports.burndown, width), Text(""),
            render_charts.calendar(reports.calendar, width, today=today), Text(""),
            render_charts.done(reports.done, width),
        )

    def action_close(self) -> None:
        self.dismiss(None)
