"""The TUI's writes through core: the edit modal saves in line with every other write (the
write tickets), and a recurring task completed in the TUI gets exactly one next instance,
made by the service's after-commit hook (the app never runs the consumers itself)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from config.settings import Settings
from core import Priority, Status, TaskFilter
from core.service import TaskService
from tests.tui.conftest import SIZE, MakeApp, seed, settle
from todo_cli.tui.screens.edit import EditScreen
from todo_cli.tui.widgets.sidebar import Sidebar
from todo_cli.tui.widgets.task_table import TaskTable

pytestmark = pytest.mark.asyncio
EVERYTHING = TaskFilter(status="all", sort="id")


@contextmanager
def database_locked(settings: Settings) -> Iterator[None]:
    """Another process's write transaction: the app's writes wait for it (busy timeout)."""
    other = sqlite3.connect(settings.database.url.removeprefix("sqlite:///"),
                            isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


async def test_an_edit_saved_while_writes_are_in_flight_lands_after_them(
    make_app: MakeApp, service: TaskService, settings: Settings
) -> None:
    service.add_text("x today")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditScreen)
        with database_locked(settings):
            # Two `+` in line before the save: the first waits on the database holding the
            # backend, the second waits for its turn. Raising from none: low, then medium.
            app.action_priority(1)
            app.action_priority(1)
            await pilot.pause(0.3)
            screen.query_one("#edit-priority").value = Priority.LOW  # type: ignore[attr-defined]
            await pilot.press("ctrl+s")
            await pilot.pause(0.3)
            assert isinstance(app.screen, EditScreen)  # the save waits in line
        deadline = time.monotonic() + 15
        while isinstance(app.screen, EditScreen) and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert not isinstance(app.screen, EditScreen)
        await pilot.pause(0.5)  # whatever was still in line lands
        await settle(pilot)
    # In order: none -> low -> medium, then the edit's low. Out of order the save lands
    # between them (medium) or first (high).
    assert service.get(1).priority is Priority.LOW
    assert [e.changes["priority"]["new"] for e in service.history(1)[1:]] == [
        "low", "medium", "low"
    ]


async def test_a_recurring_task_completed_in_the_tui_gets_one_next_instance(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        table = app.query_one(TaskTable)
        table.cursor = [t.title for t in table.tasks].index("water plants")
        await pilot.press("x")
        await settle(pilot)
        shown = {t.id for t in app.query_one(TaskTable).tasks}
        table.cursor = [t.title for t in table.tasks].index("read a book")
        await pilot.press("plus")  # another write: the consumers run again, make nothing
        await settle(pilot)
    water = [(t.id, t.status) for t in service.list_tasks(EVERYTHING) if t.title == "water plants"]
    assert water == [(3, Status.COMPLETED), (7, Status.PENDING)]
    assert 7 in shown
    assert [e.type for e in service.history(7)] == ["todo.task.created"]
