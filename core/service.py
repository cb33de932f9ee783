"""The facade every interface calls: one method per use case, nothing else touches the store.

Each method hands its arguments to the use case in `core.usecases` that owns the feature;
`core.unit_of_work` holds the transaction and the one write path. Use-case modules are
imported where they are used, so a plain `todo count` loads neither the formats nor the
recurrence and reminder code.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time, tzinfo
from functools import partial
from typing import TYPE_CHECKING

from core.service_reports import ReportCalls
from core.service_workers import WorkerCalls
from core.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from core.audit import AuditEntry
    from core.changes import TaskUpdate
    from core.conversations import Conversations
    from core.creation import TaskCreate
    from core.formats import Format
    from core.project_tree import ProjectNode
    from core.results import DueReminder, HistoryEntry, ImportResult, UndoPreview, UndoResult
    from core.schemas import ReminderRead, TaskRead
    from core.selection import TaskFilter
    from core.store import Store
    from core.usecases.views import Views

__all__ = [
    "DueReminder", "HistoryEntry", "ImportResult", "ProgressFn", "TaskService", "UndoPreview",
    "UndoResult",
]

ProgressFn = Callable[[int, int], None]
ServiceHook = Callable[["TaskService"], "Sequence[TaskRead]"]
"""An after-commit hook as the opener registers it: given the service, returns the tasks it
created (see `core.unit_of_work`)."""
_RESULTS = ("DueReminder", "HistoryEntry", "ImportResult", "UndoPreview", "UndoResult")


def __getattr__(name: str) -> object:
    """The result types, re-exported here; core.results loads on first use (~3 ms that a
    plain `todo count` or `list` does not need)."""
    if name not in _RESULTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from core import results

    return getattr(results, name)


class TaskService(ReportCalls, WorkerCalls):
    """The task use cases for one owner, over one store."""

    def __init__(
        self,
        store: Store,
        owner: str,
        tz: tzinfo,
        clock: Callable[[], datetime] | None = None,
        all_day_time: time = time(9, 0),
        after_commit: Sequence[ServiceHook] = (),
    ) -> None:
        hooks = [partial(hook, self) for hook in after_commit]
        self.uow = UnitOfWork(store, owner, tz, clock, all_day_time, hooks)
        self.store = store
        self.owner = owner
        self.tz = tz
        self.all_day_time = all_day_time
        self._clock = clock

    def for_owner(self, owner: str) -> TaskService:
        """The same store, zone and clock, acting for another owner (consumers serve everyone)."""
        return TaskService(self.store, owner, self.tz, self._clock, self.all_day_time)

    @property
    def source(self) -> str:
        """The CloudEvents `source` of the events this service's writes append."""
        return self.uow.source

    def close(self) -> None:
        """Release the database connection."""
        self.store.close()

    @property
    def after_commit_results(self) -> list[TaskRead]:
        """The tasks the after-commit hooks created after the last write: the next instance
        of a recurring task just completed (embedded log; a worker makes it otherwise)."""
        return self.uow.made

    @property
    def deferred(self) -> str | None:
        """Why the after-commit hooks failed after the last write, or None: the write
        stands, and the next write runs them again."""
        return self.uow.deferred

    def now(self) -> datetime:
        """The current time in the user's zone (the injected clock in tests)."""
        return self.uow.now()

    # -- reading ---------------------------------------------------------------------------

    def get(self, task_id: int) -> TaskRead:
        """One task by id, in any status; NotFound if the owner has no such task."""
        from core.usecases import reading

        return reading.get(self.uow, task_id)

    def list_tasks(self, flt: TaskFilter) -> list[TaskRead]:
        """The tasks matching `flt`, sorted and limited as it asks."""
        from core.usecases import reading

        return reading.list_tasks(self.uow, flt)

    def count(self, flt: TaskFilter) -> int:
        """How many tasks match `flt` (sort and limit ignored)."""
        from core.usecases import reading

        return reading.count(self.uow, flt)

    @property
    def views(self) -> Views:
        """The owner's saved views and context (core.usecases.views.Views)."""
        from core.usecases.views import Views

        return Views(self.uow)

    def tags(self) -> list[tuple[str, int]]:
        """Every tag on a pending task, with how many pending tasks carry it."""
        from core.usecases import tags

        return tags.tags(self.uow)

    def project_tree(self) -> list[ProjectNode]:
        """Every project holding a pending task, as a tree with pending counts."""
        from core.usecases import projects

        return projects.project_tree(self.uow)

    def history(self, task_id: int) -> list[HistoryEntry]:
        """Every change of one task the audit log holds, oldest first."""
        from core.usecases import audit

        return audit.history(self.uow, task_id)

    def audit(
        self, since: datetime | None = None, kind: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """The owner's audit log since a time, of one event type ("completed" or a full type)."""
        from core.usecases import audit

        return audit.query(self.uow, since, kind, limit)

    def conversations(self) -> Conversations:
        """The owner's stored chat conversations (core/conversations.py)."""
        from core.conversations import Conversations

        return Conversations(self.store, self.owner, self.now)

    # -- import and export -----------------------------------------------------------------

    def export(self, fmt: str, flt: TaskFilter | None = None) -> str:
        """All tasks (or those matching `flt`) as json, todotxt or ical text."""
        from core.usecases import transfer

        return transfer.export(self.uow, fmt, flt)

    def import_text(
        self, text: str, progress: ProgressFn | None = None, fmt: Format | None = None
    ) -> ImportResult:
        """Import our JSON, Taskwarrior JSON, todo.txt or iCalendar text, all or nothing.

        `fmt` names the format; None detects it. Tasks whose uuid the owner already has are
        skipped, so importing a file twice adds nothing the second time.
        """
        from core.usecases import transfer

        return transfer.import_text(self.uow, text, progress, fmt)

    # -- creating and changing -------------------------------------------------------------

    def add(self, create: TaskCreate) -> TaskRead:
        """Create one task from validated fields."""
        from core.usecases import tasks

        return tasks.add(self.uow, create)

    def add_text(
        self,
        text: str,
        *,
        due: str | None = None,
        priority: str | None = None,
        tags: Sequence[str] = (),
        notes: str | None = None,
        every: str | None = None,
        remind: Sequence[str] = (),
        project: str | None = None,
        wait: str | None = None,
        scheduled: str | None = None,
        until: str | None = None,
        default_project: str | None = None,
        parent: int | None = None,
        depends: Sequence[int] = (),
    ) -> TaskRead:
        """Create a task from quick-add text; explicit options override what the text says.

        `every` is a recurrence phrase ("every mon at 9am"), `remind` reminder phrases
        ("30m before", "at 3pm"); `project` a path ("home/garden"); `wait`, `scheduled` and
        `until` date phrases (a day waits from its start and expires at its end);
        `default_project` the project when neither `project` nor the text names one; `parent`
        the id of the task this is a subtask of, `depends` the ids of the tasks blocking it.
        """
        from core.usecases import tasks
        from core.usecases.planning import PlanFields

        plan = PlanFields(project, wait, scheduled, until, default_project)
        return tasks.add_text(self.uow, text, due=due, priority=priority, tags=tags,
                              notes=notes, every=every, remind=remind, fields=plan,
                              parent=parent, depends=depends)

    def update(self, ids: Sequence[int], change: TaskUpdate) -> list[TaskRead]:
        """Apply one partial change to each task; deleted tasks must be restored first."""
        from core.usecases import tasks

        return tasks.update(self.uow, ids, change)

    def complete(self, ids: Sequence[int], with_children: bool = False) -> list[TaskRead]:
        """Mark pending tasks completed.

        A parent with open subtasks is refused (BadInput naming them) unless
        `with_children`, which completes them in the same undoable change. Completing the
        last pending blocker of a task appends `todo.task.unblocked` for it.
        A recurring task's next instance is made by the recurrence consumer of the
        `todo.task.completed` event (`spawn_next_for`): in-process right after the command
        on the embedded log, or by `todo worker recurrence` with Kafka.
        """
        from core.usecases import tasks

        return tasks.complete(self.uow, ids, with_children)

    def children(self, task_id: int) -> list[TaskRead]:
        """The direct subtasks (not deleted) of a task, in id order."""
        from core.usecases import links

        return links.children(self.uow, task_id)

    def dependants(self, task_id: int) -> list[TaskRead]:
        """The tasks (not deleted) that depend on a task: what it blocks, in id order."""
        from core.usecases import links

        return links.dependants(self.uow, task_id)

    def reopen(self, ids: Sequence[int]) -> list[TaskRead]:
        """Mark completed tasks pending again."""
        from core.usecases import tasks

        return tasks.reopen(self.uow, ids)

    def delete(self, ids: Sequence[int]) -> list[TaskRead]:
        """Soft-delete tasks and their subtasks: they leave every list but `--status deleted`
        and can be restored (`todo undo` brings back the whole change)."""
        from core.usecases import tasks

        return tasks.delete(self.uow, ids)

    def restore(self, ids: Sequence[int]) -> list[TaskRead]:
        """Bring deleted tasks back to the status they had before deletion."""
        from core.usecases import tasks

        return tasks.restore(self.uow, ids)

    def rename_tag(self, old: str, new: str) -> list[TaskRead]:
        """Rename a tag on every task that has it (merging if the new tag exists already)."""
        from core.usecases import tags

        return tags.rename_tag(self.uow, old, new)

    def rename_project(self, old: str, new: str) -> list[TaskRead]:
        """Move a project, its sub-projects and their tasks to a new path (one undoable change)."""
        from core.usecases import projects

        return projects.rename_project(self.uow, old, new)

    # -- recurrence ------------------------------------------------------------------------

    def skip(self, ids: Sequence[int]) -> list[TaskRead]:
        """Move recurring tasks to their next occurrence without completing them."""
        from core.usecases import recurrence

        return recurrence.skip(self.uow, ids)

    def set_recurrence(self, ids: Sequence[int], phrase: str | None) -> list[TaskRead]:
        """Give tasks a rule from this instance on ("every mon at 9am"), or end it (None)."""
        from core.changes import TaskUpdate

        return self.update(ids, TaskUpdate(recurrence=phrase))

    # -- reminders -------------------------------------------------------------------------

    def remind(self, ids: Sequence[int], when: str) -> list[TaskRead]:
        """Add a reminder: relative ("30m before", "1 day before") or absolute ("at 3pm")."""
        from core.changes import TaskUpdate

        return self.update(ids, TaskUpdate(add_reminders=(when,)))

    def snooze(self, ids: Sequence[int], duration: str) -> list[TaskRead]:
        """Dismiss what has fired and remind again after `duration` ("10m", "1h", "1d")."""
        from core.usecases import reminders

        return reminders.snooze(self.uow, ids, duration)

    def dismiss(self, ids: Sequence[int]) -> list[TaskRead]:
        """Mark reminders that have fired (or are due) as dismissed."""
        from core.usecases import reminders

        return reminders.dismiss(self.uow, ids)

    def unremind(self, ids: Sequence[int]) -> list[TaskRead]:
        """Remove every reminder of these tasks."""
        from core.usecases import reminders

        return reminders.unremind(self.uow, ids)

    def upcoming_reminders(self, everything: bool = False) -> list[tuple[TaskRead, ReminderRead]]:
        """Pending reminders of pending tasks, soonest first (`everything`: every reminder)."""
        from core.usecases import reminders

        tasks = self.list_tasks(reminders.upcoming_filter(everything))
        return reminders.upcoming(tasks, everything)

    # -- undo ------------------------------------------------------------------------------

    def undo(self) -> UndoResult:
        """Revert the owner's most recent operation not yet undone (repeat to go further back)."""
        from core.usecases import undo

        return undo.undo(self.uow)

    def undo_preview(self) -> UndoPreview:
        """What `undo()` would revert now, changing nothing (NothingToDo when nothing)."""
        from core.usecases import undo

        return undo.preview(self.uow)
