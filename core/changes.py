"""What interfaces send in to change a task: a partial change (TaskUpdate), validated by the
service, which names the offending part of any error. A new task is core.creation's."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from core.priorities import Priority
from core.schemas import UNSET, Due, _Unset


@dataclass(frozen=True, slots=True)
class TaskUpdate:
    """A partial change: fields left UNSET are untouched; None clears notes or due."""

    title: str | _Unset = UNSET
    notes: str | _Unset | None = UNSET
    priority: Priority | _Unset = UNSET
    due: Due | _Unset | None = UNSET
    tags: tuple[str, ...] | _Unset = UNSET
    add_tags: tuple[str, ...] = ()
    remove_tags: tuple[str, ...] = ()
    recurrence: str | _Unset | None = UNSET
    """A recurrence phrase or RRULE applying from this instance on; None ends the series."""
    add_reminders: tuple[str, ...] = ()
    """Reminder phrases to add: "30m before", "at 3pm", "tomorrow 9am"."""
    project: str | _Unset | None = UNSET
    wait: Due | _Unset | None = UNSET
    """A date is the start of that local day."""
    scheduled: Due | _Unset | None = UNSET
    until: Due | _Unset | None = UNSET
    """A date is the end of that local day."""
    parent: int | _Unset | None = UNSET
    """The id of the new parent task; None makes the task top-level again."""
    depends: tuple[int, ...] | _Unset = UNSET
    """The ids of the tasks that block this one (replacing the old ones); () clears them."""

    def changes(self) -> dict[str, Any]:
        """The fields the caller set, by name (the dataclass twin of model_dump(exclude_unset))."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            # `depends=()` clears the blockers; an empty add/remove list changes nothing.
            if value is not UNSET and (value != () or f.name == "depends"):
                out[f.name] = value
        return out
