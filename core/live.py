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

from core import events, repository
from core.filters import where_for
from core.schemas import TaskFilter, TaskRead

if TYPE_CHECKING:
    from core.service import TaskService

_CHANGING = frozenset((*events.TASK_TYPES, events.REMINDER_DUE))
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
        return int(db.value("SELECT COALESCE(MAX(seq), 0) FROM outbox"))


def changes_since(service: TaskService, after: int) -> ChangeSet:
    """The owner's tasks changed by events after position `after`, and reminders that fell due.

    One read transaction, so the position returned matches the tasks returned exactly.
    """
    with service.store.read() as db:
        top = int(db.value("SELECT COALESCE(MAX(seq), 0) FROM outbox"))
        if top <= after:
            return ChangeSet(after)
        rows = db.all(
            "SELECT id, type, task_pk, data FROM outbox WHERE seq > ? AND seq <= ? AND owner = ? "
            "ORDER BY seq",
            (after, top, service.owner),
        )
        # A claimed reminder changes its task too (the reminder is no longer pending).
        pks = list(dict.fromkeys(int(pk) for _, kind, pk, _ in rows if kind in _CHANGING))
        due = [_reminder_due(id_, data) for id_, kind, _, data in rows
               if kind == events.REMINDER_DUE]
        if len(pks) > RELOAD_ABOVE:
            return ChangeSet(top, [], due, reload=True)
        tasks = []
        if pks:
            marks = ", ".join("?" * len(pks))
            tasks = repository.select(db, f"t.pk IN ({marks})", pks, service.tz)
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
        agg = "group_concat(t.id)" if db.dialect == "sqlite" else "string_agg(t.id::text, ',')"
        text = db.value(f"SELECT {agg} FROM task t WHERE {where.sql()}", where.params)
    return array("q", map(int, text.split(","))) if text else array("q")


def optimize(service: TaskService) -> None:
    """Let the database refresh its planner statistics for the queries this connection ran.

    SQLite keeps none until asked (`PRAGMA optimize` analyzes only what would help, in tens
    of milliseconds); without them the filters above pick poor indexes and take several times
    longer on 50k tasks. PostgreSQL's autovacuum keeps its own statistics.
    """
    if service.store.dialect != "sqlite":
        return
    with service.store.write() as db:
        db.run("PRAGMA optimize")
