"""The `--json` shapes of the read commands, as README's "JSON output" section documents them.

Tasks in full are `core.formats.jsonfmt`'s objects (`render.task_json`); the shapes here refer
to a task by `task` (its id), `task_uuid` and `title`, and write times as ISO 8601 with the
offset, in the user's zone. The keys are a contract: add new ones at the end, never rename.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from typing import TYPE_CHECKING, Any

from core import dates
from core.schemas import ReminderRead, TaskRead
from core.text import json_safe
from todo_cli.render import Out

if TYPE_CHECKING:
    from core.audit import AuditEntry
    from core.service import HistoryEntry

_REMINDER_EVENT = "todo.reminder."


def emit(value: Any, out: Out | None = None) -> None:
    """`value` as one JSON document on one line: json escapes C0 control characters,
    `json_safe` DEL and C1, so nothing raw can reach a terminal."""
    import json  # here: plain `list` and `count` print no JSON (~1 ms)

    (out or Out()).line(json_safe(json.dumps(value, ensure_ascii=False)))


def count(n: int) -> None:
    """`todo count --json`: {"count": 3}."""
    emit({"count": n})


def tag_counts(rows: Sequence[tuple[str, int]]) -> None:
    """`todo tags --json`: [{"tag": "finance", "pending": 2}], by tag."""
    emit([{"tag": tag, "pending": n} for tag, n in rows])


def history(task: TaskRead, entries: Sequence[HistoryEntry], tz: tzinfo) -> None:
    """`todo history ID --json`: the task and its events, oldest first."""
    emit({
        "task": task.id,
        "task_uuid": task.uuid,
        "title": task.title,
        "events": [
            {"time": dates.iso(e.time, tz), "type": e.type, "changes": e.changes}
            for e in entries
        ],
    })


def audit(entries: Sequence[AuditEntry], tz: tzinfo) -> None:
    """`todo audit --json`: one object per audited event, oldest first."""
    emit([_audit_entry(e, tz) for e in entries])


def _audit_entry(entry: AuditEntry, tz: tzinfo) -> dict[str, Any]:
    # The audit row keeps a reminder event's reminder where a task event keeps its changes.
    reminder = entry.type.startswith(_REMINDER_EVENT)
    return {
        "time": dates.iso(entry.time, tz),
        "type": entry.type,
        "source": entry.source,
        "task": entry.task_id,
        "task_uuid": entry.task_uuid,
        "title": entry.task_title,
        "changes": {} if reminder else entry.changes,
        "reminder": entry.changes.get("reminder") if reminder else None,
        "event_id": entry.event_id,
    }


def reminders(pairs: Sequence[tuple[TaskRead, ReminderRead]], tz: tzinfo) -> None:
    """`todo reminders --json`: one object per reminder, soonest first."""
    emit([
        {"task": t.id, "title": t.title, "at": dates.iso(r.at, tz), "before": r.before,
         "state": r.state.value, "task_uuid": t.uuid}
        for t, r in pairs
    ])


def settings(rows: Sequence[tuple[str, object, str]]) -> None:
    """`todo config show --json`: {"dotted.key": {"value": ..., "source": "..."}}."""
    emit({key: {"value": value, "source": source} for key, value, source in rows})
