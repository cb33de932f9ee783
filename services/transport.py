"""What the consumer loop needs from a log, whichever carries it (the embedded outbox or Kafka)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Message:
    """One record read from a topic: its place in the log, key, body and headers."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes] = field(default_factory=dict)


class Source(Protocol):
    """A consumer-group subscription: poll, then commit what was handled."""

    def poll(self, timeout: float) -> Message | None:
        """The next message, or None when none arrived within `timeout` seconds."""
        ...

    def poll_many(self, limit: int, timeout: float) -> list[Message]:
        """Up to `limit` messages; waits up to `timeout` only for the first one."""
        ...

    def commit(self, message: Message) -> None:
        """Record that `message` (and everything before it in its partition) is done."""
        ...

    def close(self) -> None:
        """Commit what was stored and leave the group."""
        ...


class Sink(Protocol):
    """A producer: publish, then know each record was acknowledged."""

    def publish(self, topic: str, key: bytes, value: bytes, headers: dict[str, bytes]) -> None:
        """Queue one record; `flush` reports whether it was delivered."""
        ...

    def flush(self, timeout: float) -> int:
        """Wait for delivery reports; raise DeliveryError if any record failed. Returns the
        number still in flight."""
        ...

    def close(self) -> None:
        """Flush and release the producer."""
        ...


class DeliveryError(Exception):
    """A record was not acknowledged by the broker."""
