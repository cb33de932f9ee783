"""The Reports screen: `r` opens the charts of `todo report` over the app's own service."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import Static

from core.service import TaskService
from tests.conftest import complete
from tests.tui.conftest import SIZE, MakeApp, seed, settle
from todo_cli.tui.screens.help import KEYS
from todo_cli.tui.screens.reports import ReportsScreen

pytestmark = pytest.mark.asyncio


def _text(static: Static) -> str:
    out = io.StringIO()
    Console(file=out, width=96, color_system=None).print(static.content)
    return out.getvalue()


async def test_r_shows_the_four_reports_and_esc_goes_back(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)  # six tasks; "renew passport" is overdue, "pay rent" due today
    complete(service, [6])
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        shown = _text(app.screen.query_one("#charts", Static))
        summary = next(x for x in shown.splitlines() if x.startswith("(none)"))
        assert summary.split()[:4] == ["(none)", "5", "1", "0"]  # pending, this week, last
        assert "17%" in summary and summary.split()[-1] == "1"  # 1 of 6 done, 1 overdue
        assert "Pending tasks: 0 on 2026-11-09, 5 on 2026-11-22" in shown
        assert "November 2026" in shown and "22 (1)" in shown and "23 (2)" in shown
        assert "Completed per day since 2026-11-09: 1" in shown
        widest = max(len(line.rstrip()) for line in shown.splitlines())
        await pilot.resize_terminal(60, 30)
        await settle(pilot)
        narrow = _text(app.screen.query_one("#charts", Static))
        assert max(len(line.rstrip()) for line in narrow.splitlines()) < widest
        await pilot.press("escape")
        assert not isinstance(app.screen, ReportsScreen)


async def test_the_help_lists_the_reports_key() -> None:
    assert any(key == "r" and "reports" in what for key, what in KEYS)
