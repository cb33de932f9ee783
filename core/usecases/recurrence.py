"""Recurring tasks: the next instance after a completion (exactly once), and skipping an
instance to its next occurrence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from core import dates, kept
from core.creation import TaskCreate
from core.errors import BadInput
from core.queries import series as series_rows
from core.queries import tasks as task_rows
from core.recurrence.instances import Series, carried_reminders, next_instance
from core.schemas import Status, TaskRead
from core.unit_of_work import Tx, UnitOfWork
from core.usecases.planning import moved_plan
from core.usecases.tasks import insert, moved


def spawn_next_for(
    uow: UnitOfWork, task_uuid: str, applied: tuple[str, str], caused_by: int | None = None
) -> TaskRead | None:
    """Create the next instance after a completed recurring task, exactly once.

    `applied` is (consumer group, event id): the event is recorded as applied in the same
    transaction, and an event applied before changes nothing. An occurrence that already
    has an instance gets none; one whose instance was undone gets it back.
    """

    def body(tx: Tx) -> TaskRead | None:
        pk = task_rows.pk_of_uuid(tx.db, uow.owner, task_uuid)
        if pk is None:
            return None
        task = task_rows.load_pk(tx.db, pk, uow.tz)
        if task.status is not Status.COMPLETED or task.recurrence is None or task.due is None:
            return None  # reopened, deleted or no longer recurring since it was completed
        return _spawn_next(uow, tx, pk, task)

    return uow.write("recurrence", body, applied, caused_by)


def _spawn_next(uow: UnitOfWork, tx: Tx, pk: int, task: TaskRead) -> TaskRead | None:
    nxt = next_instance(task, series_rows.of(tx.db, pk), tx.now)
    if nxt is None or nxt.series.series_id is None or nxt.series.occurrence is None:
        return None
    existing = series_rows.pk_of_occurrence(
        tx.db, uow.owner, nxt.series.series_id, nxt.series.occurrence
    )
    if existing is not None:
        made = task_rows.load_pk(tx.db, existing, uow.tz)
        if made.status is not Status.DELETED:
            return None
        return uow.save(tx, existing, made, replace(made, status=Status.PENDING, updated=tx.now))
    due = dates.to_local(nxt.due, uow.tz)
    create = TaskCreate(
        title=task.title,
        notes=task.notes,
        priority=task.priority,
        tags=task.tags,
        due=due,
        recurrence=nxt.rrule,
        recur_from_completion=task.recur_from_completion,
        reminders=carried_reminders(task.reminders, due, uow.all_day_time, tx.now),
        kept=kept.for_next_instance(task.kept, task.due or due, due),
        **moved_plan(task, task.due or due, due),
    )
    return insert(uow, tx, create, nxt.series)


def skip(uow: UnitOfWork, ids: Sequence[int]) -> list[TaskRead]:
    """Move recurring tasks to their next occurrence without completing them."""

    def body(tx: Tx) -> list[TaskRead]:
        return [_skipped(uow, tx, pk, task) for pk, task in uow.load_live(tx, ids)]

    return uow.write("skip", body)


def _skipped(uow: UnitOfWork, tx: Tx, pk: int, task: TaskRead) -> TaskRead:
    if task.recurrence is None or task.due is None:
        raise BadInput(f"task {task.id} does not repeat: nothing to skip to")
    nxt = next_instance(task, series_rows.of(tx.db, pk), tx.now)
    if nxt is None:
        raise BadInput(f"task {task.id}'s series has no further occurrence")
    _refuse_taken_occurrence(uow, tx, task, nxt.series)
    shifted = moved(uow, task, dates.to_local(nxt.due, uow.tz), tx.now)
    shifted = replace(shifted, recurrence=nxt.rrule, updated=tx.now)
    return uow.save(tx, pk, task, shifted, nxt.series)


def _refuse_taken_occurrence(uow: UnitOfWork, tx: Tx, task: TaskRead, series: Series) -> None:
    # Reopening a completed instance leaves its successor in place: skipping onto that
    # occurrence would make two instances of one occurrence.
    if series.series_id is None or series.occurrence is None:
        return
    taken = series_rows.pk_of_occurrence(tx.db, uow.owner, series.series_id, series.occurrence)
    if taken is not None:
        other = task_rows.load_pk(tx.db, taken, uow.tz)
        raise BadInput(
            f"task {task.id}'s next occurrence is already task {other.id} "
            f"({other.status.value}): complete or delete task {task.id} instead"
        )
