"""The TUI marks a blocked task in the marker column, without moving the other marks."""

from __future__ import annotations

import itertools

from rich.cells import cell_len

from todo_cli.tui.widgets.task_table import _MARK_W, BLOCKED, _marks


def test_the_blocked_mark_takes_the_last_cell_of_every_marker_combination() -> None:
    for recurring, reminder in itertools.product((False, True), repeat=2):
        plain, blocked = _marks(recurring, reminder, False), _marks(recurring, reminder, True)
        assert cell_len(blocked) == cell_len(plain) == _MARK_W
        assert blocked.endswith(BLOCKED) and not plain.endswith(BLOCKED)
        assert blocked[:-1] == plain[:-1]
