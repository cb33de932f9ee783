"""The TUI's side of core: one service, one lock, the cache of tasks shown so far.

Every method here does database work and runs in a Textual thread worker, never on the UI
thread. The lock serialises them because a Store is one connection, used by one thread at a
time. Tasks are cached by id: a view or a filter asks core only which ids match
(`core.live.matching_ids`, cheap), and loads just the tasks it has not seen, so switching
views and filtering 50k tasks does not reload them. The cache is kept true by the event log
(`core.live.changes_since`), whoever made the change.

Each sort order of the cache is kept as a Listing, and each filter's answer as the rows of
one of them it selects: a filter seen before costs no query, and narrowing 50k rows is a C
loop (`Listing.rows_of`, `Listing.pick`), so the worker holds the GIL, which it shares
with the UI thread, for a few milliseconds at most.
"""

from __future__ import annotations

import gc
import threading
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from core import live
from core.changes import TaskUpdate
from core.schemas import Status, TaskRead
from core.selection import SortKey, TaskFilter
from core.sorting import sort_tasks
from todo_cli.tui.listing import Listing
from todo_cli.tui.masks import RowMasks, answers

if TYPE_CHECKING:
    from core.report_maths import Burndown, Calendar, Done, Summary
    from core.service import TaskService, UndoResult

T = TypeVar("T")
DERIVED_TTL_S = 60.0
FIRST_ROWS = 200
"""How many rows the first paint reads: more than a screen, far fewer than a big view."""


@dataclass(frozen=True, slots=True)
class Counts:
    """What the sidebar shows next to each view, and the tags with their pending counts."""

    views: dict[str, int]
    tags: list[tuple[str, int]]
    saved: list[tuple[str, str]] = field(default_factory=list)
    """The saved views (name, expression), whose counts are in `views` as "view:NAME"."""


@dataclass(frozen=True, slots=True)
class Reports:
    """What the Reports screen draws (the numbers of `todo report ...` with no options)."""

    summary: Summary
    burndown: Burndown
    calendar: Calendar
    done: Done


