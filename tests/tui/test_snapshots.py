"""Snapshots of the real app (the factory `todo tui` uses) on a fixed clock and terminal size.

Update after an intended change with `pytest tests/tui --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from core.service import TaskService
from tests.tui.conftest import SIZE, MakeApp, seed, settle
from todo_cli.tui.widgets.sidebar import Sidebar
from todo_cli.tui.widgets.task_table import TaskTable

Snap = Callable[..., bool]


def _on_all(*then: str) -> Callable[[Pilot[None]], Any]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        pilot.app.query_one(TaskTable).cursor = 1
        if then:
            await pilot.press(*then)
        await settle(pilot)

    return run_before


def test_main_view(snap_compare: Snap, make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_all())


def test_today_view(snap_compare: Snap, make_app: MakeApp, service: TaskService) -> None:
    seed(service)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    app = make_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_quick_add_preview(snap_compare: Snap, make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    text = "pay rent every month on the 1st at 9am remind me 1 day before #finance !high"
    app = make_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_all("a", *text))


def test_edit_modal(snap_compare: Snap, make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_all("e"))


def test_confirm_modal(snap_compare: Snap, make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_all("d"))
