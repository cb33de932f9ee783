"""The use cases: every interface calls these methods and nothing else touches the store.

Each mutation is one write transaction that opens an operation (the unit of undo),
changes rows and appends one event per changed task to the outbox.
"""

from __future__ import annotations

import json
import os
import uuid as uuidlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core import (
    audit,
    dates,
    deliveries,
    events,
    kept,
    quickadd,
    recurrence,
    reminders,
    repository,
)
from core.audit import AuditEntry
from core.errors import BadInput, NotFound, NothingToDo
from core.filters import first_by_due, sort_tasks, where_for
from core.formats import Format, jsonfmt
from core.priorities import Priority, parse_priority
from core.schemas import (
    UNSET,
    Due,
    ReminderRead,
    ReminderState,
    Status,
    TaskCreate,
    TaskFilter,
    TaskRead,
    TaskUpdate,
)
from core.series import (
    Series,
    carried_reminders,
    moved_reminders,
    next_instance,
    occurrence_key,
    start_series,
)
from core.store import Db, Store, read_dt
from core.tags import normalise_tag, normalise_tags
from core.text import check_text

if TYPE_CHECKING:
    from core.conversations import Conversations

T = TypeVar("T")
_TRACKED = (
    "title", "notes", "status", "priority", "tags", "due", "completed", "recurrence",
    "recurrence_from", "reminders",
)
_MAX_TITLE = 1000


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of one task, oldest first in `history()`."""

    time: datetime
    type: str
    changes: events.Changes


@dataclass(frozen=True, slots=True)
class UndoResult:
    """What `undo()` reverted: the operation's kind and the tasks as they are now."""

    kind: str
    tasks: list[TaskRead]


@dataclass(frozen=True, slots=True)
class UndoPreview:
    """What `undo()` would revert now: the operation's kind and time, and per event (newest
    first) the task as it is, the event type and the changes it would take back."""

    kind: str
    time: datetime
    reverts: list[tuple[TaskRead, str, events.Changes]]


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What `import_text()` did."""

    format: str
    added: list[TaskRead]
    skipped: int

    @property
    def kept_summary(self) -> str | None:
        """"kept 2 fields we do not use yet: wait, uda.estimate" for the added tasks, or None."""
        return kept.summary(task.kept for task in self.added)


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder claimed by `claim_due_reminders`, with its task."""

    id: int
    task: TaskRead
    reminder: ReminderRead


@dataclass(slots=True)
class _Tx:
    db: Db
    op_id: int
    now: datetime
    last_id: int | None = None

    def next_id(self, owner: str) -> int:
        """The owner's next task number; asked of the database once per transaction, since
        writers are serialised (an import of 10k tasks asks once, not 10k times)."""
        self.last_id = (
            repository.next_id(self.db, owner) if self.last_id is None else self.last_id + 1
        )
        return self.last_id


ProgressFn = Callable[[int, int], None]


