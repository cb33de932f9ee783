"""The embedded log: consumers read the outbox table, positions live in the database.

`drain` is what the CLI and the TUI run after each command when no Kafka is configured, so
one user needs no daemon: completing a recurring task shows the next instance at once.
`EmbeddedSource` lets the same consumer loop as Kafka's (`services.runner`) run on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from core.eventlog import EventLog
from core.schemas import TaskRead
from core.service import TaskService
from services.consumers import Consumer
from services.transport import Message

BATCH = 500


def run_inline(service: TaskService) -> list[TaskRead]:
    """What runs in-process after each command: the recurrence and audit consumers.

    Returns the task instances the recurrence consumer created.
    """
    from services.audit import AuditConsumer
    from services.recurrence import RecurrenceConsumer

    recurrence = RecurrenceConsumer(service)
    drain(service, [recurrence, AuditConsumer(service)])
    return recurrence.created


def run_inline_or_defer(service: TaskService) -> tuple[list[TaskRead], str | None]:
    """`run_inline` as interfaces call it after a change: the change already committed, so a
    consumer failure is not raised but returned as a message to show; the consumers keep
    their positions and the next change retries."""
    try:
        return run_inline(service), None
    except Exception as exc:  # reported by the caller; the work is retried on the next change
        return [], f"background processing deferred ({exc})"


def drain(service: TaskService, consumers: Sequence[Consumer]) -> None:
    """Apply every event each consumer has not seen yet, batch by batch."""
    log = EventLog(service.store)
    for consumer in consumers:
        while True:
            entries = log.read(log.position(consumer.group), BATCH, consumer.topic)
            if not entries:
                break
            consumer.apply([e.envelope for e in entries])
            log.commit(consumer.group, entries[-1].seq, datetime.now(UTC))


class EmbeddedSource:
    """A consumer group's subscription to the outbox, for `services.runner`."""

    def __init__(self, log: EventLog, group: str, topic: str | None) -> None:
        self.log = log
        self.group = group
        self.topic = topic
        self._buffer: list[Message] = []
        self._read_to = log.position(group)

    def poll(self, timeout: float) -> Message | None:
        """The next event after the group's position; waits up to `timeout` for one."""
        batch = self.poll_many(1, timeout)
        return batch[0] if batch else None

    def poll_many(self, limit: int, timeout: float) -> list[Message]:
        """Up to `limit` events after the group's position; waits up to `timeout` for one."""
        if not self._buffer:
            self._fill(timeout)
        batch, self._buffer = self._buffer[:limit], self._buffer[limit:]
        return batch

    def _fill(self, timeout: float) -> None:
        import time

        deadline = time.monotonic() + timeout
        while True:
            entries = self.log.read(self._read_to, BATCH, self.topic)
            if entries:
                self._read_to = entries[-1].seq
                self._buffer = [
                    Message(e.topic, 0, e.seq, e.key.encode(),
                            json.dumps(e.envelope).encode(), {})
                    for e in entries
                ]
                return
            if time.monotonic() >= deadline:
                return
            time.sleep(min(0.05, max(deadline - time.monotonic(), 0)))

    def commit(self, message: Message) -> None:
        """Move the group's position past `message`."""
        self.log.commit(self.group, message.offset, datetime.now(UTC))

    def close(self) -> None:
        """Nothing to leave: positions are committed as they go."""
