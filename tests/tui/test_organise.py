"""Issue 15 in the TUI, on SQLite and PostgreSQL: the edit form's project, wait, scheduled
and until fields land in the database; a bad date is shown in the form and nothing is
saved; rows show the project."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from textual.pilot import Pilot

from core.service import TaskService
from services import opener
from tests.conftest import BERLIN, Clock, make_settings
from tests.tui.conftest import SIZE, build, settle
from todo_cli.tui.app import TodoApp
from todo_cli.tui.screens.edit import EditScreen
from todo_cli.tui.widgets.sidebar import Sidebar
from todo_cli.tui.widgets.task_table import TaskTable

pytestmark = pytest.mark.asyncio


@pytest.fixture
def svc(db_url: str, clock: Clock) -> Iterator[TaskService]:
    """The service `todo tui` opens, on each store in turn."""
    service = opener.open_service(make_settings(db_url), clock=clock)
    yield service
    service.close()


def _app(svc: TaskService, db_url: str, clock: Clock) -> TodoApp:
    return build(svc, make_settings(db_url), clock)


async def _editor(pilot: Pilot[None], app: TodoApp, title: str) -> EditScreen:
    """The edit form of the task titled `title`, opened from the All view with `e`."""
    await settle(pilot)
    app.query_one(Sidebar).highlighted = 3  # All
    await settle(pilot)
    table = app.query_one(TaskTable)
    table.cursor = [t.title for t in table.tasks].index(title)
    await pilot.press("e")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, EditScreen)
    return screen


def _type(screen: EditScreen, **fields: str) -> None:
    for name, text in fields.items():
        screen.query_one(f"#edit-{name}").value = text  # type: ignore[attr-defined]


async def test_edit_sets_project_and_dates(svc: TaskService, db_url: str, clock: Clock) -> None:
    svc.add_text("paint the shed")
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot, app, "paint the shed")
        _type(screen, project="home/garden", wait="tue", scheduled="wed 9am", until="dec 31")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EditScreen)
    task = svc.get(1)
    assert task.project == "home/garden"
    assert task.wait == datetime(2026, 11, 24, 0, 0, tzinfo=BERLIN)
    assert task.scheduled == datetime(2026, 11, 25, 9, 0, tzinfo=BERLIN)
    assert task.until == datetime(2027, 1, 1, 0, 0, tzinfo=BERLIN)  # the end of Dec 31


async def test_edit_shows_then_clears_the_fields(
    svc: TaskService, db_url: str, clock: Clock
) -> None:
    svc.add_text("paint the shed project:home wait:2026-11-20 scheduled:wed until:2026-12-31")
    before = svc.get(1)
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot, app, "paint the shed")
        shown = {n: screen.query_one(f"#edit-{n}").value  # type: ignore[attr-defined]
                 for n in ("project", "wait", "scheduled", "until")}
        assert shown == {"project": "home", "wait": "2026-11-20", "scheduled": "2026-11-25",
                         "until": "2026-12-31"}
        await pilot.press("ctrl+s")  # untouched: nothing changes, the form closes
        await settle(pilot)
        assert not isinstance(app.screen, EditScreen)
        assert svc.get(1) == before
        screen = await _editor(pilot, app, "paint the shed")
        _type(screen, project="", wait="none", scheduled="", until="never")
        await pilot.press("ctrl+s")
        await settle(pilot)
    task = svc.get(1)
    assert (task.project, task.wait, task.scheduled, task.until) == (None, None, None, None)


async def test_a_bad_date_is_shown_and_nothing_is_saved(
    svc: TaskService, db_url: str, clock: Clock
) -> None:
    svc.add_text("paint the shed")
    before = svc.get(1)
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot, app, "paint the shed")
        _type(screen, title="paint it", project="home", wait="tue", scheduled="feb 30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # still open
        error = str(screen.query_one("#edit-error").render())
        assert error.startswith("Scheduled:") and "feb 30" in error
        _type(screen, scheduled="", until="someday soon")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(screen.query_one("#edit-error").render()).startswith("Until:")
        await pilot.press("escape")
        await settle(pilot)
    assert svc.get(1) == before


async def test_a_bad_project_is_shown_and_nothing_is_saved(
    svc: TaskService, db_url: str, clock: Clock
) -> None:
    svc.add_text("paint the shed")
    before = svc.get(1)
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot, app, "paint the shed")
        _type(screen, title="paint it", project="home//garden", wait="tue")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "home//garden" in str(screen.query_one("#edit-error").render())
        await pilot.press("escape")
        await settle(pilot)
    assert svc.get(1) == before


def _line(table: TaskTable, title: str) -> str:
    """The text the table draws for the task titled `title`."""
    row = [t.title for t in table.tasks].index(title)
    table.top = 0
    return "".join(s.text for s in table.render_line(row + 1))


async def test_rows_show_the_project_dim_before_the_title(
    svc: TaskService, db_url: str, clock: Clock
) -> None:
    svc.add_text("paint the shed project:home/garden #diy")
    svc.add_text("read a book")
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        table = app.query_one(TaskTable)
        assert "  home/garden paint the shed #diy " in _line(table, "paint the shed")
        assert "  read a book " in _line(table, "read a book")
        rows = [t.title for t in table.tasks]
        table.cursor = rows.index("read a book")  # the cursor's look would cover the row's
        styles = {s.text: s.style for s in table.render_line(1 + rows.index("paint the shed"))}
        assert styles["home/garden "] == table.get_component_rich_style("task-table--project")
