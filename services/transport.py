"""What the consumer loop needs from a log, whichever carries it (the embedded outbox or Kafka)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


class Record(Protocol):
    """A record as a Kafka client library hands it over (confluent_kafka.Message)."""

    def topic(self) -> str | None: ...
    def partition(self) -> int | None: ...
    def offset(self) -> int | None: ...
    def key(self) -> bytes | None: ...
    def value(self) -> bytes | None: ...
    def headers(
        self,
    ) -> Mapping[str, bytes | str | None] | Sequence[tuple[str, bytes | str | None]] | None: ...


def message_of(record: Record) -> Message:
    """`record` as a Message; header values become bytes (None as empty)."""
    raw = record.headers() or []
    headers: dict[str, bytes] = {}
    for name, value in raw.items() if isinstance(raw, Mapping) else raw:
        headers[name] = value.encode() if isinstance(value, str) else value or b""
    partition, offset = record.partition(), record.offset()
    return Message(
        topic=record.topic() or "",
        partition=-1 if partition is None else partition,
        offset=-1 if offset is None else offset,
        key=record.key(),
        value=record.value(),
        headers=headers,
    )


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
    """A producer: publish, then learn which records the broker acknowledged."""

    def publish(
        self, topic: str, key: bytes, value: bytes, headers: dict[str, bytes],
        ref: int | None = None,
    ) -> None:
        """Queue one record; `ref` shows up in `acknowledged()` once the broker has it."""
        ...

    def acknowledged(self) -> list[int]:
        """The refs of the records acknowledged since the last call."""
        ...

    def flush(self, timeout: float) -> int:
        """Wait for delivery reports; raise DeliveryError if any record failed. Returns the
        number still in flight."""
        ...

    def reset(self) -> None:
        """Discard every record still queued or in flight: none of them will be acknowledged."""
        ...

    def close(self) -> None:
        """Flush and release the producer."""
        ...


class DeliveryError(Exception):
    """A record was not acknowledged by the broker."""
