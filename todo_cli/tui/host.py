"""What the action mixins (todo_cli/tui/actions.py) use of the app they are mixed into, for
the type checker only: at run time they are plain classes and `TodoApp` provides it all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App

from core.selection import SortKey
from todo_cli.tui.backend import Backend
from todo_cli.tui.tickets import InOrder
from todo_cli.tui.widgets.task_table import TaskTable


class Host(App[None]):
    """The app as the mixins see it."""

    backend: Backend
    sort: SortKey
    _writes: InOrder
    cursor_blink: bool

    @property
    def table(self) -> TaskTable:
        """The task table."""
        raise NotImplementedError

    def _write(self, call: Callable[[], Any], say: Callable[[Any], str]) -> None:
        raise NotImplementedError

    def _update_title(self, count: int | None) -> None:
        raise NotImplementedError

    def poll(self) -> None:
        """Ask the log what changed."""
        raise NotImplementedError

    def reload(self) -> None:
        """Read the current view again."""
        raise NotImplementedError
