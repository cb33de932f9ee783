"""The outbox read as a log: what embedded consumers and the Kafka relay read.

Embedded mode: the outbox *is* the log, its `seq` the offset, and each consumer group keeps
its position in `consumer_offset`. Kafka mode: the relay reads unsent rows in order and
marks them sent once the broker acknowledged them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from core import events
from core.queries import consumers, outbox
from core.store import Store, read_dt


# NamedTuples, not dataclasses: a dataclass costs ~0.8 ms to create, and the drain imports
# this module whenever a write's events go the lease-taking way (a completion, expiry).
class LogEntry(NamedTuple):
    """One event of the log with its position and routing."""

    seq: int
    topic: str
    key: str
    envelope: dict[str, Any]


class EncodedEntry(NamedTuple):
    """An event ready to publish: position, routing, CloudEvents attributes and the data as
    the outbox stores it (JSON bytes, never decoded: the relay's hot path)."""

    seq: int
    topic: str
    key: str
    attributes: dict[str, Any]
    data: bytes


class EventLog:
    """Reads and positions over the outbox table of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def read(self, after: int, limit: int, topic: str | None = None) -> list[LogEntry]:
        """Up to `limit` events after position `after`, in order; only `topic`'s if given."""
        with self.store.read() as db:
            rows = outbox.read(db, after, limit, topic)
        return [entry_of(row) for row in rows]

    def unsent(self, limit: int) -> list[EncodedEntry]:
        """The oldest events not yet acknowledged by Kafka, in order, encoded for the wire."""
        with self.store.read() as db:
            rows = outbox.unsent(db, limit)
        return [_encoded(row) for row in rows]

    def mark_sent(self, seqs: list[int], now: datetime) -> None:
        """Record that the broker acknowledged these events."""
        if not seqs:
            return
        with self.store.write() as db:
            outbox.mark_sent(db, seqs, now)

    def position(self, group: str) -> int:
        """How far `group` has read (0 before its first commit)."""
        with self.store.read() as db:
            return consumers.position(db, group)

    def commit(self, group: str, seq: int, now: datetime) -> None:
        """Move `group`'s position to `seq` (never backwards)."""
        with self.store.write() as db:
            consumers.commit(db, group, seq, now)

    def head(self, topic: str | None = None) -> int:
        """The position of the newest event (of `topic`)."""
        with self.store.read() as db:
            return outbox.head(db, topic)

    def backlog(self, group: str, topic: str | None = None) -> int:
        """How many events of `topic` lie after `group`'s position."""
        seq = self.position(group)
        with self.store.read() as db:
            return outbox.count_after(db, seq, topic)

    def applied(self, group: str, event_ids: list[str]) -> set[str]:
        """Which of `event_ids` `group` has already applied (its idempotency marks)."""
        if not event_ids:
            return set()
        with self.store.read() as db:
            return consumers.applied(db, group, event_ids)

    def unsent_count(self) -> int:
        """How many events the relay has still to publish."""
        with self.store.read() as db:
            return outbox.unsent_count(db)

    def dead_letter(
        self, group: str, where: tuple[str, int, int], error: str, payload: str | None,
        now: datetime,
    ) -> None:
        """Keep a message a consumer gave up on, with the error and its origin (once: a
        member that takes over before the commit does not keep it again)."""
        with self.store.write() as db:
            consumers.keep_dead_letter(db, group, where, error, payload, now)

    def dead_letters(self, group: str | None = None) -> list[dict[str, Any]]:
        """The dead letters kept in the database (embedded mode), oldest first."""
        with self.store.read() as db:
            rows = consumers.dead_letters(db, group)
        keys = ("group", "topic", "partition", "offset", "error", "payload")
        return [dict(zip(keys, row, strict=True)) for row in rows]


def entry_of(row: Any) -> LogEntry:
    """The log entry of an outbox row as `core.queries.outbox.read` returns it."""
    seq, _id, etype, subject, *_rest, owner = row
    return LogEntry(int(seq), events.topic_of(etype), f"{owner}/{subject}",
                    outbox.envelope_of(row))


def _encoded(row: Any) -> EncodedEntry:
    seq, id_, etype, subject, time, data, source, op_id, owner = row
    stamp = read_dt(time)
    assert stamp is not None
    attrs = events.attributes(id_, etype, subject, stamp,
                              source or events.source_for(owner, "unknown"))
    attrs["todoop"] = op_id  # CloudEvents extension: the operation, for undo grouping
    return EncodedEntry(int(seq), events.topic_of(etype), f"{owner}/{subject}", attrs,
                        data.encode())
