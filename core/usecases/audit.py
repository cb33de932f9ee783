"""The audit log as the owner sees it: one task's history, the log since a time, and
recording consumed events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core import audit as log
from core import audit_record, events
from core.audit import AuditEntry
from core.errors import BadInput
from core.unit_of_work import UnitOfWork
from core.usecases.reading import get

if TYPE_CHECKING:
    from core.results import HistoryEntry


def history(uow: UnitOfWork, task_id: int) -> list[HistoryEntry]:
    """Every change of one task the audit log holds, oldest first."""
    from core.results import HistoryEntry  # here: every write records audit, few read it

    task = get(uow, task_id)
    return [
        HistoryEntry(e.time, e.type, e.changes)
        for e in log.for_task(uow.store, uow.owner, task.uuid, uow.tz)
        if e.type in events.TASK_TYPES
    ]


def query(
    uow: UnitOfWork,
    since: datetime | None = None,
    kind: str | None = None,
    limit: int | None = None,
) -> list[AuditEntry]:
    """The owner's audit log since a time, of one event type ("completed" or a full type)."""
    if kind is not None:
        full = kind if kind.startswith("todo.") else f"todo.task.{kind}"
        if full not in audit_record.KNOWN_TYPES:
            known = ", ".join(t.rsplit(".", 1)[1] for t in events.TASK_TYPES)
            raise BadInput(
                f"unknown event type '{kind}': use one of {known} "
                "(or todo.reminder.due, todo.reminder.fired)"
            )
    return log.query(uow.store, uow.owner, uow.tz, since, kind, limit)


def record(uow: UnitOfWork, envelopes: Sequence[dict[str, Any]], group: str) -> int:
    """Append audit rows for these events (any owner), each at most once for `group`."""
    return audit_record.record(uow.store, envelopes, group, uow.now())
