"""The operation table: the unit of undo (one row per mutation), and what undo reads of it."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core import events
from core.store import Db


def start(
    db: Db, owner: str, kind: str, now: datetime, undo_of: int | None, caused_by: int | None = None
) -> int:
    """Open the operation row that groups this transaction's events (the unit of undo)."""
    return int(
        db.value(
            "INSERT INTO operation (owner, kind, created, undo_of, caused_by) "
            "VALUES (?, ?, ?, ?, ?) RETURNING id",
            (owner, kind, db.dt(now), undo_of, caused_by),
        )
    )


def undoable(db: Db, owner: str, before_op: int | None) -> tuple[int, str, Any] | None:
    """The owner's most recent operation not yet undone (below `before_op` if given):
    (id, kind, stored time), or None."""
    # A user's change and what consumers did because of it (the next instance of a
    # completed recurring task) are undone together.
    below = "" if before_op is None else f"AND id < {int(before_op)} "
    row = db.one(
        "SELECT id, kind, created FROM operation WHERE owner = ? AND undone IS NULL "
        f"AND kind <> 'undo' AND caused_by IS NULL {below}"
        "AND EXISTS (SELECT 1 FROM outbox o WHERE o.op_id = operation.id "
        "AND o.type LIKE 'todo.task.%') "
        "ORDER BY id DESC LIMIT 1",
        (owner,),
    )
    return None if row is None else (int(row[0]), str(row[1]), row[2])


def task_events(db: Db, op_id: int) -> list[tuple[int, str, events.Changes]]:
    """(task pk, type, changes) of the task events of an operation and of what it caused,
    newest first."""
    return [
        (int(task_pk), str(etype), json.loads(data)["changes"])
        for task_pk, etype, data in db.all(
            "SELECT o.task_pk, o.type, o.data FROM outbox o JOIN operation p "
            "ON p.id = o.op_id WHERE (p.id = ? OR p.caused_by = ?) "
            "AND o.type LIKE 'todo.task.%' AND o.type <> ? ORDER BY o.seq DESC",
            (op_id, op_id, events.UNBLOCKED),
        )
    ]


def mark_undone(db: Db, op_id: int, by_op: int, now: datetime) -> None:
    """Record that operation `by_op` undid `op_id` and what `op_id` caused."""
    db.run("UPDATE operation SET undo_of = ? WHERE id = ?", (op_id, by_op))
    db.run(
        "UPDATE operation SET undone = ? WHERE id = ? OR caused_by = ?",
        (db.dt(now), op_id, op_id),
    )
