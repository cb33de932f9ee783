"""Creating and changing tasks: add, quick-add, edit, complete, reopen, delete, restore."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core import dates, events, projects, quickadd
from core.creation import TaskCreate
from core.errors import BadInput
from core.formats.task_shape import task_to_dict
from core.ids import new_uuid
from core.priorities import Priority, parse_priority
from core.queries import outbox
from core.queries import tasks as task_rows
from core.schemas import UNSET, Due, ReminderRead, Status, TaskRead
from core.store import Db
from core.tags import normalise_tags
from core.text import check_text
from core.unit_of_work import Tx, UnitOfWork
from core.usecases import links
from core.usecases.planning import PlanFields, instant, plan_changes, planned
from core.validation import (
    check_dates,
    clean_notes,
    named_zone,
    placed,
    sorted_reminders,
    valid_due,
    valid_reminders,
    valid_title,
)

if TYPE_CHECKING:
    from core.changes import TaskUpdate
    from core.recurrence import Rule as Recurrence
    from core.recurrence.instances import Series
    from core.reminders import ReminderSpec

# The repeat and reminder machinery (core.recurrence, core.reminders) is imported where a
# task repeats or reminds: a plain `todo add` loads neither (~2 ms, tests/cli/test_process.py).


def add(uow: UnitOfWork, create: TaskCreate) -> TaskRead:
    """Create one task from validated fields."""
    return uow.write("add", lambda tx: insert(uow, tx, create))


def add_text(
    uow: UnitOfWork,
    text: str,
    *,
    due: str | None = None,
    priority: str | None = None,
    tags: Sequence[str] = (),
    notes: str | None = None,
    every: str | None = None,
    remind: Sequence[str] = (),
    fields: PlanFields | None = None,
    parent: int | None = None,
    depends: Sequence[int] = (),
) -> TaskRead:
    """Create a task from quick-add text; explicit options override what the text says."""
    now = uow.now()
    parsed = quickadd.parse(check_text("title", text), now)
    rule = _rule_option(every, now) if every else parsed.recurrence
    when = dates.parse_due(due, now) if due else parsed.due
    if rule is not None:
        from core.recurrence import first_due

        when = first_due(rule, now, when)
    specs = [*parsed.reminders, *_reminder_options(remind, now)]
    create = TaskCreate(
        title=parsed.title,
        notes=notes,
        priority=parse_priority(priority) if priority else parsed.priority or Priority.NONE,
        tags=(*parsed.tags, *tags),
        due=when,
        recurrence=None if rule is None else rule.rrule,
        recur_from_completion=rule is not None and rule.from_completion,
        reminders=_new_reminders(uow, specs, when),
        **planned(uow, parsed, fields or PlanFields(), now),
        parent=parent,
        depends=tuple(depends),
    )
    if rule is None or when is None:
        return add(uow, create)
    from core.recurrence.instances import start_series

    series = start_series(when, uow.tz, clock=rule.time)
    return uow.write("add", lambda tx: insert(uow, tx, create, series))


def _rule_option(every: str, now: datetime) -> Recurrence:
    from core.recurrence import parse_rule

    return parse_rule(every, now)


def _reminder_options(remind: Sequence[str], now: datetime) -> list[ReminderSpec]:
    if not remind:
        return []
    from core.reminders import parse_reminder

    return [parse_reminder(r, now) for r in remind]


def _new_reminders(
    uow: UnitOfWork, specs: Sequence[ReminderSpec], due: Due | None
) -> tuple[ReminderRead, ...]:
    if not specs:
        return ()
    # Here: the reminder use cases (deliveries, results) load only when a reminder is asked for.
    from core.usecases.reminders import new_reminder

    return tuple(new_reminder(uow, spec, due) for spec in specs)


def insert(uow: UnitOfWork, tx: Tx, create: TaskCreate, series: Series | None = None) -> TaskRead:
    """Write a new task and its `created` event in the open transaction."""
    check_dates(create, ("due", "reminders", "created", "updated", "completed", "wait",
                         "scheduled", "until"))
    rrule, due = _rule_and_due(uow, create, tx.now)
    task = links.linked_new(uow, tx, _new_task(uow, tx, create, rrule, due))
    if series is None:
        series = _series_of_new(uow, create, rrule, due)
    pk = task_rows.insert(tx.db, uow.owner, task, series)
    snapshot = task_to_dict(task, uow.tz)
    uow.append(tx, pk, events.make_event(events.CREATED, snapshot, {}, uow.owner, 1, tx.now))
    return task


def _rule_and_due(
    uow: UnitOfWork, create: TaskCreate, now: datetime
) -> tuple[str | None, Due | None]:
    """A new task's checked rule and due: a repeating task without one starts on its rule's
    first due."""
    if create.recurrence is None:
        return None, valid_due(placed(create.due, uow.tz), uow.tz)
    from core.recurrence import Rule, first_due, validate_rrule

    rrule = validate_rrule(create.recurrence)
    due = valid_due(placed(create.due, uow.tz), uow.tz)
    if due is None:
        due = first_due(Rule(rrule, create.recur_from_completion), now, None)
    return rrule, due


def _new_task(
    uow: UnitOfWork, tx: Tx, create: TaskCreate, rrule: str | None, due: Due | None
) -> TaskRead:
    task = TaskRead(
        id=tx.next_id(uow.owner),
        uuid=create.uuid or new_uuid(),
        title=valid_title(create.title),
        notes=clean_notes(create.notes),
        status=create.status,
        priority=create.priority,
        tags=normalise_tags(create.tags),
        due=due,
        created=create.created or tx.now,
        updated=create.updated or create.created or tx.now,
        completed=create.completed if create.status is Status.COMPLETED else None,
        recurrence=rrule,
        recur_from_completion=rrule is not None and create.recur_from_completion,
        reminders=_anchored(uow, valid_reminders(create.reminders, uow.tz), due),
        kept=dict(create.kept),
        project=projects.optional(create.project),
        wait=instant(create.wait, uow.tz),
        scheduled=valid_due(placed(create.scheduled, uow.tz), uow.tz),
        until=instant(create.until, uow.tz),
        parent=create.parent,
        depends=create.depends,
    )
    if task.status is Status.COMPLETED and task.completed is None:
        return replace(task, completed=task.updated)
    return task


def _anchored(
    uow: UnitOfWork, items: tuple[ReminderRead, ...], due: Due | None
) -> tuple[ReminderRead, ...]:
    """Relative reminders at their instant before `due`, counted as this user counts them
    (all-day time, zone): an import only knows how long before the due they are."""
    if due is None or not items:
        return items
    from core import reminders

    return sorted_reminders([
        item if item.before is None else replace(item, at=reminders.reminder_at(
            reminders.ReminderSpec(before=reminders.parse_iso_duration(item.before)),
            due, uow.all_day_time, uow.tz))
        for item in items
    ])


def _series_of_new(
    uow: UnitOfWork, create: TaskCreate, rrule: str | None, due: Due | None
) -> Series | None:
    """A new task's series: its own, or the imported series it is an instance of, in the
    zone the import names (the user's otherwise); None for a task that does not repeat."""
    if rrule is None or due is None:
        return None
    from core.recurrence.instances import occurrence_key, start_series

    zone = uow.tz if create.zone is None else named_zone(create.zone)
    start = valid_due(placed(create.recur_start, uow.tz), uow.tz) or due
    series = start_series(start, zone, create.series_id)
    return replace(series, occurrence=occurrence_key(due))


def update(uow: UnitOfWork, ids: Sequence[int], change: TaskUpdate) -> list[TaskRead]:
    """Apply one partial change to each task; deleted tasks must be restored first."""
    if not change.changes():
        raise BadInput(
            "nothing to change: give a new title, notes, priority, due, tags, "
            "recurrence, reminders, project, wait, scheduled, until, parent or depends"
        )

    def body(tx: Tx) -> list[TaskRead]:
        return [
            uow.save(tx, pk, task, links.relinked(uow, tx, _edited(uow, task, change, tx.now),
                                                  change))
            for pk, task in uow.load_live(tx, ids)
        ]

    return uow.write("edit", body)


def _edited(uow: UnitOfWork, task: TaskRead, change: TaskUpdate, now: datetime) -> TaskRead:
    edited = replace(task, **_plain_fields(task, change), updated=now)
    if change.due is not UNSET:
        edited = moved(uow, edited, valid_due(change.due, uow.tz), now)
    if change.recurrence is not UNSET:
        edited = recurring(uow, edited, change.recurrence, now)
    edited = replace(edited, **plan_changes(uow, change))
    if change.add_reminders:
        from core.reminders import parse_reminder
        from core.usecases.reminders import new_reminder

        added = [new_reminder(uow, parse_reminder(r, now), edited.due)
                 for r in change.add_reminders]
        edited = replace(edited, reminders=sorted_reminders([*edited.reminders, *added]))
    if edited.recurrence is not None and edited.due is None:
        raise BadInput(
            f"task {task.id} repeats, so it needs a due date: "
            f"end the series first (todo recur {task.id} --clear)"
        )
    return edited


def _plain_fields(task: TaskRead, change: TaskUpdate) -> dict[str, Any]:
    """The changed fields that need no date arithmetic: title, notes, priority, tags."""
    values: dict[str, Any] = {}
    if change.title is not UNSET:
        values["title"] = valid_title(change.title)
    if change.notes is not UNSET:
        values["notes"] = clean_notes(change.notes)
    if change.priority is not UNSET:
        values["priority"] = change.priority
    tags = set(task.tags) if change.tags is UNSET else set(normalise_tags(change.tags))
    tags |= set(normalise_tags(change.add_tags))
    tags -= set(normalise_tags(change.remove_tags))
    values["tags"] = tuple(sorted(tags))
    return values


def moved(uow: UnitOfWork, task: TaskRead, due: Due | None, now: datetime) -> TaskRead:
    """`task` with a new due date; its relative reminders follow."""
    from core.recurrence.instances import moved_reminders

    return replace(task, due=due, reminders=moved_reminders(task.reminders, due,
                                                              uow.all_day_time, now))


def recurring(uow: UnitOfWork, task: TaskRead, phrase: str | None, now: datetime) -> TaskRead:
    """`task` with a new rule from this instance on, or with its series ended (None)."""
    if phrase is None:
        return replace(task, recurrence=None, recur_from_completion=False)
    from core.recurrence import first_due, parse_rule

    rule = parse_rule(phrase, now)
    shifted = moved(uow, task, first_due(rule, now, task.due), now)
    return replace(shifted, recurrence=rule.rrule, recur_from_completion=rule.from_completion)


def complete(uow: UnitOfWork, ids: Sequence[int], with_children: bool = False) -> list[TaskRead]:
    """Mark pending tasks completed; a parent's open subtasks must be done first, or with it
    (`with_children`). Tasks left without a pending blocker get `todo.task.unblocked`."""

    def body(tx: Tx) -> list[TaskRead]:
        loaded = uow.load_live(tx, ids)
        extra = links.open_children(uow, tx, loaded, with_children)
        loaded += task_rows.load(tx.db, uow.owner, extra, uow.tz)
        done = [(pk, uow.save(tx, pk, task, _completed(task, tx.now))) for pk, task in loaded]
        links.announce_unblocked(uow, tx, done)
        return [task for _pk, task in done]

    return uow.write("done", body)


def reopen(uow: UnitOfWork, ids: Sequence[int]) -> list[TaskRead]:
    """Mark completed tasks pending again."""
    return uow.change("reopen", ids, _reopened)


def delete(uow: UnitOfWork, ids: Sequence[int]) -> list[TaskRead]:
    """Soft-delete tasks and their subtasks: they leave every list but `--status deleted`
    and can be restored (`todo undo` brings back the whole change)."""

    def body(tx: Tx) -> list[TaskRead]:
        loaded = uow.load_live(tx, ids, allow_deleted=True)
        loaded += task_rows.load(tx.db, uow.owner, links.live_children(tx, loaded), uow.tz)
        return [uow.save(tx, pk, task, _deleted(task, tx.now)) for pk, task in loaded]

    return uow.write("delete", body)


def restore(uow: UnitOfWork, ids: Sequence[int]) -> list[TaskRead]:
    """Bring deleted tasks back to the status they had before deletion."""

    def body(tx: Tx) -> list[TaskRead]:
        out = []
        for pk, task in task_rows.load(tx.db, uow.owner, ids, uow.tz):
            if task.status is not Status.DELETED:
                raise BadInput(f"task {task.id} is not deleted")
            status = Status(_status_before_delete(tx.db, pk))
            out.append(uow.save(tx, pk, task, replace(task, status=status, updated=tx.now)))
        return out

    return uow.write("restore", body)


def _status_before_delete(db: Db, pk: int) -> str:
    data = outbox.last_data(db, pk, events.DELETED)
    if data is None:
        return Status.PENDING.value
    old = json.loads(data)["changes"].get("status", {}).get("old")
    return str(old) if old in ("pending", "completed") else Status.PENDING.value


def _completed(task: TaskRead, now: datetime) -> TaskRead:
    if task.status is Status.COMPLETED:
        raise BadInput(f"task {task.id} is already completed")
    return replace(task, status=Status.COMPLETED, completed=now, updated=now)


def _reopened(task: TaskRead, now: datetime) -> TaskRead:
    if task.status is not Status.COMPLETED:
        raise BadInput(f"task {task.id} is not completed")
    return replace(task, status=Status.PENDING, completed=None, updated=now)


def _deleted(task: TaskRead, now: datetime) -> TaskRead:
    if task.status is Status.DELETED:
        raise BadInput(f"task {task.id} is already deleted")
    return replace(task, status=Status.DELETED, updated=now)
