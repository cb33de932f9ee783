"""Reminders of tasks: add, snooze, dismiss, remove, list, claim when due, announce, and
the delivery bookkeeping of the notifier (which channel sent which reminder event)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from core import dates, deliveries, events, reminders
from core.errors import BadInput, NothingToDo
from core.formats.task_shape import task_to_dict
from core.queries import reminders as reminder_rows
from core.queries import tasks as task_rows
from core.results import DueReminder
from core.schemas import Due, ReminderRead, ReminderState, TaskRead
from core.selection import TaskFilter
from core.unit_of_work import Tx, UnitOfWork
from core.validation import sorted_reminders


def new_reminder(uow: UnitOfWork, spec: reminders.ReminderSpec, due: Due | None) -> ReminderRead:
    """A pending reminder for `spec`, placed against `due` as this user counts days."""
    at = reminders.reminder_at(spec, due, uow.all_day_time, uow.tz)
    before = None if spec.before is None else reminders.iso_duration(spec.before)
    return ReminderRead(at.astimezone(uow.tz), before, ReminderState.PENDING)


def snooze(uow: UnitOfWork, ids: Sequence[int], duration: str) -> list[TaskRead]:
    """Dismiss what has fired and remind again after `duration` ("10m", "1h", "1d")."""
    delta = reminders.parse_duration(duration)

    def snoozed(task: TaskRead, now: datetime) -> TaskRead:
        still = [_dismissed(r, now) for r in task.reminders]
        try:
            at = now + delta
        except OverflowError:
            raise BadInput(f"'{duration}' is too long a snooze") from None
        again = ReminderRead(at, None, ReminderState.PENDING)
        return replace(task, reminders=sorted_reminders([*still, again]), updated=now)

    return uow.change("snooze", ids, snoozed)


def dismiss(uow: UnitOfWork, ids: Sequence[int]) -> list[TaskRead]:
    """Mark reminders that have fired (or are due) as dismissed."""

    def dismissed(task: TaskRead, now: datetime) -> TaskRead:
        items = tuple(_dismissed(r, now) for r in task.reminders)
        if items == task.reminders:
            raise NothingToDo(f"task {task.id} has no reminder to dismiss")
        return replace(task, reminders=items, updated=now)

    return uow.change("dismiss", ids, dismissed)


def unremind(uow: UnitOfWork, ids: Sequence[int]) -> list[TaskRead]:
    """Remove every reminder of these tasks."""

    def cleared(task: TaskRead, now: datetime) -> TaskRead:
        if not task.reminders:
            raise NothingToDo(f"task {task.id} has no reminder to remove")
        return replace(task, reminders=(), updated=now)

    return uow.change("unremind", ids, cleared)


def _dismissed(reminder: ReminderRead, now: datetime) -> ReminderRead:
    if reminder.state is ReminderState.FIRED or (
        reminder.state is ReminderState.PENDING and reminder.at <= now
    ):
        return replace(reminder, state=ReminderState.DISMISSED)
    return reminder


def upcoming(
    tasks: Sequence[TaskRead], everything: bool = False
) -> list[tuple[TaskRead, ReminderRead]]:
    """The reminders of `tasks` (pending ones unless `everything`), soonest first."""
    pairs = [
        (task, r)
        for task in tasks
        for r in task.reminders
        if everything or r.state is ReminderState.PENDING
    ]
    return sorted(pairs, key=lambda pair: (pair[1].at, pair[0].id))


def upcoming_filter(everything: bool) -> TaskFilter:
    """The tasks whose reminders `upcoming` looks at."""
    return TaskFilter(status="all" if everything else "pending")


def claim_due(uow: UnitOfWork, now: datetime, limit: int = 100) -> list[DueReminder]:
    """Atomically mark due reminders fired and return them: racing callers never share one."""
    with uow.store.read() as db:
        # A scheduler ticks every second: an idle tick must not take the write lock.
        if not reminder_rows.any_due(db, uow.owner, now):
            return []
    return uow.write("claim-reminders", lambda tx: _claim(uow, tx, now, limit))


def _claim(uow: UnitOfWork, tx: Tx, now: datetime, limit: int) -> list[DueReminder]:
    claimed = []
    for reminder_id, task_pk in reminder_rows.due(tx.db, uow.owner, now, limit):
        fired_row = reminder_rows.fire(tx.db, reminder_id, now)
        if fired_row is None:
            continue
        at, before = fired_row
        reminder = ReminderRead(at.astimezone(uow.tz), before, ReminderState.FIRED)
        task = task_rows.load_pk(tx.db, task_pk, uow.tz)
        claimed.append(DueReminder(reminder_id, task, reminder))
        _announce_due(uow, tx, task_pk, task, reminder, reminder_id)
    return claimed


def _announce_due(
    uow: UnitOfWork, tx: Tx, pk: int, task: TaskRead, reminder: ReminderRead, reminder_id: int
) -> None:
    # Claiming and announcing share the transaction: a reminder is announced exactly once.
    detail = {"id": reminder_id, "at": dates.iso(reminder.at, uow.tz), "before": reminder.before}
    snapshot = task_to_dict(task, uow.tz)
    uow.append(tx, pk, events.reminder_event(events.REMINDER_DUE, snapshot, detail,
                                             uow.owner, tx.now))


def fired(uow: UnitOfWork, due_event: dict[str, Any], channels: Sequence[str]) -> None:
    """Append `todo.reminder.fired` for a delivered `todo.reminder.due` event, once."""
    data = due_event["data"]

    def body(tx: Tx) -> None:
        pk = task_rows.pk_of_uuid(tx.db, uow.owner, data["task"]["uuid"])
        if pk is None:
            return
        reminder = {**data["reminder"], "channels": list(channels), "due_event": due_event["id"]}
        uow.append(tx, pk, events.reminder_event(events.REMINDER_FIRED, data["task"], reminder,
                                                 uow.owner, tx.now))

    uow.write("reminder-fired", body, ("reminder-fired", due_event["id"]))


def claim_deliveries(
    uow: UnitOfWork, event_id: str, channels: Sequence[str], holder: str, lease_s: float
) -> dict[str, deliveries.Claim]:
    """Claim sending reminder event `event_id` on these channels (see core.deliveries)."""
    return deliveries.claim(uow.store, event_id, channels, holder, lease_s, datetime.now(UTC))


def renew_deliveries(
    uow: UnitOfWork, claims: Sequence[tuple[str, str]], holder: str, lease_s: float
) -> list[tuple[str, str]]:
    """Extend `holder`'s claims while their sends run; returns the (event, channel) lost."""
    return deliveries.renew(uow.store, claims, holder, lease_s, datetime.now(UTC))
