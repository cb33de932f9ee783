"""Reminders: a scheduler that claims due reminders, and a consumer that delivers them.

The scheduler's claim marks the reminder fired and appends `todo.reminder.due` in one
transaction, so of several notify workers exactly one claims each reminder. The consumer
claims each (event, channel) in the database before sending (core.deliveries), renews the
claim while the send runs, and marks it delivered after: one send per channel however many
workers run, and after a crash mid-send one repeat with the same idempotency key.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, TextIO

from core import events
from core.leases import holder_id
from core.service import TaskService
from services import logs
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
    """Delivers each `todo.reminder.due` once per channel; a failing channel blocks no other.

    Each (event, channel) is claimed in the database before it is sent, for `lease_s`
    seconds, renewed every third of that while the send runs, then marked delivered. A claim
    another worker holds is waited for: it is being sent, or its holder died and the lease
    runs out, and then it is sent again with the same event id (at most one repeat).
    """

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
        lease_s: float = 30.0,
        keep_alive: Callable[[], object] | None = None,
    ) -> None:
        self.service = service
        self.channels = list(channels)
        self.retries = retries
        self.backoff_s = backoff_s
        self.log = log if log is not None else sys.stderr
        self.sleep = sleep
        self.lease_s = lease_s
        self.holder = holder_id(self.group)
        # Called while sends run, so a long delivery keeps the group's lease (embedded log).
        self.keep_alive = keep_alive or (lambda: None)

    def apply(self, batch: list[dict[str, Any]]) -> None:
        """Deliver the due reminders in `batch`; replays skip channels already delivered."""
        for env in batch:
            if env["type"] == events.REMINDER_DUE:
                self._deliver(env)

    def _deliver(self, env: dict[str, Any]) -> None:
        service = self.service.for_owner(env["data"]["owner"])
        note = notification(env)
        delivery = _Delivery(self, service, env)
        # Each channel sends (and backs off) in its own thread, so a slow or failing one
        # holds up none of the others; claims are taken, renewed and settled here, on our
        # connection.
        with ThreadPoolExecutor(max_workers=len(self.channels) or 1) as pool:
            waiting = delivery.claim(list(self.channels), pool, note)
            while waiting or delivery.sending:
                delivery.settle(_TICK_S)
                delivery.renew()
                self.keep_alive()
                if waiting:
                    waiting = delivery.claim(waiting, pool, note)
        service.reminder_fired(env, sorted(delivery.delivered))

    def _send(self, channel: Channel, note: Notification) -> tuple[str, str] | None:
        """Deliver on one channel with retries; (result, error) when it did not go out."""
        try:
            deliver_with_retry(channel, note, self.retries, self.backoff_s, self.sleep)
        except Unavailable as exc:
            return ("unavailable", str(exc))
        except ChannelError as exc:
            return ("failed", str(exc))
        return None

    def _say(self, env: dict[str, Any], channel: str, result: str, error: str = "",
             attempt: int = 1) -> None:
        self.observer.delivery(channel, result)
        line: dict[str, Any] = {"group": self.group, "event": env["id"], "channel": channel,
                                "result": result}
        if attempt > 1:
            line["attempt"] = attempt
        if error:
            line["error"] = error
        logs.write(self.log, line)


_TICK_S = 0.2  # how often, while sends run, claims held elsewhere and lease renewals are due


class _Delivery:
    """One reminder event's channels: claimed, in flight (renewed), delivered."""

    def __init__(self, consumer: NotifyConsumer, service: TaskService,
                 env: dict[str, Any]) -> None:
        self.consumer = consumer
        self.service = service
        self.env = env
        self.delivered: list[str] = []
        self.sending: dict[Future[tuple[str, str] | None], tuple[Channel, int]] = {}
        self.renewed = time.monotonic()

    def claim(self, channels: list[Channel], pool: ThreadPoolExecutor,
              note: Notification) -> list[Channel]:
        """Claim these channels and start their sends; returns those another worker holds."""
        c = self.consumer
        names = [channel.name for channel in channels]
        got = self.service.claim_deliveries(self.env["id"], names, c.holder, c.lease_s)
        busy = []
        for channel in channels:
            claim = got[channel.name]
            if claim.state == "busy":
                busy.append(channel)
            elif claim.state == "delivered":
                self.delivered.append(channel.name)
            else:
                self.sending[pool.submit(c._send, channel, note)] = (channel, claim.attempts)
        return busy

    def settle(self, timeout: float) -> None:
        """Wait up to `timeout` for sends to end; record each as delivered or release it."""
        if not self.sending:
            time.sleep(timeout)  # a claim held elsewhere: its holder is sending
            return
        done, _running = wait(self.sending, timeout=timeout, return_when=FIRST_COMPLETED)
        for future in done:
            channel, attempt = self.sending.pop(future)
            error = future.result()
            if error is not None:
                self.service.release_delivery(self.env["id"], channel.name, self.consumer.holder)
                self.consumer._say(self.env, channel.name, *error, attempt=attempt)
                continue
            self.service.mark_delivered(self.env["id"], channel.name)
            self.delivered.append(channel.name)
            self.consumer._say(self.env, channel.name, "delivered", attempt=attempt)

    def renew(self) -> None:
        """Every third of the lease: extend the claims in flight."""
        c = self.consumer
        if time.monotonic() - self.renewed < c.lease_s / 3:
            return
        self.renewed = time.monotonic()
        pairs = [(self.env["id"], ch.name) for ch, _n in self.sending.values()]
        for _event, channel in self.service.renew_deliveries(pairs, c.holder, c.lease_s):
            c._say(self.env, channel, "claim-lost")  # paused past the lease: a repeat may follow


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
