"""Issue 15 in the TUI, on SQLite and PostgreSQL: the edit form's project, wait, scheduled
and until fields land in the database; a bad date is shown in the form and nothing is
saved; rows show the project."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from textual.pilot import Pilot

from core import TaskFilter
from core.creation import TaskCreate
from core.service import TaskService
from services import opener
from tests.conftest import BERLIN, Clock, make_settings
from tests.tui.conftest import SIZE, build, settle
from todo_cli.tui.app import TodoApp
from todo_cli.tui.screens.edit import EditScreen
from todo_cli.tui.widgets.sidebar import Sidebar
from todo_cli.tui.widgets.task_table import BLOCKED, TaskTable

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


# -- parent and depends (the TaskUpdate/TaskCreate fields of the deps branch) ---------------


async def test_edit_sets_parent_and_depends(svc: TaskService, db_url: str, clock: Clock) -> None:
    for title in ("paint the shed", "buy paint", "sand the walls"):
        svc.add_text(title)
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot, app, "sand the walls")
        _type(screen, parent="1", depends="2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EditScreen)
        screen = await _editor(pilot, app, "paint the shed")
        _type(screen, depends="2, 3")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (svc.get(3).parent, svc.get(3).depends) == (1, (2,))
    assert svc.get(1).depends == (2, 3) and svc.get(1).blocked


async def test_edit_shows_and_clears_parent_and_depends(
    svc: TaskService, db_url: str, clock: Clock
) -> None:
    svc.add_text("paint the shed")
    svc.add_text("buy paint")
    svc.add(TaskCreate(title="sand the walls", parent=1, depends=(2,)))
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot, app, "paint the shed")
        subtasks = str(screen.query_one("#edit-children").render())
        assert subtasks == "Subtasks  3 'sand the walls'"
        await pilot.press("escape")
        await settle(pilot)
        screen = await _editor(pilot, app, "sand the walls")
        shown = [screen.query_one(f"#edit-{n}").value  # type: ignore[attr-defined]
                 for n in ("parent", "depends")]
        assert shown == ["1", "2"]
        _type(screen, parent="none", depends="")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (svc.get(3).parent, svc.get(3).depends) == (None, ())


@pytest.mark.parametrize(("field", "text", "error"), [
    ("parent", "abc", "Parent: 'abc' is not a task id"),
    ("depends", "2,x", "Depends: 'x' is not a task id"),
    ("parent", "1", "(1 -> 1)"),  # its own parent: core names the cycle
    ("depends", "99", "99"),  # no such task
])
async def test_a_bad_parent_or_depends_is_shown_and_nothing_is_saved(
    svc: TaskService, db_url: str, clock: Clock, field: str, text: str, error: str
) -> None:
    svc.add_text("paint the shed")
    svc.add_text("buy paint")
    before = svc.get(1)
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _editor(pilot, app, "paint the shed")
        _type(screen, title="paint it", project="home", **{field: text})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert error in str(screen.query_one("#edit-error").render())
        await pilot.press("escape")
        await settle(pilot)
    assert svc.get(1) == before


async def test_quick_add_under_the_selected_task_makes_a_subtask(
    svc: TaskService, db_url: str, clock: Clock
) -> None:
    svc.add_text("paint the shed")
    svc.add_text("read a book")
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        table = app.query_one(TaskTable)
        table.cursor = [t.title for t in table.tasks].index("paint the shed")
        await pilot.press("A", *"buy paint #diy", "enter")
        await settle(pilot)
        await pilot.press("a", *"call mum", "enter")  # plain `a`: no parent
        await settle(pilot)
        assert [t.title for t in table.tasks] == [
            "paint the shed", "read a book", "buy paint", "call mum"]
        await pilot.press("t")  # the tree view
        await settle(pilot)
        assert [t.title for t in table.tasks] == [
            "paint the shed", "buy paint", "read a book", "call mum"]
        assert "  └ buy paint #diy" in _line(table, "buy paint")
        await pilot.press("t")
        await settle(pilot)
        assert [t.title for t in table.tasks][1] == "read a book"
    child = svc.get(3)
    assert (child.title, child.tags, child.parent) == ("buy paint", ("diy",), 1)
    assert svc.get(4).parent is None
    assert svc.get(1).children == 1
    svc.undo()  # call mum
    assert [t.title for t in svc.list_tasks(TaskFilter())][2:] == ["buy paint"]
    svc.undo()  # the subtask was one change: it goes at once
    assert [t.title for t in svc.list_tasks(TaskFilter())] == ["paint the shed", "read a book"]


async def test_a_blocked_row_is_marked_until_its_blocker_is_done(
    svc: TaskService, db_url: str, clock: Clock
) -> None:
    # The mark (R1's ⊘) follows the blocker live: completing it unblocks, reopening blocks
    # again, though the blocked task itself has no event of its own for the second.
    svc.add_text("buy paint")
    svc.add(TaskCreate(title="paint the shed", depends=(1,)))
    app = _app(svc, db_url, clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        table = app.query_one(TaskTable)
        table.cursor = [t.title for t in table.tasks].index("buy paint")
        assert _line(table, "paint the shed").rstrip().endswith(BLOCKED)
        assert BLOCKED not in _line(table, "buy paint")
        await pilot.press("space")  # completes the blocker
        await settle(pilot)
        assert BLOCKED not in _line(table, "paint the shed")
        await pilot.press("u")  # the blocker is pending again, and so the task is blocked
        await settle(pilot)
        assert _line(table, "paint the shed").rstrip().endswith(BLOCKED)