class TaskService:
    """The task use cases for one owner, over one store."""

    def __init__(
        self,
        store: Store,
        owner: str,
        tz: tzinfo,
        clock: Callable[[], datetime] | None = None,
        all_day_time: time = time(9, 0),
    ) -> None:
        self.store = store
        self.owner = owner
        self.tz = tz
        self.all_day_time = all_day_time
        self._clock = clock
        self.source = events.source_for(owner, _host_name())

    def for_owner(self, owner: str) -> TaskService:
        """The same store, zone and clock, acting for another owner (consumers serve everyone)."""
        return TaskService(self.store, owner, self.tz, self._clock, self.all_day_time)

    def close(self) -> None:
        """Release the database connection."""
        self.store.close()

    def now(self) -> datetime:
        """The current time in the user's zone (the injected clock in tests)."""
        if self._clock is not None:
            return self._clock().astimezone(self.tz)
        return dates.now_local(self.tz)

    # -- queries ---------------------------------------------------------------------------

    def get(self, task_id: int) -> TaskRead:
        """One task by id, in any status; NotFound if the owner has no such task."""
        with self.store.read() as db:
            return repository.load(db, self.owner, [task_id], self.tz)[0][1]

    def list_tasks(self, flt: TaskFilter) -> list[TaskRead]:
        """The tasks matching `flt`, sorted and limited as it asks."""
        now = self.now()
        with self.store.read() as db:
            where = where_for(flt, self.owner, now, db)
            if flt.limit is not None and flt.sort == "due" and not flt.reverse:
                where = first_by_due(where, flt.limit, db)
            tasks = repository.select(db, where.sql(), where.params, self.tz)
        sort_tasks(tasks, flt.sort, flt.reverse, now)
        return tasks[: flt.limit] if flt.limit is not None else tasks

    def count(self, flt: TaskFilter) -> int:
        """How many tasks match `flt` (sort and limit ignored)."""
        with self.store.read() as db:
            where = where_for(flt, self.owner, self.now(), db)
            return int(db.value(f"SELECT COUNT(*) FROM task t WHERE {where.sql()}", where.params))

    def tags(self) -> list[tuple[str, int]]:
        """Every tag on a pending task, with how many pending tasks carry it."""
        with self.store.read() as db:
            rows = db.all(
                "SELECT g.tag, COUNT(*) FROM task_tag g JOIN task t ON t.pk = g.task_pk "
                "WHERE t.owner = ? AND t.status = 'pending' GROUP BY g.tag ORDER BY g.tag",
                (self.owner,),
            )
        return [(tag, int(n)) for tag, n in rows]

    def history(self, task_id: int) -> list[HistoryEntry]:
        """Every change of one task the audit log holds, oldest first."""
        task = self.get(task_id)
        return [
            HistoryEntry(e.time, e.type, e.changes)
            for e in audit.for_task(self.store, self.owner, task.uuid, self.tz)
            if e.type in events.TASK_TYPES
        ]

    def audit(
        self, since: datetime | None = None, kind: str | None = None, limit: int | None = None
    ) -> list[AuditEntry]:
        """The owner's audit log since a time, of one event type ("completed" or a full type)."""
        if kind is not None:
            full = kind if kind.startswith("todo.") else f"todo.task.{kind}"
            if full not in audit.KNOWN_TYPES:
                known = ", ".join(t.rsplit(".", 1)[1] for t in events.TASK_TYPES)
                raise BadInput(
                    f"unknown event type '{kind}': use one of {known} "
                    "(or todo.reminder.due, todo.reminder.fired)"
                )
        return audit.query(self.store, self.owner, self.tz, since, kind, limit)

    def record_audit(self, envelopes: Sequence[dict[str, Any]], group: str) -> int:
        """Append audit rows for these events (any owner), each at most once for `group`."""
        return audit.record(self.store, envelopes, group, self.now())

    def claim_deliveries(
        self, event_id: str, channels: Sequence[str], holder: str, lease_s: float
    ) -> dict[str, deliveries.Claim]:
        """Claim sending reminder event `event_id` on these channels (see core.deliveries)."""
        now = datetime.now(UTC)
        return deliveries.claim(self.store, event_id, channels, holder, lease_s, now)

    def renew_deliveries(
        self, claims: Sequence[tuple[str, str]], holder: str, lease_s: float
    ) -> list[tuple[str, str]]:
        """Extend `holder`'s claims while their sends run; returns the (event, channel) lost."""
        return deliveries.renew(self.store, claims, holder, lease_s, datetime.now(UTC))

    def mark_delivered(self, event_id: str, channel: str) -> None:
        """Note that a reminder went out on `channel`."""
        deliveries.mark_delivered(self.store, event_id, channel, self.now())

    def release_delivery(self, event_id: str, channel: str, holder: str) -> None:
        """Give up a claim whose send failed."""
        deliveries.release(self.store, event_id, channel, holder)

    def delivered_channels(self, event_id: str) -> set[str]:
        """The channels a reminder event has already been delivered on."""
        return deliveries.delivered_channels(self.store, event_id)

    def reminder_fired(self, due_event: dict[str, Any], channels: Sequence[str]) -> None:
        """Append `todo.reminder.fired` for a delivered `todo.reminder.due` event, once."""
        data = due_event["data"]

        def body(tx: _Tx) -> None:
            pk = repository.pk_of_uuid(tx.db, self.owner, data["task"]["uuid"])
            if pk is None:
                return
            reminder = {**data["reminder"], "channels": list(channels),
                        "due_event": due_event["id"]}
            event = events.reminder_event(
                events.REMINDER_FIRED, data["task"], reminder, self.owner, tx.now
            )
            repository.append_event(tx.db, tx.op_id, self.owner, pk, event, self.source)

        self._write("reminder-fired", body, ("reminder-fired", due_event["id"]))

    def export(self, fmt: str, flt: TaskFilter | None = None) -> str:
        """All tasks (or those matching `flt`) as json, todotxt or ical text."""
        flt = flt or TaskFilter(status="all", sort="id")
        if fmt == "json" and self.store.dialect == "sqlite" and _in_id_order(flt):
            return jsonfmt.join_lines(self._json_lines(flt))
        tasks = self.list_tasks(flt)
        if fmt == "json":
            return jsonfmt.dumps(tasks, self.tz)
        if fmt == "todotxt":
            from core.formats import todotxt

            return todotxt.dumps(tasks, self.tz)
        if fmt == "ical":
            from core.formats import ical

            with self.store.read() as db:
                series = repository.series_by_uuid(db, self.owner)
            return ical.dumps(tasks, self.tz, series)
        if fmt == "taskwarrior":
            from core.formats import taskwarrior_export

            with self.store.read() as db:
                series = repository.series_by_uuid(db, self.owner)
            return taskwarrior_export.dumps(tasks, series, self.tz)
        raise BadInput(
            f"unknown export format '{fmt}': use json, taskwarrior, todotxt or ical"
        )

    def _json_lines(self, flt: TaskFilter) -> list[str]:
        from core.sqlite_json import task_json_lines

        with self.store.read() as db:
            where = where_for(flt, self.owner, self.now(), db)
            return task_json_lines(db, where.sql(), where.params, self.tz)

    # -- creating --------------------------------------------------------------------------

    def add(self, create: TaskCreate) -> TaskRead:
        """Create one task from validated fields."""
        return self._write("add", lambda tx: self._insert(tx, create))

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
    ) -> TaskRead:
        """Create a task from quick-add text; explicit options override what the text says.

        `every` is a recurrence phrase ("every mon at 9am"), `remind` reminder phrases
        ("30m before", "at 3pm").
        """
        now = self.now()
        parsed = quickadd.parse(check_text("title", text), now)
        rule = recurrence.parse_rule(every, now) if every else parsed.recurrence
        when = dates.parse_due(due, now) if due else parsed.due
        if rule is not None:
            when = recurrence.first_due(rule, now, when)
        specs = [*parsed.reminders, *(reminders.parse_reminder(r, now) for r in remind)]
        create = TaskCreate(
            title=parsed.title,
            notes=notes,
            priority=parse_priority(priority) if priority else parsed.priority or Priority.NONE,
            tags=(*parsed.tags, *tags),
            due=when,
            recurrence=None if rule is None else rule.rrule,
            recur_from_completion=rule is not None and rule.from_completion,
            reminders=tuple(self._reminder(spec, when) for spec in specs),
        )
        if rule is None or when is None:
            return self.add(create)
        series = start_series(when, self.tz, clock=rule.time)
        return self._write("add", lambda tx: self._insert(tx, create, series))

    def _reminder(self, spec: reminders.ReminderSpec, due: Due | None) -> ReminderRead:
        at = reminders.reminder_at(spec, due, self.all_day_time, self.tz)
        before = None if spec.before is None else reminders.iso_duration(spec.before)
        return ReminderRead(at.astimezone(self.tz), before, ReminderState.PENDING)

    def import_text(
        self, text: str, progress: ProgressFn | None = None, fmt: Format | None = None
    ) -> ImportResult:
        """Import our JSON, Taskwarrior JSON, todo.txt or iCalendar text, all or nothing.

        `fmt` names the format; None detects it. Tasks whose uuid the owner already has are
        skipped, so importing a file twice adds nothing the second time.
        """
        from core.formats import parse_any

        found, creates = parse_any(text, self.now().date(), self.tz, fmt)
        return self._write("import", lambda tx: self._import(tx, found, creates, progress))

    def _import(
        self, tx: _Tx, fmt: str, creates: list[TaskCreate], progress: ProgressFn | None
    ) -> ImportResult:
        added: list[TaskRead] = []
        seen: set[str] = set()
        known = repository.pks_of_uuids(tx.db, self.owner, [c.uuid for c in creates if c.uuid])
        for n, create in enumerate(creates, 1):
            if create.uuid is None or create.uuid not in seen:
                try:
                    task = self._import_one(tx, create, known)
                except BadInput as exc:  # the whole import is rolled back
                    raise BadInput(f"task {n} ({create.title[:40]!r}): {exc.message}; "
                                   "nothing was imported") from None
                if task is not None:
                    added.append(task)
            if create.uuid:
                seen.add(create.uuid)
            if progress is not None:
                progress(n, len(creates))
        return ImportResult(fmt, added, len(creates) - len(added))

    def _import_one(self, tx: _Tx, create: TaskCreate, known: dict[str, int]) -> TaskRead | None:
        """Insert a new task; a known uuid is skipped, unless deleted (then it comes back)."""
        pk = None if create.uuid is None else known.get(create.uuid)
        if pk is None:
            if self._occurrence_taken(tx, create):
                return None
            return self._insert(tx, create)
        existing = repository.load_pk(tx.db, pk, self.tz)
        if existing.status is not Status.DELETED or create.status is Status.DELETED:
            return None
        back = replace(existing, status=create.status, updated=tx.now)
        return self._save(tx, pk, existing, back)

    def _occurrence_taken(self, tx: _Tx, create: TaskCreate) -> bool:
        """Whether an imported instance's occurrence already has a task: the same series read
        again after the other tool (or our recurrence consumer) made that instance itself."""
        if create.series_id is None:
            return False
        _check_dates(create, ("due",))  # before the zone arithmetic, which could overflow
        due = _valid_due(_placed(create.due, self.tz), self.tz)
        if due is None:
            return False
        key = occurrence_key(due)
        return repository.pk_of_occurrence(tx.db, self.owner, create.series_id, key) is not None

    def _insert(self, tx: _Tx, create: TaskCreate, series: Series | None = None) -> TaskRead:
        _check_dates(create, ("due", "reminders", "created", "updated", "completed"))
        rrule = None if create.recurrence is None else recurrence.validate_rrule(create.recurrence)
        due = _valid_due(_placed(create.due, self.tz), self.tz)
        if rrule is not None and due is None:
            rule = recurrence.Rule(rrule, create.recur_from_completion)
            due = recurrence.first_due(rule, tx.now, None)
        task = TaskRead(
            id=tx.next_id(self.owner),
            uuid=create.uuid or str(uuidlib.uuid4()),
            title=_valid_title(create.title),
            notes=_clean_notes(create.notes),
            status=create.status,
            priority=create.priority,
            tags=normalise_tags(create.tags),
            due=due,
            created=create.created or tx.now,
            updated=create.updated or create.created or tx.now,
            completed=create.completed if create.status is Status.COMPLETED else None,
            recurrence=rrule,
            recur_from_completion=rrule is not None and create.recur_from_completion,
            reminders=self._anchored(_valid_reminders(create.reminders, self.tz), due),
            kept=dict(create.kept),
        )
        if task.status is Status.COMPLETED and task.completed is None:
            task = replace(task, completed=task.updated)
        if series is None:
            series = self._series_of_new(create, rrule, due)
        pk = repository.insert(tx.db, self.owner, task, series)
        snapshot = jsonfmt.task_to_dict(task, self.tz)
        event = events.make_event(events.CREATED, snapshot, {}, self.owner, 1, tx.now)
        repository.append_event(tx.db, tx.op_id, self.owner, pk, event, self.source)
        return task

    def _anchored(
        self, items: tuple[ReminderRead, ...], due: Due | None
    ) -> tuple[ReminderRead, ...]:
        """Relative reminders at their instant before `due`, counted as this user counts them
        (all-day time, zone): an import only knows how long before the due they are."""
        if due is None:
            return items
        return _sorted_reminders([
            item if item.before is None else replace(item, at=reminders.reminder_at(
                reminders.ReminderSpec(before=reminders.parse_iso_duration(item.before)),
                due, self.all_day_time, self.tz))
            for item in items
        ])

    def _series_of_new(self, create: TaskCreate, rrule: str | None, due: Due | None) -> Series:
        """A new task's series: its own, or the imported series it is an instance of, in the
        zone the import names (the user's otherwise)."""
        if rrule is None or due is None:
            return Series()
        zone = self.tz if create.zone is None else _named_zone(create.zone)
        start = _valid_due(_placed(create.recur_start, self.tz), self.tz) or due
        series = start_series(start, zone, create.series_id)
        return replace(series, occurrence=occurrence_key(due))

    # -- changing --------------------------------------------------------------------------

    def update(self, ids: Sequence[int], change: TaskUpdate) -> list[TaskRead]:
        """Apply one partial change to each task; deleted tasks must be restored first."""
        if not change.changes():
            raise BadInput(
                "nothing to change: give a new title, notes, priority, due, tags, "
                "recurrence or reminders"
            )
        return self._change("edit", ids, lambda task, now: self._edited(task, change, now))

    def _edited(self, task: TaskRead, change: TaskUpdate, now: datetime) -> TaskRead:
        values: dict[str, Any] = {"updated": now}
        if change.title is not UNSET:
            values["title"] = _valid_title(change.title)
        if change.notes is not UNSET:
            values["notes"] = _clean_notes(change.notes)
        if change.priority is not UNSET:
            values["priority"] = change.priority
        tags = set(task.tags) if change.tags is UNSET else set(normalise_tags(change.tags))
        tags |= set(normalise_tags(change.add_tags))
        tags -= set(normalise_tags(change.remove_tags))
        values["tags"] = tuple(sorted(tags))
        edited = replace(task, **values)
        if change.due is not UNSET:
            edited = self._moved(edited, _valid_due(change.due, self.tz), now)
        if change.recurrence is not UNSET:
            edited = self._recurring(edited, change.recurrence, now)
        if change.add_reminders:
            added = [self._reminder(reminders.parse_reminder(r, now), edited.due)
                     for r in change.add_reminders]
            edited = replace(edited, reminders=_sorted_reminders([*edited.reminders, *added]))
        if edited.recurrence is not None and edited.due is None:
            raise BadInput(
                f"task {task.id} repeats, so it needs a due date: "
                f"end the series first (todo recur {task.id} --clear)"
            )
        return edited

    def _moved(self, task: TaskRead, due: Due | None, now: datetime) -> TaskRead:
        """`task` with a new due date; its relative reminders follow."""
        moved = moved_reminders(task.reminders, due, self.all_day_time, now)
        return replace(task, due=due, reminders=moved)

    def _recurring(self, task: TaskRead, phrase: str | None, now: datetime) -> TaskRead:
        """`task` with a new rule from this instance on, or with its series ended (None)."""
        if phrase is None:
            return replace(task, recurrence=None, recur_from_completion=False)
        rule = recurrence.parse_rule(phrase, now)
        due = recurrence.first_due(rule, now, task.due)
        moved = self._moved(task, due, now)
        return replace(moved, recurrence=rule.rrule, recur_from_completion=rule.from_completion)

    def complete(self, ids: Sequence[int]) -> list[TaskRead]:
        """Mark pending tasks completed.

        A recurring task's next instance is made by the recurrence consumer of the
        `todo.task.completed` event (`spawn_next_for`): in-process right after the command
        on the embedded log, or by `todo worker recurrence` with Kafka.
        """
        return self._change("done", ids, _completed)

    def spawn_next_for(
        self, task_uuid: str, applied: tuple[str, str], caused_by: int | None = None
    ) -> TaskRead | None:
        """Create the next instance after a completed recurring task, exactly once.

        `applied` is (consumer group, event id): the event is recorded as applied in the same
        transaction, and an event applied before changes nothing. An occurrence that already
        has an instance gets none; one whose instance was undone gets it back.
        """

        def body(tx: _Tx) -> TaskRead | None:
            pk = repository.pk_of_uuid(tx.db, self.owner, task_uuid)
            if pk is None:
                return None
            task = repository.load_pk(tx.db, pk, self.tz)
            if task.status is not Status.COMPLETED or task.recurrence is None or task.due is None:
                return None  # reopened, deleted or no longer recurring since it was completed
            return self._spawn_next(tx, pk, task)

        return self._write("recurrence", body, applied, caused_by)

    def _spawn_next(self, tx: _Tx, pk: int, task: TaskRead) -> TaskRead | None:
        nxt = next_instance(task, repository.series_of(tx.db, pk), tx.now)
        if nxt is None or nxt.series.series_id is None or nxt.series.occurrence is None:
            return None
        existing = repository.pk_of_occurrence(
            tx.db, self.owner, nxt.series.series_id, nxt.series.occurrence
        )
        if existing is not None:
            made = repository.load_pk(tx.db, existing, self.tz)
            if made.status is not Status.DELETED:
                return None
            return self._save(tx, existing, made, replace(made, status=Status.PENDING,
                                                          updated=tx.now))
        due = dates.to_local(nxt.due, self.tz)
        create = TaskCreate(
            title=task.title,
            notes=task.notes,
            priority=task.priority,
            tags=task.tags,
            due=due,
            recurrence=nxt.rrule,
            recur_from_completion=task.recur_from_completion,
            reminders=carried_reminders(task.reminders, due, self.all_day_time, tx.now),
            kept=kept.for_next_instance(task.kept, task.due or due, due),
        )
        return self._insert(tx, create, nxt.series)

    def skip(self, ids: Sequence[int]) -> list[TaskRead]:
        """Move recurring tasks to their next occurrence without completing them."""

        def body(tx: _Tx) -> list[TaskRead]:
            out = []
            for pk, task in self._load_live(tx, ids):
                if task.recurrence is None or task.due is None:
                    raise BadInput(f"task {task.id} does not repeat: nothing to skip to")
                nxt = next_instance(task, repository.series_of(tx.db, pk), tx.now)
                if nxt is None:
                    raise BadInput(f"task {task.id}'s series has no further occurrence")
                self._refuse_taken_occurrence(tx, task, nxt.series)
                moved = self._moved(task, dates.to_local(nxt.due, self.tz), tx.now)
                moved = replace(moved, recurrence=nxt.rrule, updated=tx.now)
                out.append(self._save(tx, pk, task, moved, nxt.series))
            return out

        return self._write("skip", body)

    def _refuse_taken_occurrence(self, tx: _Tx, task: TaskRead, series: Series) -> None:
        # Reopening a completed instance leaves its successor in place: skipping onto that
        # occurrence would make two instances of one occurrence.
        if series.series_id is None or series.occurrence is None:
            return
        taken = repository.pk_of_occurrence(tx.db, self.owner, series.series_id,
                                            series.occurrence)
        if taken is not None:
            other = repository.load_pk(tx.db, taken, self.tz)
            raise BadInput(
                f"task {task.id}'s next occurrence is already task {other.id} "
                f"({other.status.value}): complete or delete task {task.id} instead"
            )

    def set_recurrence(self, ids: Sequence[int], phrase: str | None) -> list[TaskRead]:
        """Give tasks a rule from this instance on ("every mon at 9am"), or end it (None)."""
        return self.update(ids, TaskUpdate(recurrence=phrase))

    # -- reminders -------------------------------------------------------------------------

    def remind(self, ids: Sequence[int], when: str) -> list[TaskRead]:
        """Add a reminder: relative ("30m before", "1 day before") or absolute ("at 3pm")."""
        return self.update(ids, TaskUpdate(add_reminders=(when,)))

    def snooze(self, ids: Sequence[int], duration: str) -> list[TaskRead]:
        """Dismiss what has fired and remind again after `duration` ("10m", "1h", "1d")."""
        delta = reminders.parse_duration(duration)

        def snoozed(task: TaskRead, now: datetime) -> TaskRead:
            still = [_dismissed(r, now) for r in task.reminders]
            try:
                at = now + delta
            except OverflowError:
                raise BadInput(f"'{duration}' is too long a snooze") from None
            again = ReminderRead(at, None, ReminderState.PENDING)
            return replace(task, reminders=_sorted_reminders([*still, again]), updated=now)

        return self._change("snooze", ids, snoozed)

    def dismiss(self, ids: Sequence[int]) -> list[TaskRead]:
        """Mark reminders that have fired (or are due) as dismissed."""

        def dismissed(task: TaskRead, now: datetime) -> TaskRead:
            items = tuple(_dismissed(r, now) for r in task.reminders)
            if items == task.reminders:
                raise NothingToDo(f"task {task.id} has no reminder to dismiss")
            return replace(task, reminders=items, updated=now)

        return self._change("dismiss", ids, dismissed)

    def unremind(self, ids: Sequence[int]) -> list[TaskRead]:
        """Remove every reminder of these tasks."""

        def cleared(task: TaskRead, now: datetime) -> TaskRead:
            if not task.reminders:
                raise NothingToDo(f"task {task.id} has no reminder to remove")
            return replace(task, reminders=(), updated=now)

        return self._change("unremind", ids, cleared)

    def conversations(self) -> Conversations:
        """The owner's stored chat conversations (core/conversations.py)."""
        from core.conversations import Conversations

        return Conversations(self.store, self.owner, self.now)

    def _announce_due(
        self, tx: _Tx, pk: int, task: TaskRead, reminder: ReminderRead, reminder_id: int
    ) -> None:
        # Claiming and announcing share the transaction: a reminder is announced exactly once.
        detail = {
            "id": reminder_id,
            "at": dates.iso(reminder.at, self.tz),
            "before": reminder.before,
        }
        snapshot = jsonfmt.task_to_dict(task, self.tz)
        event = events.reminder_event(events.REMINDER_DUE, snapshot, detail, self.owner, tx.now)
        repository.append_event(tx.db, tx.op_id, self.owner, pk, event, self.source)

    def upcoming_reminders(self, everything: bool = False) -> list[tuple[TaskRead, ReminderRead]]:
        """Pending reminders of pending tasks, soonest first (`everything`: every reminder)."""
        flt = TaskFilter(status="all" if everything else "pending")
        pairs = [
            (task, r)
            for task in self.list_tasks(flt)
            for r in task.reminders
            if everything or r.state is ReminderState.PENDING
        ]
        return sorted(pairs, key=lambda pair: (pair[1].at, pair[0].id))

    def claim_due_reminders(self, now: datetime, limit: int = 100) -> list[DueReminder]:
        """Atomically mark due reminders fired and return them: racing callers never share one."""
        with self.store.read() as db:
            # A scheduler ticks every second: an idle tick must not take the write lock.
            if db.one(
                "SELECT 1 FROM reminder r JOIN task t ON t.pk = r.task_pk WHERE t.owner = ? "
                "AND t.status = 'pending' AND r.state = 'pending' AND r.at <= ? LIMIT 1",
                (self.owner, db.dt(now)),
            ) is None:
                return []

        def body(tx: _Tx) -> list[DueReminder]:
            rows = tx.db.all(
                "SELECT r.id, r.task_pk FROM reminder r JOIN task t ON t.pk = r.task_pk "
                "WHERE t.owner = ? AND t.status = 'pending' AND r.state = 'pending' "
                "AND r.at <= ? ORDER BY r.at, r.id LIMIT ?",
                (self.owner, tx.db.dt(now), limit),
            )
            claimed = []
            for reminder_id, task_pk in rows:
                row = tx.db.one(
                    "UPDATE reminder SET state = 'fired', fired = ? "
                    "WHERE id = ? AND state = 'pending' RETURNING at, before",
                    (tx.db.dt(now), reminder_id),
                )
                if row is None:
                    continue
                at = read_dt(row[0])
                assert at is not None
                reminder = ReminderRead(at.astimezone(self.tz), row[1], ReminderState.FIRED)
                task = repository.load_pk(tx.db, task_pk, self.tz)
                claimed.append(DueReminder(int(reminder_id), task, reminder))
                self._announce_due(tx, task_pk, task, reminder, int(reminder_id))
            return claimed

        return self._write("claim-reminders", body)

    def reopen(self, ids: Sequence[int]) -> list[TaskRead]:
        """Mark completed tasks pending again."""
        return self._change("reopen", ids, _reopened)

    def delete(self, ids: Sequence[int]) -> list[TaskRead]:
        """Soft-delete tasks: they leave every list but `--status deleted` and can be restored."""
        return self._change("delete", ids, _deleted)

    def restore(self, ids: Sequence[int]) -> list[TaskRead]:
        """Bring deleted tasks back to the status they had before deletion."""
        return self._write("restore", lambda tx: self._restore(tx, ids))

    def _restore(self, tx: _Tx, ids: Sequence[int]) -> list[TaskRead]:
        out = []
        for pk, task in repository.load(tx.db, self.owner, ids, self.tz):
            if task.status is not Status.DELETED:
                raise BadInput(f"task {task.id} is not deleted")
            status = Status(self._status_before_delete(tx.db, pk))
            restored = replace(task, status=status, updated=tx.now)
            out.append(self._save(tx, pk, task, restored))
        return out

    def _status_before_delete(self, db: Db, pk: int) -> str:
        data = db.value(
            "SELECT data FROM outbox WHERE task_pk = ? AND type = ? ORDER BY seq DESC LIMIT 1",
            (pk, events.DELETED),
        )
        if data is None:
            return Status.PENDING.value
        old = json.loads(data)["changes"].get("status", {}).get("old")
        return str(old) if old in ("pending", "completed") else Status.PENDING.value

    def rename_tag(self, old: str, new: str) -> list[TaskRead]:
        """Rename a tag on every task that has it (merging if the new tag exists already)."""
        old_tag, new_tag = normalise_tag(old), normalise_tag(new)
        with self.store.read() as db:
            ids = [
                int(i)
                for (i,) in db.all(
                    "SELECT t.id FROM task t JOIN task_tag g ON g.task_pk = t.pk "
                    "WHERE t.owner = ? AND g.tag = ? ORDER BY t.id",
                    (self.owner, old_tag),
                )
            ]
        if not ids:
            raise NotFound(f"no task has the tag '{old_tag}'")

        def rename(task: TaskRead, now: datetime) -> TaskRead:
            tags = {new_tag if t == old_tag else t for t in task.tags}
            return replace(task, tags=tuple(sorted(tags)), updated=now)

        return self._change("tag-rename", ids, rename, allow_deleted=True)

    def _change(
        self,
        kind: str,
        ids: Sequence[int],
        edit: Callable[[TaskRead, datetime], TaskRead],
        allow_deleted: bool = False,
    ) -> list[TaskRead]:
        def body(tx: _Tx) -> list[TaskRead]:
            out = []
            live = allow_deleted or kind == "delete"
            for pk, task in self._load_live(tx, ids, allow_deleted=live):
                out.append(self._save(tx, pk, task, edit(task, tx.now)))
            return out

        return self._write(kind, body)

    def _load_live(
        self, tx: _Tx, ids: Sequence[int], allow_deleted: bool = False
    ) -> list[tuple[int, TaskRead]]:
        if not ids:
            raise BadInput("no task ids given")
        loaded = repository.load(tx.db, self.owner, ids, self.tz)
        for _pk, task in loaded:
            if task.status is Status.DELETED and not allow_deleted:
                raise BadInput(f"task {task.id} is deleted: restore it first")
        return loaded

    def _save(
        self, tx: _Tx, pk: int, before: TaskRead, after: TaskRead, series: Series | None = None
    ) -> TaskRead:
        old = jsonfmt.task_to_dict(before, self.tz)
        new = jsonfmt.task_to_dict(after, self.tz)
        changes = events.diff(old, new, _TRACKED)
        if not changes:
            return before
        _check_dates(after, [name for name in ("due", "reminders") if name in changes])
        if series is None and after.recurrence is not None and after.due is not None:
            series = self._series_after(tx, pk, after, changes)
        version = repository.update(tx.db, pk, after, changes, series)
        kind = events.type_for_status(before.status.value, after.status.value)
        event = events.make_event(kind, new, changes, self.owner, version, tx.now)
        repository.append_event(tx.db, tx.op_id, self.owner, pk, event, self.source)
        return after

    def _series_after(
        self, tx: _Tx, pk: int, after: TaskRead, changes: events.Changes
    ) -> Series | None:
        """The series bookkeeping a changed recurring task needs, or None to keep it."""
        assert after.due is not None
        if "recurrence" in changes:
            # A new rule applies from this instance on: the series restarts here.
            current = repository.series_of(tx.db, pk)
            return start_series(after.due, self.tz, current.series_id)
        if "due" not in changes:
            return None
        # The instance now stands for the occurrence on its new due date (skip, undo, edit),
        # so the next completion makes the instance that follows that one.
        current = repository.series_of(tx.db, pk)
        key = occurrence_key(after.due)
        if current.series_id is None or current.occurrence == key:
            return None
        clash = repository.pk_of_occurrence(tx.db, self.owner, current.series_id, key)
        if clash is not None and clash != pk:
            other = repository.load_pk(tx.db, clash, self.tz)
            raise BadInput(
                f"task {other.id} is already the occurrence of this series on "
                f"{dates.iso(after.due, self.tz)}"
            )
        return replace(current, occurrence=key)

    # -- undo ------------------------------------------------------------------------------

    def undo(self) -> UndoResult:
        """Revert the owner's most recent operation not yet undone (repeat to go further back)."""
        return self._write("undo", self._undo)

    def undo_preview(self) -> UndoPreview:
        """What `undo()` would revert now, changing nothing (NothingToDo when nothing)."""
        with self.store.read() as db:
            op_id, kind, at = self._undoable(db, None)
            reverts = [
                (repository.load_pk(db, pk, self.tz), etype, changes)
                for pk, etype, changes in self._undo_events(db, op_id)
            ]
        when = read_dt(at)
        assert when is not None
        return UndoPreview(str(kind), when.astimezone(self.tz), reverts)

    def _undoable(self, db: Db, before_op: int | None) -> tuple[int, str, Any]:
        """The owner's most recent operation not yet undone: (id, kind, time)."""
        # A user's change and what consumers did because of it (the next instance of a
        # completed recurring task) are undone together.
        below = "" if before_op is None else f"AND id < {int(before_op)} "
        row = db.one(
            "SELECT id, kind, created FROM operation WHERE owner = ? AND undone IS NULL "
            f"AND kind <> 'undo' AND caused_by IS NULL {below}"
            "AND EXISTS (SELECT 1 FROM outbox o WHERE o.op_id = operation.id "
            "AND o.type LIKE 'todo.task.%') "
            "ORDER BY id DESC LIMIT 1",
            (self.owner,),
        )
        if row is None:
            raise NothingToDo("nothing to undo")
        return int(row[0]), str(row[1]), row[2]

    def _undo_events(self, db: Db, op_id: int) -> list[tuple[int, str, events.Changes]]:
        """The task events of an operation and of what it caused, newest first."""
        return [
            (int(task_pk), str(etype), json.loads(data)["changes"])
            for task_pk, etype, data in db.all(
                "SELECT o.task_pk, o.type, o.data FROM outbox o JOIN operation p "
                "ON p.id = o.op_id WHERE (p.id = ? OR p.caused_by = ?) "
                "AND o.type LIKE 'todo.task.%' ORDER BY o.seq DESC",
                (op_id, op_id),
            )
        ]

    def _undo(self, tx: _Tx) -> UndoResult:
        op_id, kind, _at = self._undoable(tx.db, tx.op_id)
        tx.db.run("UPDATE operation SET undo_of = ? WHERE id = ?", (op_id, tx.op_id))
        tx.db.run(
            "UPDATE operation SET undone = ? WHERE id = ? OR caused_by = ?",
            (tx.db.dt(tx.now), op_id, op_id),
        )
        reverted = []
        for task_pk, etype, changes in self._undo_events(tx.db, op_id):
            task = repository.load_pk(tx.db, task_pk, self.tz)
            older = self._reverted(task, etype, changes, tx.now)
            reverted.append(self._save(tx, task_pk, task, older))
        return UndoResult(kind, reverted)

    def _reverted(
        self, task: TaskRead, etype: str, changes: events.Changes, now: datetime
    ) -> TaskRead:
        if etype == events.CREATED:
            return replace(task, status=Status.DELETED, updated=now)
        values = {name: _from_json(name, ch["old"], self.tz) for name, ch in changes.items()}
        if "recurrence_from" in values:
            values["recur_from_completion"] = values.pop("recurrence_from") == "completion"
        return replace(task, **values, updated=now)

    # -- plumbing --------------------------------------------------------------------------

    def _write(
        self,
        kind: str,
        body: Callable[[_Tx], T],
        applied: tuple[str, str] | None = None,
        caused_by: int | None = None,
    ) -> T:
        with self.store.write() as db:
            now = self.now()
            if applied is not None and not repository.mark_applied(db, *applied, now):
                return None  # type: ignore[return-value]  # replayed event: nothing to do
            op_id = repository.start_operation(db, self.owner, kind, now, None, caused_by)
            return body(_Tx(db, op_id, now))


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


