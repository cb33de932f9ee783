"""The TUI follows the clock: as a task's due time passes or the day changes, the sidebar's
counts and the clock-relative views (Today, Overdue, Upcoming) change with no key pressed.

The app and the service share the settable test clock; the app's own timer notices the
minute change (nothing here calls into the app by hand).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from textual.pilot import Pilot

from core.service import TaskService
from tests.conftest import BERLIN, Clock
from tests.tui.conftest import SIZE, MakeApp, settle, titles
from todo_cli.tui.app import TodoApp
from todo_cli.tui.widgets.sidebar import Sidebar

pytestmark = pytest.mark.asyncio


def counts(app: TodoApp) -> dict[str, int]:
    """What the sidebar shows next to each fixed view."""
    shown = {o.id: o.prompt.split()[-1] for o in app.query_one(Sidebar).options}
    return {k: int(v) for k, v in shown.items() if v.isdigit() and not k.startswith("tag:")}


async def wait_for(pilot: Pilot[None], check: object, timeout: float = 5.0) -> None:
    """Let the app run (its timers included) until `check()` holds."""
    assert callable(check)
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        assert asyncio.get_running_loop().time() < deadline, "the app did not catch up"
        await pilot.pause(0.05)
    await settle(pilot)


async def test_overdue_and_today_counts_follow_the_clock(
    make_app: MakeApp, service: TaskService, clock: Clock
) -> None:
    # Sunday 2026-11-22 10:00 in Berlin.
    service.add_text("stand-up today at 10:30")
    service.add_text("call mum tomorrow at 18:00")
    service.add_text("renew passport 2026-11-20")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = counts(app)
        assert (before["today"], before["overdue"]) == (2, 1)

        clock.now = datetime(2026, 11, 22, 10, 31, tzinfo=BERLIN)  # the stand-up is late
        await wait_for(pilot, lambda: counts(app)["overdue"] == 2)
        assert counts(app)["today"] == 2

        clock.now = datetime(2026, 11, 23, 0, 1, tzinfo=BERLIN)  # a new day: mum is today
        await wait_for(pilot, lambda: counts(app)["today"] == 3)
        assert titles(app) == ["renew passport", "stand-up", "call mum"]  # Today, reloaded
        assert counts(app)["overdue"] == 2


async def test_the_overdue_view_takes_a_task_whose_time_passed(
    make_app: MakeApp, service: TaskService, clock: Clock
) -> None:
    service.add_text("stand-up today at 10:30")
    service.add_text("renew passport 2026-11-20")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 2  # Overdue
        await settle(pilot)
        assert titles(app) == ["renew passport"]
        clock.now = datetime(2026, 11, 22, 10, 31, tzinfo=BERLIN)
        await wait_for(pilot, lambda: titles(app) == ["renew passport", "stand-up"])
