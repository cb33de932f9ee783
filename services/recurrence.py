"""The recurrence consumer: a completed recurring task gets its next instance, exactly once."""

from __future__ import annotations

from typing import Any

from core import events
from core.errors import InvalidEvent
from core.schemas import TaskRead
from core.service import TaskService


class RecurrenceConsumer:
    """On `todo.task.completed` of a recurring task, creates the next instance through core."""

    group = "recurrence"
    topic: str | None = events.TASK_TOPIC

    def __init__(self, service: TaskService) -> None:
        self.service = service
        self.created: list[TaskRead] = []

    def apply(self, batch: list[dict[str, Any]]) -> None:
        """Spawn next instances for the completions in `batch` (replays change nothing);
        InvalidEvent for a completion without task or owner (it is dead-lettered)."""
        for env in batch:
            data = env["data"]
            if env["type"] != events.COMPLETED:
                continue
            task, owner = data.get("task"), data.get("owner")
            if not isinstance(task, dict) or not isinstance(owner, str) or not owner:
                raise InvalidEvent(f"event {env['id']}: a completion without task or owner")
            if not task.get("recurrence"):
                continue
            owner = self.service.for_owner(data["owner"])
            made = owner.spawn_next_for(
                data["task"]["uuid"], (self.group, env["id"]), env.get("todoop")
            )
            if made is not None:
                self.created.append(made)