def _valid_title(title: str) -> str:
    cleaned = " ".join(check_text("title", title).split())
    if not cleaned:
        raise BadInput("a task needs a title")
    if len(cleaned) > _MAX_TITLE:
        raise BadInput(f"title is {len(cleaned)} characters long; the limit is {_MAX_TITLE}")
    return cleaned


def _clean_notes(notes: str | None) -> str | None:
    if notes is None or not notes.strip():
        return None
    return check_text("notes", notes, multiline=True).replace("\r\n", "\n").rstrip()


def _placed(due: Due | None, tz: tzinfo) -> Due | None:
    """A floating (naive) due from an import, as that wall time in `tz`."""
    if isinstance(due, datetime) and due.tzinfo is None:
        return dates.combine(due.date(), due.time(), tz)
    return due


def _named_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadInput(f"unknown time zone '{name}'") from None


def _valid_due(due: Due | None, tz: tzinfo | None) -> Due | None:
    if isinstance(due, datetime):
        if due.tzinfo is None:
            raise BadInput(f"due time {due.isoformat()} has no timezone")
        return due.astimezone(tz)
    return due


def _check_dates(task: TaskRead | TaskCreate, names: Sequence[str]) -> None:
    """BadInput unless the named date fields of `task` lie in the range dates.check_range
    allows: values computed from valid input (snooze, recurrence, imports) can still leave it."""
    for name in names:
        if name == "reminders":
            for reminder in task.reminders:
                dates.check_range(reminder.at, f"reminder {reminder.at.isoformat(' ', 'minutes')}")
            continue
        value = getattr(task, name)
        if value is not None:
            dates.check_range(value, f"{name} {value.isoformat()}")