class Backend:
    """Database work for the TUI; thread-safe, every call blocks while it runs."""

    def __init__(self, service: TaskService) -> None:
        self.service = service
        self._lock = threading.Lock()
        self._cache: dict[int, TaskRead] = {}
        self._seq = 0
        # Derived from the cache and dropped whenever it changes (or goes stale): every
        # cached task in each sort order, and which rows of that order each filter selected.
        # A key press in the filter then costs one query at most, and no sort.
        self._orders: dict[tuple[SortKey, bool], Listing] = {}
        self._picks: dict[tuple[TaskFilter, SortKey, bool], array[int]] = {}
        self._masks: dict[tuple[SortKey, bool], RowMasks] = {}
        self._all_pending = False  # every pending task is in the cache (after the preload)
        self._derived_at = 0.0
        self.deferred: str | None = None  # why the last write's after-commit work failed
        self._started = False
        self._warm: tuple[TaskFilter, Listing | BaseException] | None = None
        self.context: tuple[str, str] | None = None  # (name, expression): set before start
        self.saved: dict[str, str] = {}  # the saved views, as the last `counts` read them

    @property
    def context_expression(self) -> str | None:
        """The expression of the session's context (`todo context`), if there is one."""
        return None if self.context is None else self.context[1]

    def scope(self, flt: TaskFilter) -> TaskFilter:
        """`flt` within the session's context (`todo context`)."""
        from todo_cli.tui.views import in_context

        return in_context(flt, self.context_expression)

    def now(self) -> datetime:
        """The service's clock, in the user's zone."""
        return self.service.now()

    def _locked(self, body: Callable[[], T]) -> T:
        with self._lock:
            return body()

    # -- reads -----------------------------------------------------------------------------

    def start(self) -> None:
        """Remember where the log is now: later changes are what `poll` reports."""
        with self._lock:
            if not self._started:
                self._seq = live.head(self.service)
                self._started = True

    def warm_up(self, flt: TaskFilter) -> None:
        """Start reading the first screen of `flt` in a thread now (while Textual is still
        being imported); the first `first_screen(flt)` takes the answer."""
        self._lock.acquire()  # taken here, so nothing can get in before the thread runs

        def run() -> None:
            try:
                self._seq = live.head(self.service)
                self._started = True
                self._warm = (flt, self._first_screen(flt))
            except BaseException as exc:  # handed to first_screen() to raise
                self._warm = (flt, exc)
            finally:
                self._lock.release()

        threading.Thread(target=run, name="todo-warm-up", daemon=True).start()

    def first_screen(self, flt: TaskFilter) -> Listing:
        """The first FIRST_ROWS tasks of `flt` (all of them when fewer): what the first
        paint shows while `view` reads the rest. Its length says whether there are more."""
        def body() -> Listing:
            warm = self._take_warm(flt)
            return warm if warm is not None else self._first_screen(flt)

        return self._locked(body)

    def _first_screen(self, flt: TaskFilter) -> Listing:
        # Core reads a few hundred rows for this, not the 16k a big Today view has.
        limit = FIRST_ROWS if flt.limit is None else min(flt.limit, FIRST_ROWS)
        return Listing.of(self.service.list_tasks(replace(flt, limit=limit)))

    def view(self, flt: TaskFilter) -> Listing:
        """The tasks `flt` selects, sorted as it asks (tasks loaded only the first time)."""
        return self._locked(lambda: self._view(flt))

    def _take_warm(self, flt: TaskFilter) -> Listing | None:
        warm, self._warm = self._warm, None
        if warm is None or warm[0] != flt:
            return None
        if isinstance(warm[1], BaseException):
            raise warm[1]
        return warm[1]

    def _view(self, flt: TaskFilter) -> Listing:
        self._expire_derived()
        if not self._cache:
            # The first full list: one query that core already sorts.
            tasks = self._load(flt)
            self._remember(tasks)
            return Listing.of(tasks).head(flt.limit)
        key = (replace(flt, sort="id", reverse=False, limit=None), flt.sort, flt.reverse)
        rows = self._picks.get(key)
        if rows is None:
            rows = self._picks[key] = self._rows_for(flt)
        return self._ordered(flt.sort, flt.reverse).pick(rows).head(flt.limit)

    def _rows_for(self, flt: TaskFilter) -> array[int]:
        if self._all_pending and answers(flt):
            return self._masks_of(flt.sort, flt.reverse).rows_of(flt, self.now(), self._search)
        # A filtered sorted list is the sorted filtered list: the sort keys are total orders.
        ids = live.matching_ids(self.service, flt)
        rows = self._ordered(flt.sort, flt.reverse).rows_of(ids)
        if len(rows) < len(ids):  # tasks never loaded (another status): load them once
            self._remember(self._load(flt))
            rows = self._ordered(flt.sort, flt.reverse).rows_of(ids)
        return rows

    def _search(self, text: str) -> array[int]:
        return live.matching_ids(self.service, TaskFilter(search=text))

    def _load(self, flt: TaskFilter) -> list[TaskRead]:
        # Tens of thousands of new objects trigger collection after collection, none of
        # which can free anything: paused, the load is about 15% faster.
        gc.disable()
        try:
            return self.service.list_tasks(replace(flt, limit=None))
        finally:
            gc.enable()

    def _remember(self, tasks: Sequence[TaskRead]) -> None:
        if not tasks:
            return
        for task in tasks:
            self._cache[task.id] = task
        self._orders.clear()
        self._masks.clear()
        self._picks.clear()  # each holds rows of one of the orders

    def _ordered(self, sort: SortKey, reverse: bool) -> Listing:
        order = self._orders.get((sort, reverse))
        if order is None:
            tasks = list(self._cache.values())
            sort_tasks(tasks, sort, reverse, self.now())
            order = self._orders[(sort, reverse)] = Listing.of(tasks)
        return order

    def _masks_of(self, sort: SortKey, reverse: bool) -> RowMasks:
        found = self._masks.get((sort, reverse))
        if found is None:
            found = self._masks[(sort, reverse)] = RowMasks(self._ordered(sort, reverse))
        return found

    def _expire_derived(self) -> None:
        # Urgency, and what "overdue", "today" and "upcoming" select, move with the clock:
        # recompute them at most a minute late. The rest changes only with the tasks.
        stamp = time.monotonic()
        if stamp - self._derived_at > DERIVED_TTL_S:
            self._forget_clock_derived()
            self._derived_at = stamp

    def _forget_clock_derived(self) -> None:
        for order in [k for k in self._orders if k[0] == "urgency"]:
            del self._orders[order]
            self._masks.pop(order, None)
        for pick in [k for k in self._picks if k[1] == "urgency" or moves(k[0])]:
            del self._picks[pick]

    def clock_moved(self) -> None:
        """The minute changed: what moves with the clock is worked out again when next asked
        (urgency, and which tasks overdue, today and upcoming select)."""
        self._locked(self._forget_clock_derived)

    def preload(self, sort: SortKey, views: Sequence[TaskFilter] = ()) -> None:
        """Load every pending task and sort them, so later views and filters need no load;
        let the database tune itself for the filters' queries; then work out which tasks
        each of `views` (the sidebar's) shows, so picking one costs no query."""

        def body() -> None:
            self._view(TaskFilter(sort=sort))
            self._all_pending = True
            self._masks_of(sort, False).prepare()
            live.optimize(self.service)
            for flt in views:
                self._view(replace(flt, sort=sort))

        self._locked(body)

    def counts(self, views: dict[str, TaskFilter]) -> Counts:
        """How many tasks each named filter selects, the tag counts, and the saved views
        with how many tasks each selects in the context."""
        return self._locked(lambda: self._counts(views))

    def _counts(self, views: dict[str, TaskFilter]) -> Counts:
        from todo_cli.tui.views import in_context, saved_view

        saved = [(v.name, v.expression) for v in self.service.views.saved()]
        self.saved = dict(saved)
        context, now = self.context_expression, self.now()
        numbers = {k: self.service.count(f) for k, f in views.items()}
        for name, expression in saved:
            view = saved_view(name, expression)
            numbers[view.key] = self.service.count(in_context(view.filter(now), context))
        return Counts(numbers, self.service.tags(), saved)

    def poll(self, claim_reminders: bool) -> live.ChangeSet:
        """Claim reminders that fell due (when asked), then report what changed since the last
        poll. The claim is atomic in core, so racing `todo worker notify` is safe: each
        reminder is claimed once, and the `todo.reminder.due` event reaches us either way."""
        return self._locked(lambda: self._poll(claim_reminders))

    def _poll(self, claim_reminders: bool) -> live.ChangeSet:
        if claim_reminders:
            self.service.claim_due_reminders(self.now())
        changes = live.changes_since(self.service, self._seq)
        if changes.seq != self._seq:
            self._picks.clear()
        self._seq = changes.seq
        if changes.reload:
            self._cache.clear()
            self._orders.clear()
            self._masks.clear()
            self._all_pending = False
        self._remember(changes.tasks)
        return changes

    # -- writes: each goes through core; its after-commit hooks run before it returns ------

    def _write(self, body: Callable[[], T]) -> T:
        def run() -> T:
            # The service's hooks (the embedded consumers) ran on commit: completing a
            # recurring task made its next instance, and the poll that follows shows it.
            self.deferred = None
            result = body()
            self.deferred = self.service.deferred
            return result

        return self._locked(run)

    def add(self, text: str, parent: int | None = None) -> TaskRead:
        """Create a task from quick-add text, under `parent` when given (a subtask)."""
        return self._write(lambda: self.service.add_text(text, parent=parent))

    def toggle_done(self, task_id: int) -> list[TaskRead]:
        """Complete a pending task, or reopen a completed one."""

        def body() -> list[TaskRead]:
            if self.service.get(task_id).status is Status.COMPLETED:
                return self.service.reopen([task_id])
            return self.service.complete([task_id])

        return self._write(body)

    def delete(self, task_id: int) -> list[TaskRead]:
        """Soft-delete a task (undo brings it back)."""
        return self._write(lambda: self.service.delete([task_id]))

    def update(self, task_id: int, change: TaskUpdate) -> list[TaskRead]:
        """Apply one partial change; core validates every field."""
        return self._write(lambda: self.service.update([task_id], change))

    def step_priority(self, task_id: int, delta: int) -> list[TaskRead]:
        """Raise (delta > 0) or lower a task's priority one level; nothing at the end."""

        def body() -> list[TaskRead]:
            task = self.service.get(task_id)
            stepped = task.priority.step(delta)
            if stepped is task.priority:
                return []
            return self.service.update([task_id], TaskUpdate(priority=stepped))

        return self._write(body)

    def undo(self) -> UndoResult:
        """Revert the owner's last operation."""
        return self._write(self.service.undo)

    def reports(self) -> Reports:
        """The numbers of the Reports screen: summary, burndown, this month, completions."""
        svc = self.service
        return self._locked(lambda: Reports(svc.report_summary(), svc.report_burndown(),
                                            svc.report_calendar(), svc.report_done()))

    def get(self, task_id: int) -> TaskRead:
        """One task as it is now."""
        return self._locked(lambda: self.service.get(task_id))

    def children(self, task_id: int) -> list[TaskRead]:
        """The subtasks of a task, as they are now."""
        return self._locked(lambda: self.service.children(task_id))


def moves(flt: TaskFilter) -> bool:
    """Whether what `flt` selects changes with the time of day, tasks unchanged (an
    expression may name a date word or is:overdue)."""
    return flt.overdue or flt.today or flt.upcoming is not None or bool(flt.expression)


SORTS: Sequence[SortKey] = ("due", "priority", "urgency", "created", "title", "id")
"""The order `s` cycles through."""
