"""The unit of work: one write transaction per mutation, and `save`, the one place a task
is written (diff the fields, write the row, append the event to the outbox).

Each mutation opens an operation (the unit of undo) in its transaction; every changed
task gets one event in the outbox, so consumers and undo see exactly what changed.

After-commit hooks run once a write transaction has committed (never after a read, nor
after one that rolled back): the embedded log's consumers are one, registered where the
service is opened (`services.opener`), so no interface runs them by hand. A hook that
fails does not undo the committed write: its failure is kept in `deferred` for the
interface to show, and the next write runs the hooks again.

Reads (`todo list`, `count`) go through this class too, for its store, owner, zone and clock,
so the write path's modules (events, the outbox, operations, consumers, links, series rows)
are imported by the methods that write: a read loads none of them (~2 ms of imports).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, time, tzinfo
from typing import TYPE_CHECKING, TypeVar

from core import dates
from core.errors import BadInput
from core.schemas import Status, TaskRead

if TYPE_CHECKING:
    # Series loads where a recurring task changes: reads skip the recurrence modules (~3-5 ms).
    from core import events
    from core.recurrence.instances import Series
    from core.store import Db, Store

T = TypeVar("T")
Edit = Callable[[TaskRead, datetime], TaskRead]
AfterCommit = Callable[[], Sequence[TaskRead]]
"""A hook run after each committed write; returns the tasks it created (shown to the user)."""
TRACKED = (
    "title", "notes", "status", "priority", "tags", "due", "completed", "recurrence",
    "recurrence_from", "reminders", "project", "wait", "scheduled", "until", "parent", "depends",
)


class Tx:
    """One open write transaction: its connection, operation and time.

    A plain class: every write loads it, and a dataclass costs ~0.5 ms to create."""

    __slots__ = ("db", "last_id", "now", "op_id")

    def __init__(self, db: Db, op_id: int, now: datetime) -> None:
        self.db = db
        self.op_id = op_id
        self.now = now
        self.last_id: int | None = None

    def next_id(self, owner: str) -> int:
        """The owner's next task number; asked of the database once per transaction, since
        writers are serialised (an import of 10k tasks asks once, not 10k times)."""
        from core.queries import tasks

        self.last_id = (
            tasks.next_id(self.db, owner) if self.last_id is None else self.last_id + 1
        )
        return self.last_id


class UnitOfWork:
    """One owner's store, zone and clock, and the write path every use case goes through."""

    def __init__(
        self,
        store: Store,
        owner: str,
        tz: tzinfo,
        clock: Callable[[], datetime] | None = None,
        all_day_time: time = time(9, 0),
        after_commit: Sequence[AfterCommit] = (),
    ) -> None:
        self.store = store
        self.owner = owner
        self.tz = tz
        self.all_day_time = all_day_time
        self.clock = clock
        self._source: str | None = None
        self.after_commit = list(after_commit)
        self.made: list[TaskRead] = []
        """The tasks the after-commit hooks created after the last write."""
        self.deferred: str | None = None
        """Why the hooks failed after the last write (the next write retries), or None."""
        self._in_hooks = False

    @property
    def source(self) -> str:
        """The CloudEvents `source` of the events this owner's writes append."""
        if self._source is None:
            from core import events

            self._source = events.source_for(self.owner, _host_name())
        return self._source

    def now(self) -> datetime:
        """The current time in the user's zone (the injected clock in tests)."""
        if self.clock is not None:
            return self.clock().astimezone(self.tz)
        return dates.now_local(self.tz)

    def write(
        self,
        kind: str,
        body: Callable[[Tx], T],
        applied: tuple[str, str] | None = None,
        caused_by: int | None = None,
    ) -> T:
        """Run `body` in one write transaction under a new operation of `kind`; with
        `applied` (consumer group, event id) a replayed event changes nothing."""
        from core.queries import consumers, operations

        with self.store.write() as db:
            now = self.now()
            if applied is not None and not consumers.mark_applied(db, *applied, now):
                return None  # type: ignore[return-value]  # replayed event: nothing to do
            op_id = operations.start(db, self.owner, kind, now, None, caused_by)
            result = body(Tx(db, op_id, now))
        self._run_after_commit()
        return result

    def _run_after_commit(self) -> None:
        """Run the hooks on what just committed; a failure is kept, never raised."""
        if self._in_hooks or not self.after_commit:
            return  # a hook's own writes (the consumers') do not run the hooks again
        self._in_hooks = True
        self.made, self.deferred = [], None
        try:
            for hook in self.after_commit:
                self._run_hook(hook)
        finally:
            self._in_hooks = False

    def _run_hook(self, hook: AfterCommit) -> None:
        try:
            self.made.extend(hook())
        except Exception as exc:  # the write stands; the next write runs the hook again
            self.deferred = f"background processing deferred ({exc})"

    def change(
        self, kind: str, ids: Sequence[int], edit: Edit, allow_deleted: bool = False
    ) -> list[TaskRead]:
        """Apply `edit` to each task in one operation and save what changed."""

        def body(tx: Tx) -> list[TaskRead]:
            live = allow_deleted or kind == "delete"
            return [
                self.save(tx, pk, task, edit(task, tx.now))
                for pk, task in self.load_live(tx, ids, allow_deleted=live)
            ]

        return self.write(kind, body)

    def load_live(
        self, tx: Tx, ids: Sequence[int], allow_deleted: bool = False
    ) -> list[tuple[int, TaskRead]]:
        """The tasks with their row keys; BadInput for no ids or (unless allowed) a deleted one."""
        if not ids:
            raise BadInput("no task ids given")
        from core.queries import tasks

        loaded = tasks.load(tx.db, self.owner, ids, self.tz)
        for _pk, task in loaded:
            if task.status is Status.DELETED and not allow_deleted:
                raise BadInput(f"task {task.id} is deleted: restore it first")
        return loaded

    def append(self, tx: Tx, pk: int, event: events.Event) -> None:
        """Append `event` about task `pk` to the outbox in this transaction."""
        from core.queries import outbox

        outbox.append(tx.db, tx.op_id, self.owner, pk, event, self.source)

    def save(
        self, tx: Tx, pk: int, before: TaskRead, after: TaskRead, series: Series | None = None
    ) -> TaskRead:
        """Write `after` over `before` and append its event; unchanged tasks are not written."""
        # Writes only: reads (list, count) skip the JSON shapes and the validation (zoneinfo).
        from core import events
        from core.formats.task_shape import task_to_dict
        from core.queries import tasks
        from core.validation import check_dates

        if after.status is not before.status or after.depends != before.depends:
            after = self._blocked_now(tx, after)
        new = task_to_dict(after, self.tz)
        changes = events.diff(task_to_dict(before, self.tz), new, TRACKED)
        if not changes:
            return before
        check_dates(after, [name for name in ("due", "reminders") if name in changes])
        if series is None and after.recurrence is not None and after.due is not None:
            series = self._series_after(tx, pk, after, changes)
        version = tasks.update(tx.db, pk, after, changes, series)
        kind = events.type_for_status(before.status.value, after.status.value)
        self.append(tx, pk, events.make_event(kind, new, changes, self.owner, version, tx.now))
        return after

    def _blocked_now(self, tx: Tx, task: TaskRead) -> TaskRead:
        """`task` with `blocked` as its new status or blockers make it (for its event)."""
        from core.queries import links

        blocked = (task.status is Status.PENDING and bool(task.depends)
                   and links.any_pending(tx.db, self.owner, task.depends))
        return replace(task, blocked=blocked)

    def _series_after(
        self, tx: Tx, pk: int, after: TaskRead, changes: events.Changes
    ) -> Series | None:
        """The series bookkeeping a changed recurring task needs, or None to keep it."""
        from core.queries import series as series_rows
        from core.queries import tasks
        from core.recurrence.instances import occurrence_key, start_series

        assert after.due is not None
        if "recurrence" in changes:
            # A new rule applies from this instance on: the series restarts here.
            current = series_rows.of(tx.db, pk)
            return start_series(after.due, self.tz, current.series_id)
        if "due" not in changes:
            return None
        # The instance now stands for the occurrence on its new due date (skip, undo, edit),
        # so the next completion makes the instance that follows that one.
        current = series_rows.of(tx.db, pk)
        key = occurrence_key(after.due)
        if current.series_id is None or current.occurrence == key:
            return None
        clash = series_rows.pk_of_occurrence(tx.db, self.owner, current.series_id, key)
        if clash is not None and clash != pk:
            other = tasks.load_pk(tx.db, clash, self.tz)
            raise BadInput(
                f"task {other.id} is already the occurrence of this series on "
                f"{dates.iso(after.due, self.tz)}"
            )
        return replace(current, occurrence=key)


def _host_name() -> str:
    # os.uname is what socket.gethostname reads on POSIX, without importing socket (~3 ms).
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()