def _dismissed(reminder: ReminderRead, now: datetime) -> ReminderRead:
    if reminder.state is ReminderState.FIRED or (
        reminder.state is ReminderState.PENDING and reminder.at <= now
    ):
        return replace(reminder, state=ReminderState.DISMISSED)
    return reminder


def _sorted_reminders(items: Sequence[ReminderRead]) -> tuple[ReminderRead, ...]:
    return tuple(sorted(items, key=lambda r: r.at))


def _valid_reminders(items: Sequence[ReminderRead], tz: tzinfo) -> tuple[ReminderRead, ...]:
    for item in items:
        if item.before is not None:
            reminders.parse_iso_duration(item.before)  # BadInput names a malformed offset
    return _sorted_reminders([replace(r, at=r.at.astimezone(tz)) for r in items])


def _from_json(name: str, value: Any, tz: tzinfo) -> Any:
    """A field's stored JSON value (from an event) back in TaskRead form."""
    if name == "reminders":
        return tuple(
            ReminderRead(datetime.fromisoformat(r["at"]).astimezone(tz), r["before"],
                         ReminderState(r["state"]))
            for r in value or []
        )
    if value is None:
        return None
    if name == "status":
        return Status(value)
    if name == "priority":
        return Priority(value)
    if name == "tags":
        return tuple(value)
    if name == "due":
        return dates.to_local(dates.parse_iso_due(value), tz)
    if name == "completed":
        return datetime.fromisoformat(value).astimezone(tz)
    return value


def _in_id_order(flt: TaskFilter) -> bool:
    return flt.sort == "id" and not flt.reverse and flt.limit is None


def _host_name() -> str:
    # os.uname is what socket.gethostname reads on POSIX, without importing socket (~3 ms).
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()
