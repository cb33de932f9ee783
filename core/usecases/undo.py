"""Undo: revert the owner's most recent operation (and what consumers did because of it),
or preview what that would revert."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any

from core import dates, events
from core.errors import NothingToDo
from core.priorities import Priority
from core.queries import operations
from core.queries import tasks as task_rows
from core.results import UndoPreview, UndoResult
from core.schemas import ReminderRead, ReminderState, Status, TaskRead
from core.store import read_dt
from core.unit_of_work import Tx, UnitOfWork


def undo(uow: UnitOfWork) -> UndoResult:
    """Revert the owner's most recent operation not yet undone (repeat to go further back)."""
    return uow.write("undo", lambda tx: _undo(uow, tx))


def preview(uow: UnitOfWork) -> UndoPreview:
    """What `undo()` would revert now, changing nothing (NothingToDo when nothing)."""
    with uow.store.read() as db:
        op_id, kind, at = _undoable(operations.undoable(db, uow.owner, None))
        reverts = [
            (task_rows.load_pk(db, pk, uow.tz), etype, changes)
            for pk, etype, changes in operations.task_events(db, op_id)
        ]
    when = read_dt(at)
    assert when is not None
    return UndoPreview(str(kind), when.astimezone(uow.tz), reverts)


def _undoable(found: tuple[int, str, Any] | None) -> tuple[int, str, Any]:
    """The operation to undo: (id, kind, time); NothingToDo when there is none."""
    if found is None:
        raise NothingToDo("nothing to undo")
    return found


def _undo(uow: UnitOfWork, tx: Tx) -> UndoResult:
    op_id, kind, _at = _undoable(operations.undoable(tx.db, uow.owner, tx.op_id))
    operations.mark_undone(tx.db, op_id, tx.op_id, tx.now)
    reverted = []
    for task_pk, etype, changes in operations.task_events(tx.db, op_id):
        task = task_rows.load_pk(tx.db, task_pk, uow.tz)
        older = _reverted(task, etype, changes, tx.now, uow.tz)
        if kind == "expire":
            older = replace(older, until=None)  # else it would expire again at once
        reverted.append(uow.save(tx, task_pk, task, older))
    return UndoResult(kind, reverted)


def _reverted(
    task: TaskRead, etype: str, changes: events.Changes, now: datetime, tz: tzinfo
) -> TaskRead:
    if etype == events.CREATED:
        return replace(task, status=Status.DELETED, updated=now)
    values = {name: _from_json(name, ch["old"], tz) for name, ch in changes.items()}
    if "recurrence_from" in values:
        values["recur_from_completion"] = values.pop("recurrence_from") == "completion"
    return replace(task, **values, updated=now)


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
    return _SCALARS.get(name, _same)(value, tz)


def _same(value: Any, _tz: tzinfo) -> Any:
    return value


_SCALARS: dict[str, Any] = {
    "status": lambda v, _tz: Status(v),
    "priority": lambda v, _tz: Priority(v),
    "tags": lambda v, _tz: tuple(v),
    "depends": lambda v, _tz: tuple(v),
    "due": lambda v, tz: dates.to_local(dates.parse_iso_due(v), tz),
    "completed": lambda v, tz: datetime.fromisoformat(v).astimezone(tz),
    "wait": lambda v, tz: datetime.fromisoformat(v).astimezone(tz),
    "until": lambda v, tz: datetime.fromisoformat(v).astimezone(tz),
    "scheduled": lambda v, tz: dates.to_local(dates.parse_iso_due(v), tz),
}
