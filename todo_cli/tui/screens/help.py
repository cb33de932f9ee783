"""The key bindings, on `?`."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str], ...] = (
    ("a", "quick add (with a live preview)"),
    ("e / Enter / double click", "edit the task (every field)"),
    ("space / x", "complete / reopen"),
    ("d", "delete (asks first)"),
    ("u", "undo the last change"),
    ("+ / -", "priority up / down"),
    ("s", "cycle the sort: due, priority, urgency, created, title, id"),
    ("/", "filter: words to search, or `todo list` options (--tag work -p high)"),
    ("r", "reports: summary, burndown, this month, completions (r reloads, Esc back)"),
    ("c", "chat with the agent (asks before deletes and bulk changes); Esc back"),
    ("Esc", "clear the filter, close a bar or a modal"),
    ("↑ ↓ j k, PgUp PgDn, g G", "move"),
    ("Tab", "sidebar ⇄ table"),
    ("ctrl+p", "command palette (themes, all commands)"),
    ("?", "this help"),
    ("q", "quit"),
)
"""The bindings as the help screen and the README list them."""


class HelpScreen(ModalScreen[None]):
    """A table of the key bindings; any of Esc, q, ? closes it."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; height: auto; max-height: 90%; border: thick $primary 60%;
        background: $surface; padding: 1 2;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, what)
        with VerticalScroll():
            yield Static("[b]todo[/b] keys", markup=True)
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
