"""Reads for interfaces that stay open (the TUI): what changed since a log position, and
which tasks a filter selects, without loading them.

The outbox is the change feed: every mutation appends its events in the same transaction,
`seq` only grows and writers are serialised, so "rows after seq N" is exactly what other
processes (CLI, workers, the agent) changed since the last look. An idle look is two index
reads, cheap enough to repeat every half second.
"""

from __future__ import annotations

import json
from array import array
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core import events
from core.queries import linked, maintenance, outbox
from core.queries import tasks as task_rows
from core.queries.task_filter import where_for
from core.schemas import TaskRead
from core.selection import TaskFilter

if TYPE_CHECKING:
    from core.service import TaskService

# An unblocked task changed too: its `blocked` is derived from its blockers' status.
_CHANGING = frozenset((*events.TASK_TYPES, events.REMINDER_DUE, events.UNBLOCKED))
RELOAD_ABOVE = 500
"""More changed tasks than this in one look (an import) and the caller should reload instead."""


@dataclass(frozen=True, slots=True)
class ReminderDue:
    """A `todo.reminder.due` event: a reminder someone (TUI, notify worker) claimed."""

    event_id: str
    task_id: int
    title: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What changed after one log position: the new position and the changed tasks as they
    are now (any status). `reload` says too much changed to list; read everything again."""

    seq: int
    tasks: list[TaskRead] = field(default_factory=list)
    reminders_due: list[ReminderDue] = field(default_factory=list)
    reload: bool = False


def head(service: TaskService) -> int:
    """The position of the newest event in the log (0 for an empty log)."""
    with service.store.read() as db:
        return outbox.head(db)


def changes_since(service: TaskService, after: int) -> ChangeSet:
    """The owner's tasks changed by events after position `after`, and reminders that fell due.

    One read transaction, so the position returned matches the tasks returned exactly.
    """
    with service.store.read() as db:
        top = outbox.head(db)
        if top <= after:
            return ChangeSet(after)
        rows = outbox.owner_changes(db, after, top, service.owner)
        # A claimed reminder changes its task too (the reminder is no longer pending).
        pks = list(dict.fromkeys(int(pk) for _, kind, pk, _ in rows if kind in _CHANGING))
        # Completing, reopening or deleting a blocker changes whether its dependants are
        # blocked, with no event of theirs: they are read again with it.
        pks = list(dict.fromkeys([*pks, *linked.linked_pks(db, pks)])) if pks else pks
        due = [_reminder_due(id_, data) for id_, kind, _, data in rows
               if kind == events.REMINDER_DUE]
        if len(pks) > RELOAD_ABOVE:
            return ChangeSet(top, [], due, reload=True)
        tasks = task_rows.load_pks(db, pks, service.tz) if pks else []
    return ChangeSet(top, tasks, due)


def _reminder_due(event_id: str, data: str) -> ReminderDue:
    body: dict[str, Any] = json.loads(data)
    task, reminder = body["task"], body["reminder"]
    return ReminderDue(
        str(event_id), int(task["id"]), str(task["title"]),
        datetime.fromisoformat(reminder["at"]),
    )


def matching_ids(service: TaskService, flt: TaskFilter) -> array[int]:
    """The ids of the tasks `flt` selects, in no particular order (sort and limit ignored),
    read as one string: at 50k matches that is several times faster than fetching a row
    per task, and an array of them is cheaper to build than a set."""
    with service.store.read() as db:
        where = where_for(flt, service.owner, service.now(), db)
        text = task_rows.ids_text(db, where.sql(), where.params)
    return array("q", map(int, text.split(","))) if text else array("q")


def optimize(service: TaskService) -> None:
    """Let the database refresh its planner statistics for the queries this connection ran
    (see `core.queries.maintenance.optimize`): the filters above need them on SQLite."""
    maintenance.optimize(service.store)
