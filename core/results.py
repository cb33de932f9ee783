"""What the use cases hand back besides tasks: light records the facade's callers import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import events, kept
from core.schemas import ReminderRead, TaskRead


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
