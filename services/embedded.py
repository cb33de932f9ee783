"""The embedded log: consumers read the outbox table, positions live in the database.

`run_inline` (the drain) is the after-commit hook `services.opener` registers on every
interface's service when no Kafka is configured, so one user needs no daemon: completing a
recurring task shows the next instance at once, whichever interface completed it.
`EmbeddedSource` lets the same consumer loop as Kafka's (`services.runner`) run on it.

One active member per consumer group. Every member of a group (each `todo worker` process,
and the drain after each write of every interface) reads and applies only while it holds
the lease `group:<group>` (`core.leases`). A worker keeps the lease while it lives,
renewing it every third of `worker.lease_s` and before each batch, so no batch starts on a
lease that could run out while it is applied; the other workers try to take it every poll
interval, and do when it is released (SIGTERM) or has expired (kill -9). The new holder
reads from the group's committed position. The drain's common case (`core.drain.settle`)
applies a group's events inside one write transaction, which the database's write lock keeps
alone, after finding the lease free, so it need not take it; otherwise the drain takes the
lease without waiting and gives it back at once. While a worker holds it, the drain leaves
that group's events to the worker. Should a paused holder lose its lease mid-batch, the
replay is harmless: recurrence and audit record the event ids they applied with their
effects, and a notify delivery is claimed per channel before it is sent (`core.deliveries`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from core.drain import BATCH, settle
from core.errors import InvalidEvent

if TYPE_CHECKING:
    # Types only: the drain after every write of every interface does not pay for them,
    # nor, in its common case (`core.drain`), for the log, the leases and the leader.
    from core.eventlog import EventLog, LogEntry
    from core.schemas import TaskRead
    from core.service import TaskService
    from services.consumers import Consumer
    from services.transport import Message

DRAIN_LEASE_S = 10.0  # the drain gives the lease back when done; this bounds a dead CLI's hold


def run_inline(service: TaskService) -> list[TaskRead]:
    """What runs in-process after each committed write: the recurrence and audit consumers.

    Returns the task instances the recurrence consumer created (none for a group a worker
    is running: the worker applies its events). The common case, nothing to expire and
    events each group can apply inside one transaction, takes one write transaction
    (`core.drain`); the rest goes the lease-taking way, as workers do.
    """
    now = service.now()
    left = settle(service.store, service.owner, now)
    # Nothing left (the common case): the consumers, the log and the leases stay unloaded.
    return [] if left == [] else finish(service, now, left)


def finish(service: TaskService, now: datetime, left: list[str] | None) -> list[TaskRead]:
    """After `core.drain.settle` returned `left`: expire if it found tasks to (None), and
    drain the groups it left the lease-taking way; the instances recurrence created."""
    from services.audit import AuditConsumer
    from services.recurrence import RecurrenceConsumer

    recurrence = RecurrenceConsumer(service)
    consumers: list[RecurrenceConsumer | AuditConsumer] = [recurrence, AuditConsumer(service)]
    if left is None:
        service.expire_due(now)  # time-driven like a worker's tick; its events drain now
    if left != []:
        drain(service, _from_first_left(consumers, left))
    return recurrence.created


def _from_first_left(consumers: Sequence[Consumer], left: list[str] | None) -> list[Consumer]:
    # A group drained the slow way may write events (the recurrence consumer creates the
    # next instance), so every group after it is drained the slow way too, to see them.
    first = next((i for i, c in enumerate(consumers) if left is None or c.group in left), 0)
    return list(consumers[first:])


def drain(
    service: TaskService, consumers: Sequence[Consumer], lease_s: float = DRAIN_LEASE_S
) -> None:
    """Apply every event each consumer has not seen yet, batch by batch, for each group
    whose lease is free; an event a consumer rejects as invalid is dead-lettered."""
    from core.eventlog import EventLog
    from core.leases import Leases, holder_id
    from services.leader import Leader

    log = EventLog(service.store)
    leases = Leases(service.store)
    holder = holder_id("drain")
    for consumer in consumers:
        if not log.read(log.position(consumer.group), 1, consumer.topic):
            continue  # nothing waiting: no lease to take
        lease = Leader(leases, f"group:{consumer.group}", holder, lease_s)
        try:
            while lease.hold():
                entries = log.read(log.position(consumer.group), BATCH, consumer.topic)
                if not entries:
                    break
                _apply(log, consumer, entries)
        finally:
            lease.release()


def _apply(log: EventLog, consumer: Consumer, entries: list[LogEntry]) -> None:
    try:
        consumer.apply([e.envelope for e in entries])
    except InvalidEvent:  # find the culprit: the others apply, it goes to the dead letters
        for entry in entries:
            try:
                consumer.apply([entry.envelope])
            except InvalidEvent as exc:
                log.dead_letter(consumer.group, (entry.topic, 0, entry.seq),
                                f"InvalidEvent: {exc}", json.dumps(entry.envelope),
                                datetime.now(UTC))
            log.commit(consumer.group, entry.seq, datetime.now(UTC))
        return
    log.commit(consumer.group, entries[-1].seq, datetime.now(UTC))


class EmbeddedSource:
    """A consumer group's subscription to the outbox, for `services.runner`: it reads only
    while it holds the group's lease (see the module docstring)."""

    def __init__(
        self, log: EventLog, group: str, topic: str | None, lease_s: float = 10.0,
        holder: str | None = None,
    ) -> None:
        from core.leases import Leases, holder_id
        from services.leader import Leader

        self.log = log
        self.group = group
        self.topic = topic
        self.lease = Leader(
            Leases(log.store), f"group:{group}", holder or holder_id(group), lease_s
        )
        self._buffer: list[Message] = []
        self._read_to = 0
        self._read_fence: int | None = None  # the hand-over `_read_to` belongs to

    def poll(self, timeout: float) -> Message | None:
        """The next event after the group's position; waits up to `timeout` for one."""
        batch = self.poll_many(1, timeout)
        return batch[0] if batch else None

    def poll_many(self, limit: int, timeout: float) -> list[Message]:
        """Up to `limit` events after the group's position; waits up to `timeout` for one.

        Empty while another member holds the group's lease; a batch is handed out only on
        a lease renewed less than a third of its term ago."""
        deadline = time.monotonic() + timeout
        while True:
            if self.lease.hold():
                if self.lease.fence != self._read_fence:  # (re)taken: others moved on
                    self._read_to = self.log.position(self.group)
                    self._read_fence = self.lease.fence
                    self._buffer = []
                if not self._buffer:
                    self._read()
                if self._buffer and self.lease.hold():
                    batch, self._buffer = self._buffer[:limit], self._buffer[limit:]
                    return batch
                pause = 0.05
            else:
                self._buffer, self._read_fence = [], None
                pause = timeout  # a waiting member tries the lease once per poll interval
            left = deadline - time.monotonic()
            if left <= 0:
                return []
            time.sleep(min(pause, left))

    def _read(self) -> None:
        from services.transport import Message  # workers only: not on the drain's path

        entries = self.log.read(self._read_to, BATCH, self.topic)
        if entries:
            self._read_to = entries[-1].seq
            self._buffer = [
                Message(e.topic, 0, e.seq, e.key.encode(), json.dumps(e.envelope).encode(), {})
                for e in entries
            ]

    def pause(self, seconds: float) -> None:
        """Sleep (the loop's backoff between retries) while keeping the group's lease."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.lease.hold()
            time.sleep(min(left, self.lease.ttl_s / 6))

    def keep_alive(self) -> None:
        """Renew the group's lease if a third of it has passed (for a long batch)."""
        self.lease.hold()

    def commit(self, message: Message) -> None:
        """Move the group's position past `message`."""
        self.log.commit(self.group, message.offset, datetime.now(UTC))

    def close(self) -> None:
        """Give the group's lease up, so a waiting member takes over at once."""
        self._buffer = []
        self.lease.release()
