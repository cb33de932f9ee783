"""The full-screen TUI: sidebar of views, the task table, quick add, modals, live updates.

The app is handed the service (as harlequin is handed its adapter) and never touches the
store itself: every core call runs in a thread worker (`todo_cli.tui.backend`) and reports
back with a message, so the UI never waits on the database. Live updates come from the
event log: a timer asks core what changed since the last position, twice a second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import events, on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from core.errors import TodoError
from core.selection import SortKey, TaskFilter
from core.text import visible
from todo_cli.tui import views
from todo_cli.tui.actions import TaskActions, ViewActions
from todo_cli.tui.backend import FIRST_ROWS, Backend, moves
from todo_cli.tui.collector import IdleCollector
from todo_cli.tui.listing import Listing
from todo_cli.tui.loader import LatestOnly
from todo_cli.tui.messages import Changed, CountsLoaded, Done, Failed, TasksLoaded, ViewChosen
from todo_cli.tui.screens.help import HelpScreen
from todo_cli.tui.screens.main import MainScreen
from todo_cli.tui.tickets import InOrder
from todo_cli.tui.views import (
    FIXED,
    View,
    combine,
    first_filter,
    parse_query,
    sidebar_views,
)
from todo_cli.tui.widgets.chat_pane import ChatPane
from todo_cli.tui.widgets.quick_add import QuickAdd
from todo_cli.tui.widgets.sidebar import Sidebar
from todo_cli.tui.widgets.task_table import TaskTable
from todo_cli.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from config.settings import Settings
    from core.service import TaskService

POLL_S = 0.5
"""How often the app asks the log what changed: live updates arrive within this."""
IDLE_TICK_S = 0.5
"""How often the app looks for a pause to collect garbage in (todo_cli.tui.collector)."""
CLOCK_TICK_S = 1.0
"""How often the app looks at the clock: counts and views that move with it follow each
minute (a task whose due time passed is overdue, after midnight today is another day)."""


class TodoApp(TaskActions, ViewActions, App[None]):
    """todo's TUI over one service."""

    CSS_PATH = "app.tcss"
    TITLE = "todo"
    BINDINGS = [
        Binding("a", "quick_add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("space,x", "toggle_done", "Done/reopen"),
        Binding("d", "delete", "Delete"),
        Binding("u", "undo", "Undo"),
        Binding("plus", "priority(1)", "Prio+"),
        Binding("minus", "priority(-1)", "Prio-"),
        Binding("s", "cycle_sort", "Sort"),
        Binding("slash", "filter", "Filter"),
        Binding("c", "chat", "Chat"),
        Binding("r", "reports", "Reports"),
        Binding("question_mark", "help", "Help"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        service: TaskService,
        settings: Settings,
        clock: Callable[[], datetime] | None = None,
        *,
        cursor_blink: bool = True,
        poll_s: float = POLL_S,
        backend: Backend | None = None,
        chat_service: TaskService,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.chat_service = chat_service  # the chat pane's own connection (`build_app`)
        self.backend = backend if backend is not None else Backend(service)
        self._clock = clock
        self.cursor_blink = cursor_blink
        self.poll_s = poll_s
        self.view: View = FIXED[0]
        self.query_filter: TaskFilter | None = None
        self.sort: SortKey = "due"
        # Each reload gets a number; the table shows the newest answer only. Tests and the
        # bench wait for `shown_generation` to catch up with `generation`.
        self.generation = 0
        self._polling = False
        self._writes = InOrder()
        self._poll_error: str | None = None
        self.shown_generation = -1
        self._minute: datetime | None = None  # the minute the counts and views were made in
        self._loaded: TaskFilter | None = None  # the filter the table was last read with
        self.collector = IdleCollector()
        self._loads = LatestOnly("todo-view", on_error=self._report)

    def now(self) -> datetime:
        """The current time in the user's zone (the test clock when given)."""
        if self._clock is not None:
            return self._clock().astimezone(self.backend.service.tz)
        return self.backend.now()

    # -- layout --------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="☐")
        with Horizontal(id="main"):
            yield Sidebar(id="sidebar")
            with Vertical(id="tasks"):
                yield Input(placeholder="Filter: words, +tag p:h project:home or not, @view, --tag",
                            id="filter")
                yield Static("", id="filter-error")
                yield TaskTable(self.now, id="table")
                yield QuickAdd(self.now, id="quick-add")
            yield ChatPane(self.chat_service, self.settings, self.now, id="chat")
        yield Footer()

    def on_mount(self) -> None:
        for widget in self.query(Input):
            widget.cursor_blink = self.cursor_blink
        table = self.query_one(TaskTable)
        table.empty_text = "Loading…"
        table.focus()
        self._update_title(None)
        self.collector.start()
        self.set_interval(IDLE_TICK_S, self.collector.tick)
        self._first_load()

    def on_unmount(self) -> None:
        self.collector.stop()
        self._loads.close()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.collector.touched()
        await super().on_event(event)

    @property
    def table(self) -> TaskTable:
        """The task table."""
        return self.query_one(TaskTable)

    def _update_title(self, count: int | None) -> None:
        shown = f" · {count} task{'' if count == 1 else 's'}" if count is not None else ""
        query = " · filtered" if self.query_filter is not None else ""
        self.sub_title = f"{self.view.label}{query} · sort: {self.sort}{shown}"

    # -- loading ---------------------------------------------------------------------------------

    def current_filter(self) -> TaskFilter:
        """The view's filter, narrowed by the `/` query, in the chosen order."""
        if self.view is FIXED[0] and self.query_filter is None and self.sort == "due":
            return first_filter(self.now(), self.backend.context_expression)  # as warmed up
        flt = combine(self.view.filter(self.now()), self.query_filter)
        return replace(self.backend.scope(flt), sort=self.sort)

    @work(thread=True, exclusive=True, group="load")
    def _first_load(self) -> None:
        # The first screenful, so the table paints at once; then the counts, the rest of
        # the view and everything pending, while the user reads: other views and filters
        # need no load after this.
        self.backend.start()
        generation, flt = self.generation, self.current_filter()
        self._loaded = flt
        first = self._load_view(generation, flt, first_screen=True)
        counts = self.backend.counts(self._count_filters())
        self.post_message(CountsLoaded(counts))
        self.call_from_thread(self._start_polling)
        if first is None or len(first) >= FIRST_ROWS:
            self._load_view(generation, flt)
        sidebar = sidebar_views(counts.tags, counts.saved)
        self.backend.preload(self.sort, [self.backend.scope(v.filter(self.now())) for v in sidebar])
        views.warm_up()
        # 50k cached tasks live as long as the app: frozen, no collection walks them again.
        self.collector.freeze()

    def _start_polling(self) -> None:
        self.set_interval(self.poll_s, self.poll)
        self.set_interval(CLOCK_TICK_S, self.clock_tick)

    def clock_tick(self) -> None:
        """On a new minute: count again, and read the view again if it moves with the clock
        (Overdue, Upcoming, urgency order) or its filter did (Today after midnight)."""
        minute = self.now().replace(second=0, microsecond=0)
        if minute == self._minute:
            return
        self._minute = minute
        flt = self.current_filter()
        self._clock_worker(moves(flt) or flt.sort == "urgency" or flt != self._loaded)

    @work(thread=True, exclusive=True, group="clock")
    def _clock_worker(self, reload: bool) -> None:
        self.backend.clock_moved()
        if reload:
            self.call_from_thread(self.reload)
        self.post_message(CountsLoaded(self.backend.counts(self._count_filters())))

    def reload(self) -> None:
        """Read the current view again (off the UI thread); stale answers are dropped."""
        self.generation += 1
        generation, flt = self.generation, self.current_filter()
        self._loaded = flt
        self._loads.submit(lambda: self._load_view(generation, flt))

    @property
    def loading(self) -> bool:
        """Whether a list is being read for the table."""
        return self._loads.busy

    def _report(self, error: Exception) -> None:
        # From the loader's thread: the app shows the error and exits, as for a worker's.
        with suppress(RuntimeError):  # the app is already gone
            self.call_from_thread(self._handle_exception, error)

    def _load_view(
        self, generation: int, flt: TaskFilter, first_screen: bool = False
    ) -> Listing | None:
        """Read `flt` (only its first screen when asked) and post it to the UI thread."""
        try:
            tasks = self.backend.first_screen(flt) if first_screen else self.backend.view(flt)
        except TodoError as exc:
            self.post_message(Failed(exc.message))
            return None
        partial = first_screen and len(tasks) >= FIRST_ROWS
        self.post_message(TasksLoaded(tasks, generation, partial=partial))
        return tasks

    def _count_filters(self) -> dict[str, TaskFilter]:
        now = self.now()
        self._minute = now.replace(second=0, microsecond=0)
        return {v.key: self.backend.scope(v.filter(now)) for v in FIXED}

    @work(thread=True, exclusive=True, group="counts")
    def _counts_worker(self) -> None:
        self.post_message(CountsLoaded(self.backend.counts(self._count_filters())))

    def on_tasks_loaded(self, message: TasksLoaded) -> None:
        if message.generation != self.generation:
            return
        table = self.table
        table.empty_text = "No tasks." if self.query_filter is None else "No task matches."
        table.set_tasks(message.tasks)
        if message.partial:  # the first screen: its count is not the view's
            self._update_title(None)
            return
        self.shown_generation = message.generation
        self._update_title(len(message.tasks))

    def on_counts_loaded(self, message: CountsLoaded) -> None:
        self.query_one(Sidebar).show_counts(message.counts)

    def on_view_chosen(self, message: ViewChosen) -> None:
        self.view = message.view
        self._update_title(None)
        self.reload()

    # -- live ------------------------------------------------------------------------------------

    def poll(self) -> None:
        """Ask the log what changed (skipped while the previous look is still running)."""
        if not self._polling:
            self._polling = True
            self._poll_worker()

    @work(thread=True, group="poll")
    def _poll_worker(self) -> None:
        try:
            changes = self.backend.poll(claim_reminders=True)
        except Exception as exc:  # a busy or dropped database: say so once, retry next tick
            text = getattr(exc, "message", str(exc))
            if text != self._poll_error:
                self.post_message(Failed(text))
            self._poll_error = text
            return
        finally:
            self._polling = False
        self._poll_error = None
        if changes.tasks or changes.reminders_due or changes.reload:
            self.post_message(Changed(changes))

    def on_changed(self, message: Changed) -> None:
        for due in message.changes.reminders_due:
            self.notify(f"{visible(due.title)} (task {due.task_id})", title="⏰ Reminder",
                        timeout=10)
        if message.changes.tasks or message.changes.reload:
            self.reload()
            self._counts_worker()

    # -- changing --------------------------------------------------------------------------------

    def _write(self, call: Callable[[], Any], say: Callable[[Any], str]) -> None:
        """Run one core mutation off the UI thread, after every earlier one."""
        self._write_worker(self._writes.ticket(), call, say)

    @work(thread=True, group="write")
    def _write_worker(
        self, ticket: int, call: Callable[[], Any], say: Callable[[Any], str]
    ) -> None:
        try:
            result = self._writes.run(ticket, call)
        except TodoError as exc:
            self.post_message(Failed(exc.message))
            return
        self.post_message(Done(say(result)))
        if self.backend.deferred:
            self.post_message(Failed(self.backend.deferred))
        changes = self.backend.poll(claim_reminders=False)
        self.post_message(Changed(changes))

    def on_failed(self, message: Failed) -> None:
        self.notify(visible(message.text), title="Not done", severity="error", timeout=6)

    def on_done(self, message: Done) -> None:
        if message.text:
            self.notify(message.text, timeout=3)

    # -- filter ----------------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        error = self.query_one("#filter-error", Static)
        try:
            query = parse_query(event.value, self.now(), self.backend.saved)
        except TodoError as exc:
            error.update(exc.message)
            error.add_class("-open")
            return
        error.remove_class("-open")
        self.query_filter = query
        if query is not None and query.sort != "due":
            self.sort = query.sort
        # The title changes once the list (and its count) arrives.
        self.reload()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        self.table.focus()

    # -- help and palette ------------------------------------------------------------------------

    def action_chat(self) -> None:
        """Open the chat pane: the agent of `todo chat`, with the same confirmations."""
        self.query_one(ChatPane).open()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_reports(self) -> None:
        from todo_cli.tui.screens.reports import ReportsScreen  # Rich charts: on demand

        self.push_screen(ReportsScreen(self.backend))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Add task", "Quick add a task (a)", self.action_quick_add)
        yield SystemCommand("Edit task", "Edit the current task (e)", self.action_edit)
        yield SystemCommand("Complete or reopen", "The current task (space)",
                            self.action_toggle_done)
        yield SystemCommand("Delete task", "Asks first (d)", self.action_delete)
        yield SystemCommand("Undo", "Revert the last change (u)", self.action_undo)
        yield SystemCommand("Cycle sort", "due, priority, urgency, ... (s)",
                            self.action_cycle_sort)
        yield SystemCommand("Filter", "todo list options or words (/)", self.action_filter)
        yield SystemCommand("Help", "The key bindings (?)", self.action_help)
        for view in FIXED:
            yield SystemCommand(f"View: {view.label}", f"Show {view.label.lower()}",
                                lambda v=view: self._choose(v))

    def _choose(self, view: View) -> None:
        sidebar = self.query_one(Sidebar)
        keys = [o.id for o in sidebar.options]
        if view.key in keys:
            sidebar.highlighted = keys.index(view.key)


