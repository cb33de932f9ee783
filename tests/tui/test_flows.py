"""Every binding of the TUI, driven by the pilot; each test checks core's state afterwards."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from textual import events
from textual.command import CommandPalette
from textual.pilot import Pilot

from core import Priority, Status, TaskFilter
from core.creation import TaskCreate
from core.schemas import ReminderState
from core.service import TaskService
from tests.conftest import BERLIN
from tests.tui.conftest import SIZE, MakeApp, seed, settle, titles
from todo_cli.tui.app import TodoApp
from todo_cli.tui.backend import FIRST_ROWS
from todo_cli.tui.screens.confirm import ConfirmScreen
from todo_cli.tui.screens.edit import EditScreen
from todo_cli.tui.screens.help import HelpScreen
from todo_cli.tui.views import first_filter
from todo_cli.tui.widgets.sidebar import Sidebar
from todo_cli.tui.widgets.task_table import TaskTable
from todo_cli.tui.widgets.title_bar import TitleBar

pytestmark = pytest.mark.asyncio


LONG_LIST = "\n".join(f"task {n:03}" for n in range(1, 201))
"""200 undated tasks, in todo.txt lines."""


async def _show_all(pilot: Pilot[None], app: TodoApp) -> TaskTable:
    """Settle, switch to the All view, and return the table showing it."""
    await settle(pilot)
    app.query_one(Sidebar).highlighted = 3
    await settle(pilot)
    return app.query_one(TaskTable)


def _cursor_to(app: TodoApp, title: str) -> None:
    table = app.query_one(TaskTable)
    table.cursor = [t.title for t in table.tasks].index(title)


async def test_opens_on_today_with_overdue_first(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # Today is due today or overdue, soonest first, as `todo` alone prints it.
        assert titles(app) == ["renew passport", "pay rent"]
        assert app.sub_title == "Today · sort: due · 2 tasks"
        options = [str(o.prompt) for o in app.query_one(Sidebar).options]
        assert [o.split()[0] for o in options] == [
            "Today", "Upcoming", "Overdue", "All", "Completed",
            "#admin", "#family", "#finance", "#home",
        ]
        assert options[3].split()[-1] == "6"  # All: six pending tasks
        assert options[8].split()[-1] == "2"  # #home


async def test_quick_add_previews_then_adds(make_app: MakeApp, service: TaskService) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.press(*"pay rent every month on the 1st at 9am remind me 1 day before")
        await pilot.press(*" #finance !high")
        preview = str(app.query_one("#quick-add-preview").render())
        assert "title: pay rent" in preview
        assert "due: in 9 days 09:00 (2026-12-01T09:00:00+01:00)" in preview
        assert "tags: #finance" in preview and "priority: high" in preview
        assert "repeats: every month on the 1st at 09:00" in preview
        assert "remind: 1 day before" in preview
        await pilot.press("enter")
        await settle(pilot)
    [task] = service.list_tasks(TaskFilter())
    assert (task.title, task.tags, task.priority) == ("pay rent", ("finance",), Priority.HIGH)
    assert task.due == datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)
    assert task.recurrence == "FREQ=MONTHLY;BYMONTHDAY=1"
    assert [r.before for r in task.reminders] == ["P1D"]


async def test_quick_add_shows_core_errors_and_adds_nothing(
    make_app: MakeApp, service: TaskService
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a", *"dentist feb 30")
        assert "feb 30" in str(app.query_one("#quick-add-preview").render())
        await pilot.press("enter")
        await settle(pilot)
        assert any(n.severity == "error" for n in app._notifications)
        await pilot.press("escape")
        assert not app.query_one("#quick-add").has_class("-open")
        assert app.query_one(TaskTable).has_focus
    assert service.count(TaskFilter(status="all")) == 0


async def test_complete_and_reopen(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _cursor_to(app, "pay rent")
        await pilot.press("space")
        await settle(pilot)
        assert service.get(1).status is Status.COMPLETED
        assert "pay rent" not in titles(app)
        await pilot.press("down", "down", "down", "down")  # sidebar is not focused: table moves
        app.query_one(Sidebar).highlighted = 4  # Completed
        await settle(pilot)
        assert titles(app) == ["pay rent"]
        await pilot.press("x")
        await settle(pilot)
    assert service.get(1).status is Status.PENDING


async def test_completing_a_recurring_task_shows_the_next_one(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 1  # Upcoming
        await settle(pilot)
        _cursor_to(app, "water plants")
        await pilot.press("x")
        await settle(pilot)
        await settle(pilot)
        shown = {t.id: t for t in app.query_one(TaskTable).tasks}
    nxt = service.list_tasks(TaskFilter(search="water"))
    assert [(t.id, t.due) for t in nxt] == [(7, datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN))]
    assert 7 in shown and service.get(3).status is Status.COMPLETED


async def test_delete_asks_first(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _cursor_to(app, "pay rent")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert service.get(1).status is Status.PENDING
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "pay rent" not in titles(app)
    assert service.get(1).status is Status.DELETED


async def test_delete_by_mouse_on_the_button(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _cursor_to(app, "renew passport")
        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#confirm-yes")
        await settle(pilot)
    assert service.get(5).status is Status.DELETED


async def test_undo_reverts_the_last_change(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _cursor_to(app, "pay rent")
        await pilot.press("space")
        await settle(pilot)
        assert service.get(1).status is Status.COMPLETED
        await pilot.press("u")
        await settle(pilot)
        assert "pay rent" in titles(app)
        assert any("Undid done" in str(n.message) for n in app._notifications)
    assert service.get(1).status is Status.PENDING


async def test_undo_with_nothing_to_undo_is_a_notification(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert [n.message for n in app._notifications] == ["nothing to undo"]


async def test_priority_up_and_down(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _cursor_to(app, "renew passport")
        await pilot.press("plus")
        await settle(pilot)
        assert service.get(5).priority is Priority.MEDIUM
        await pilot.press("plus", "plus")
        await settle(pilot)
        assert service.get(5).priority is Priority.HIGH  # clamped at high
        await pilot.press("minus")
        await settle(pilot)
    assert service.get(5).priority is Priority.MEDIUM


async def test_sort_cycles(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        assert titles(app)[-1] == "read a book"  # no due: last by due
        await pilot.press("s")
        await settle(pilot)
        assert app.sort == "priority"
        assert titles(app)[:2] == ["pay rent", "file taxes"]
        await pilot.press("s", "s", "s")
        await settle(pilot)
        assert app.sort == "title"
        assert titles(app) == sorted(titles(app), key=str.casefold)


async def test_filter_with_words_and_list_options(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        await pilot.press("slash", *"plants")
        await settle(pilot)
        assert titles(app) == ["water plants"]
        await pilot.press(*["backspace"] * 6, *"--tag home -p high")
        await settle(pilot)
        assert titles(app) == ["pay rent"]
        await pilot.press("enter")
        assert app.query_one(TaskTable).has_focus
        await pilot.press("slash", *" --bogus")
        await settle(pilot)
        error = app.query_one("#filter-error")
        assert error.has_class("-open") and "--bogus" in str(error.render())
        await pilot.press("escape")
        await settle(pilot)
        assert len(titles(app)) == 6
    assert service.count(TaskFilter()) == 6


async def test_filter_searches_within_the_view(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"--priority high")
        await settle(pilot)
        assert titles(app) == ["pay rent"]
        assert app.sub_title.startswith("Today · filtered")


async def test_edit_every_field(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _cursor_to(app, "pay rent")
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditScreen)
        screen.query_one("#edit-title").value = "pay the rent"  # type: ignore[attr-defined]
        screen.query_one("#edit-notes").text = "to the landlord"  # type: ignore[attr-defined]
        screen.query_one("#edit-priority").value = Priority.LOW  # type: ignore[attr-defined]
        screen.query_one("#edit-due").value = "dec 1 at 5pm"  # type: ignore[attr-defined]
        screen.query_one("#edit-tags").value = "home money"  # type: ignore[attr-defined]
        screen.query_one("#edit-recurrence").value = "every month"  # type: ignore[attr-defined]
        screen.query_one("#edit-remind").value = "1h before"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EditScreen)
    task = service.get(1)
    assert (task.title, task.notes, task.priority, task.tags) == (
        "pay the rent", "to the landlord", Priority.LOW, ("home", "money"))
    assert task.due == datetime(2026, 12, 1, 17, 0, tzinfo=BERLIN)
    assert task.recurrence is not None and task.recurrence.startswith("FREQ=MONTHLY")
    assert [r.before for r in task.reminders] == ["PT1H"]


async def test_edit_shows_core_errors_inline(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    before = service.get(1)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _cursor_to(app, "pay rent")
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EditScreen)
        screen.query_one("#edit-tags").value = "ok 9bad"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # still open
        assert "invalid tag '9bad'" in str(screen.query_one("#edit-error").render())
        screen.query_one("#edit-tags").value = "home"  # type: ignore[attr-defined]
        screen.query_one("#edit-due").value = "feb 30"  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "feb 30" in str(screen.query_one("#edit-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, EditScreen)
    assert service.get(1) == before


async def test_help_opens_and_closes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_sidebar_by_keyboard_and_mouse(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert app.query_one(Sidebar).has_focus
        await pilot.press("down")  # Upcoming: due within a week
        await settle(pilot)
        assert titles(app) == ["pay rent", "water plants", "call mum", "file taxes"]
        await pilot.click(Sidebar, offset=(3, 9))  # the #home row (border, five views, 3 tags)
        await settle(pilot)
        assert app.view.tag == "home"
        assert titles(app) == ["pay rent", "water plants"]


async def test_mouse_picks_a_row_and_double_click_edits(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(TaskTable)
        await pilot.click(TaskTable, offset=(10, 2))  # the header, then rows 0 and 1
        assert table.current is not None and table.current.title == "pay rent"
        await pilot.double_click(TaskTable, offset=(10, 1))
        await settle(pilot)
        assert isinstance(app.screen, EditScreen) and app.screen.todo.title == "renew passport"


async def test_command_palette_runs_our_commands(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Add task")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one("#quick-add").has_class("-open")


async def test_a_theme_from_the_palette_restyles_the_table(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(TaskTable)
        before = table.get_component_rich_style("task-table--overdue")
        await pilot.press("ctrl+p", *"Theme")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"gruvbox")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "gruvbox"
        assert table.get_component_rich_style("task-table--overdue") != before


async def test_q_quits(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_due_reminder_becomes_a_notification(
    make_app: MakeApp, service: TaskService, clock: object
) -> None:
    service.add_text("stand up remind me at 10:30am")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.query_one(Sidebar).highlighted = 3  # All
        await settle(pilot)
        assert not app._notifications
        clock.advance(minutes=31)  # type: ignore[attr-defined]
        app.poll()
        await settle(pilot)
        [note] = list(app._notifications)
        assert note.title == "⏰ Reminder" and "stand up" in note.message
        [shown] = app.query_one(TaskTable).tasks
        assert [r.state for r in shown.reminders] == [ReminderState.FIRED]  # no ⏰ marker
    [reminder] = service.get(1).reminders
    assert reminder.state is ReminderState.FIRED


async def test_today_counts_follow_the_clock_date(make_app: MakeApp, service: TaskService) -> None:
    service.add_text("tomorrow's job tomorrow")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert titles(app) == []
        assert str(app.query_one(TaskTable).empty_text) == "No tasks."
    assert service.get(1).due == date(2026, 11, 23)


async def test_moving_through_a_long_list(make_app: MakeApp, service: TaskService) -> None:
    service.import_text(LONG_LIST, fmt="todotxt")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await _show_all(pilot, app)
        assert len(table.tasks) == 200
        await pilot.press("j", "j", "down", "k")
        assert table.cursor == 2
        await pilot.press("end")
        assert table.cursor == 199 and table.top > 150  # the cursor row is on screen
        await pilot.press("home")
        assert (table.cursor, table.top) == (0, 0)
        await pilot.press("pagedown")
        assert table.cursor == table.size.height - 2
        await pilot.press("G")
        assert table.cursor == 199
        await pilot.press("g")
        assert table.cursor == 0
        await pilot.press("pagedown", "pagedown", "x")
        await settle(pilot)
        done = service.list_tasks(TaskFilter(status="completed"))
        assert [t.title for t in done] == [f"task {2 * (table.size.height - 2) + 1:03}"]


async def test_fresh_counts_keep_the_view_until_its_tag_is_gone(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        sidebar.highlighted = 5  # #admin: only "renew passport"
        await settle(pilot)
        assert (app.view.key, titles(app)) == ("tag:admin", ["renew passport"])
        service.add_text("another #home")  # counts change; the view stays
        app.poll()
        await settle(pilot)
        assert app.view.key == "tag:admin"
        await pilot.press("space")
        await settle(pilot)
        assert app.view.key == "today"
        assert "#admin" not in [str(o.prompt).split()[0] for o in sidebar.options]
        assert titles(app) == ["pay rent"]
    assert service.get(5).status is Status.COMPLETED


async def test_rows_follow_the_terminal_width(make_app: MakeApp, service: TaskService) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(TaskTable)
        await pilot.resize_terminal(70, 20)
        await settle(pilot)
        assert table.render_line(1).cell_length == table.size.width
        assert "renew passpo… 2 days ago" in table.render_line(1).text  # the title gives way


async def test_the_cursor_row_stands_out_and_dims_without_focus(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(TaskTable)

        def background(line: int) -> object:
            first = next(iter(table.render_line(line)))
            return first.style.bgcolor if first.style is not None else None

        focused, other = background(1), background(2)
        assert focused != other
        await pilot.press("tab")  # the sidebar takes the focus
        await settle(pilot)
        assert background(1) not in (focused, other)


async def test_a_long_view_paints_its_first_screen_then_all_of_it(
    make_app: MakeApp, service: TaskService
) -> None:
    # Due yesterday, today and tomorrow at odd hours: the first screen is read by a narrower
    # query (core.queries.task_filter.first_by_due) and must be the head of the whole view.
    for n in range(FIRST_ROWS + 150):
        due = (datetime(2026, 11, 21 + n % 3, n % 24, tzinfo=BERLIN) if n % 4
               else date(2026, 11, 22))
        priority = Priority.HIGH if n % 5 else Priority.NONE
        service.add(TaskCreate(title=f"task {n:03}", due=due, priority=priority))
    app = make_app()
    flt = first_filter(app.now())
    first = app.backend.first_screen(flt)
    assert len(first) == FIRST_ROWS
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.query_one(TaskTable).tasks
        whole = service.list_tasks(flt)
        assert list(shown) == whole and len(whole) > FIRST_ROWS
        assert list(first.tasks) == whole[:FIRST_ROWS]
        assert app.sub_title.endswith(f"· {len(whole)} tasks")


async def test_the_wheel_and_the_scrollbar_move_the_view(
    make_app: MakeApp, service: TaskService
) -> None:
    service.import_text(LONG_LIST, fmt="todotxt")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await _show_all(pilot, app)
        rows, bar = table.page_rows, table.size.width - 1

        def bar_cell(line: int) -> object:
            return list(table.render_line(line))[-1].style

        thumb, track = table._style("thumb"), table._style("track")
        assert (bar_cell(1), bar_cell(rows)) == (thumb, track)  # a short thumb at the top
        await pilot._post_mouse_events([events.MouseScrollDown], TaskTable, offset=(10, 5))
        await pilot._post_mouse_events([events.MouseScrollDown], TaskTable, offset=(10, 5))
        assert (table.top, table.cursor) == (6, 0)  # the view moves, the cursor stays
        await pilot.mouse_down(TaskTable, offset=(bar, rows))  # the bottom of the bar
        await pilot.mouse_up(TaskTable, offset=(bar, rows))
        assert table.top == 200 - rows and table.cursor == 0
        assert (bar_cell(1), bar_cell(rows)) == (track, thumb)
        await pilot.mouse_down(TaskTable, offset=(bar, rows))  # drag the thumb up halfway
        await pilot._post_mouse_events([events.MouseMove], TaskTable, offset=(bar, rows // 2))
        await pilot.mouse_up(TaskTable, offset=(bar, rows // 2))
        assert 0 < table.top < 200 - rows
        await pilot.press("down")  # the cursor comes back into view
        assert (table.cursor, table.top) == (1, 1)
        await pilot.click(TaskTable, offset=(bar, 3))  # a click on the bar picks no row
        assert table.cursor == 1


async def test_a_long_tag_is_cut_to_one_line_with_its_count(
    make_app: MakeApp, service: TaskService
) -> None:
    for n in range(1234):
        service.add(TaskCreate(title=f"job {n}", tags=("house-renovation-2027",)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        options = [str(o.prompt) for o in app.query_one(Sidebar).options]
        [entry] = [o for o in options if o.startswith("#house")]
        assert entry == "#house-renova… 1234" and len(entry) == 19
        assert options[3] == "All" + " " * 12 + "1234"


async def test_the_title_bar_shows_the_view_and_its_icon_opens_the_palette(
    make_app: MakeApp, service: TaskService
) -> None:
    seed(service)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        bar = app.query_one(TitleBar)
        assert "todo — Today · sort: due · 2 tasks" in str(bar.render())
        await pilot.press("s")
        await settle(pilot)
        assert "sort: priority" in str(bar.render())
        await pilot.click(TitleBar, offset=(12, 0))  # the title: nothing happens
        assert not isinstance(app.screen, CommandPalette)
        await pilot.click(TitleBar, offset=(2, 0))
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)


async def test_a_sidebar_longer_than_the_screen_follows_its_highlight(
    make_app: MakeApp, service: TaskService
) -> None:
    for n in range(40):
        service.add(TaskCreate(title=f"job {n}", tags=(f"tag{n:02}",)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        sidebar = app.query_one(Sidebar)
        sidebar.focus()
        await pilot.press("end")
        await settle(pilot)
        assert app.view.key == "tag:tag39" and titles(app) == ["job 39"]
        assert sidebar.top > 0  # scrolled: the last entry is on screen
        assert sidebar.render_line(sidebar.highlighted - sidebar.top).text.startswith("#tag39")
        await pilot.press("home")
        assert (sidebar.top, app.view.key) == (0, "today")


def _due_style(table: TaskTable, title: str, due: str) -> object:
    """The style of the due cell on `title`'s row (moving the cursor off that row first)."""
    row = [t.title for t in table.tasks].index(title)
    table.cursor = 1 - row  # the other of the two rows
    (cell,) = [s for s in table.render_line(row + 1) if s.text.strip() == due]
    return cell.style


async def test_a_completed_task_is_never_shown_overdue(
    make_app: MakeApp, service: TaskService
) -> None:
    # Both due two days ago: the pending one is overdue, the completed one is not (the CLI
    # table says the same: tests/cli/test_output.py).
    for text in ("pay rent 2026-11-20", "water plants today", "old chore 2026-11-20", "filed"):
        service.add_text(text)
    assert len(service.complete([3, 4])) == 2
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.query_one(TaskTable)
        overdue = table.get_component_rich_style("task-table--overdue")
        assert titles(app) == ["pay rent", "water plants"]
        assert _due_style(table, "pay rent", "2 days ago") == overdue
        app.query_one(Sidebar).highlighted = 4  # Completed
        await settle(pilot)
        assert titles(app) == ["old chore", "filed"]
        assert _due_style(table, "old chore", "2 days ago") != overdue
