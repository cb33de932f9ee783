"""The recurrence worker: a completed recurring task gets its next instance, exactly once;
a task whose `until` has passed expires (is deleted, undoably)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core import drain, events
from core.errors import InvalidEvent
from core.schemas import TaskRead
from core.service import TaskService

if TYPE_CHECKING:
    from services.observer import Observer


class RecurrenceConsumer:
    """On `todo.task.completed` of a recurring task, creates the next instance through core."""

    group = drain.RECURRENCE
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


class Expirer:
    """Deletes, every tick, the pending tasks of every owner whose `until` has passed."""

    def __init__(self, service: TaskService, interval_s: float = 1.0) -> None:
        # Imported here, for workers only: the drain's lease-taking way imports this module.
        import threading

        from services.observer import NULL

        self.service = service
        self.interval_s = interval_s
        self.observer: Observer = NULL
        self.stop = threading.Event()

    def tick(self) -> list[TaskRead]:
        """Expire what is due now, owner by owner; returns the tasks deleted."""
        now = self.service.now()
        return [
            task
            for owner in self.service.owners_with_expired(now)
            for task in self.service.for_owner(owner).expire_due(now)
        ]

    def run(self) -> None:
        """Tick until stopped."""
        while not self.stop.is_set():
            self.observer.tick()
            self.tick()
            self.stop.wait(self.interval_s)
