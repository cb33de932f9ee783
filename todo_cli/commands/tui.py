"""`todo tui`: the full-screen interface. Textual is imported only when it runs."""

from __future__ import annotations

import sys

from todo_cli.context import service, settings


def tui() -> None:
    """Open the full-screen TUI (also what `todo` alone does on a terminal)."""
    from todo_cli.tui import run

    run(service(), settings())


def on_a_terminal() -> bool:
    """True when a person is at a terminal: stdin and stdout are both TTYs."""
    return sys.stdin.isatty() and sys.stdout.isatty()
