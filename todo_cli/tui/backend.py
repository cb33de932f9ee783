"""The TUI's side of core: one service, one lock, the cache of tasks shown so far.

Every method here does database work and runs in a Textual thread worker, never on the UI
thread. The lock serialises them because a Store is one connection, used by one thread at a
time. Tasks are cached by id: a view or a filter asks core only which ids match
(`core.live.matching_ids`, cheap), and loads just the tasks it has not seen, so switching
views and filtering 50k tasks does not reload them. The cache is kept true by the event log
(`core.live.changes_since`), whoever made the change.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from core import live
from core.filters import sort_tasks
from core.schemas import SortKey, Status, TaskFilter, TaskRead, TaskUpdate

if TYPE_CHECKING:
    from config.settings import Settings
    from core.service import TaskService, UndoResult

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Counts:
    """What the sidebar shows next to each view, and the tags with their pending counts."""

    views: dict[str, int]
    tags: list[tuple[str, int]]


class Backend:
    """Database work for the TUI; thread-safe, every call blocks while it runs."""

    def __init__(self, service: TaskService, settings: Settings) -> None:
        self.service = service
        self.embedded = not settings.kafka.bootstrap_servers
        self._lock = threading.Lock()
        self._cache: dict[int, TaskRead] = {}
        self._seq = 0

    def now(self) -> datetime:
        """The service's clock, in the user's zone."""
        return self.service.now()

    def _locked(self, body: Callable[[], T]) -> T:
        with self._lock:
            return body()

    # -- reads -----------------------------------------------------------------------------

    def start(self) -> None:
        """Remember where the log is now: later changes are what `poll` reports."""
        self._locked(lambda: setattr(self, "_seq", live.head(self.service)))

    def view(self, flt: TaskFilter) -> list[TaskRead]:
        """The tasks `flt` selects, sorted as it asks (tasks loaded only the first time)."""
        return self._locked(lambda: self._view(flt))

    def _view(self, flt: TaskFilter) -> list[TaskRead]:
        ids = live.matching_ids(self.service, flt)
        if not ids.issubset(self._cache):
            for task in self.service.list_tasks(replace(flt, limit=None)):
                self._cache[task.id] = task
        tasks = [self._cache[i] for i in ids if i in self._cache]
        sort_tasks(tasks, flt.sort, flt.reverse, self.now())
        return tasks[: flt.limit] if flt.limit is not None else tasks

    def counts(self, views: dict[str, TaskFilter]) -> Counts:
        """How many tasks each named filter selects, and the tag counts."""
        return self._locked(
            lambda: Counts({k: self.service.count(f) for k, f in views.items()},
                           self.service.tags())
        )

    def poll(self, claim_reminders: bool) -> live.ChangeSet:
        """Claim reminders that fell due (when asked), then report what changed since the last
        poll. The claim is atomic in core, so racing `todo worker notify` is safe: each
        reminder is claimed once, and the `todo.reminder.due` event reaches us either way."""
        return self._locked(lambda: self._poll(claim_reminders))

    def _poll(self, claim_reminders: bool) -> live.ChangeSet:
        if claim_reminders:
            self.service.claim_due_reminders(self.now())
        changes = live.changes_since(self.service, self._seq)
        self._seq = changes.seq
        if changes.reload:
            self._cache.clear()
        for task in changes.tasks:
            self._cache[task.id] = task
        return changes

    # -- writes: each goes through core, then runs the in-process consumers -----------------

    def _write(self, body: Callable[[], T]) -> T:
        def run() -> T:
            result = body()
            if self.embedded:
                from services.embedded import run_inline

                # As the CLI does after each command: completing a recurring task makes its
                # next instance now, and the poll that follows shows it.
                run_inline(self.service)
            return result

        return self._locked(run)

    def add(self, text: str) -> TaskRead:
        """Create a task from quick-add text."""
        return self._write(lambda: self.service.add_text(text))

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

    def get(self, task_id: int) -> TaskRead:
        """One task as it is now."""
        return self._locked(lambda: self.service.get(task_id))


SORTS: Sequence[SortKey] = ("due", "priority", "urgency", "created", "title", "id")
"""The order `s` cycles through."""
