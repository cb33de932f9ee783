"""Reminders: a scheduler that claims due reminders, and a consumer that delivers them."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, TextIO

from core import events
from core.service import TaskService
from services.channels import (
    Channel,
    ChannelError,
    Notification,
    Unavailable,
    deliver_with_retry,
)
from services.observer import NULL, Observer


class Scheduler:
    """Claims due reminders every tick; claiming appends `todo.reminder.due` atomically."""

    observer: Observer = NULL

    def __init__(self, service: TaskService, interval_s: float = 1.0) -> None:
        self.service = service
        self.interval_s = interval_s
        self.stop = threading.Event()

    def tick(self) -> int:
        """Claim what is due now; returns how many reminders were claimed."""
        return len(self.service.claim_due_reminders(self.service.now()))

    def run(self) -> None:
        """Tick until stopped."""
        while not self.stop.is_set():
            self.observer.tick()
            self.tick()
            self.stop.wait(self.interval_s)


class NotifyConsumer:
    """Delivers each `todo.reminder.due` once per channel; a failing channel blocks no other."""

    group = "notify"
    topic: str | None = events.REMINDER_TOPIC
    observer: Observer = NULL

    def __init__(
        self,
        service: TaskService,
        channels: Sequence[Channel],
        retries: int = 5,
        backoff_s: float = 1.0,
        log: TextIO | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service = service
        self.channels = list(channels)
        self.retries = retries
        self.backoff_s = backoff_s
        self.log = log if log is not None else sys.stderr
        self.sleep = sleep

    def apply(self, batch: list[dict[str, Any]]) -> None:
        """Deliver the due reminders in `batch`; replays skip channels already delivered."""
        for env in batch:
            if env["type"] == events.REMINDER_DUE:
                self._deliver(env)

    def _deliver(self, env: dict[str, Any]) -> None:
        service = self.service.for_owner(env["data"]["owner"])
        note = notification(env)
        done = service.delivered_channels(env["id"])
        delivered = sorted(done)
        todo = [c for c in self.channels if c.name not in done]
        if todo:
            # Each channel sends (and backs off) in its own thread, so a slow or failing one
            # holds up none of the others; deliveries are recorded here, on our connection.
            with ThreadPoolExecutor(max_workers=len(todo)) as pool:
                sending = {pool.submit(self._send, c, note): c for c in todo}
                for future in as_completed(sending):
                    channel = sending[future]
                    error = future.result()
                    if error is not None:
                        self._say(env, channel.name, *error)
                        continue
                    service.record_delivery(env["id"], channel.name)
                    delivered.append(channel.name)
                    self._say(env, channel.name, "delivered")
        service.reminder_fired(env, delivered)

    def _send(self, channel: Channel, note: Notification) -> tuple[str, str] | None:
        """Deliver on one channel with retries; (result, error) when it did not go out."""
        try:
            deliver_with_retry(channel, note, self.retries, self.backoff_s, self.sleep)
        except Unavailable as exc:
            return ("unavailable", str(exc))
        except ChannelError as exc:
            return ("failed", str(exc))
        return None

    def _say(self, env: dict[str, Any], channel: str, result: str, error: str = "") -> None:
        self.observer.delivery(channel, result)
        line = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "group": self.group,
                "event": env["id"], "channel": channel, "result": result}
        if error:
            line["error"] = error
        self.log.write(json.dumps(line) + "\n")
        self.log.flush()


def notification(env: dict[str, Any]) -> Notification:
    """The message a `todo.reminder.due` event becomes."""
    task = env["data"]["task"]
    reminder = env["data"]["reminder"]
    due = task.get("due")
    text = f"Reminder: {task['title']}" + (f" (due {due})" if due else "")
    return Notification(
        event_id=env["id"], task_id=int(task["id"]), title=task["title"], due=due,
        at=reminder["at"], text=text,
    )
