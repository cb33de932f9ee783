"""The relay: publishes the outbox to Kafka in order and marks rows sent once acknowledged.

Records follow the CloudEvents Kafka binding in binary mode (services/binding.py)."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from core.eventlog import EncodedEntry, EventLog
from services import logs
from services.binding import headers_of
from services.leader import Leader
from services.observer import NULL, Observer
from services.transport import DeliveryError, Sink

TopicFor = Callable[[str], str]
"""Maps a log topic ("task-events", "reminders") to the Kafka topic name."""


#: How much longer than the producer's delivery timeout the relay waits for delivery
#: reports: every record is reported (acknowledged or failed) within the timeout, and the
#: timeout scan of librdkafka runs about once a second.
FLUSH_MARGIN_S = 5.0


def flush_wait_s(delivery_timeout_s: float) -> float:
    """How long the relay waits for a batch's delivery reports."""
    return delivery_timeout_s + FLUSH_MARGIN_S


class Relay:
    """Moves unsent outbox rows to the broker, oldest first, keyed by task.

    A row is marked sent only once the broker acknowledged its record (the producer's
    per-record delivery report), never because a flush returned. With a `leader`, only the
    process holding the "relay" lease publishes, and a batch is marked only if the lease was
    held without a break while it was sent.
    """

    observer: Observer = NULL

    def __init__(
        self,
        log: EventLog,
        make_sink: Callable[[], Sink],
        topic_for: TopicFor,
        batch: int = 1000,
        flush_timeout_s: float = flush_wait_s(10.0),
        out: TextIO | None = None,
        leader: Leader | None = None,
    ) -> None:
        self.log = log
        self.make_sink = make_sink
        self.topic_for = topic_for
        self.batch = batch
        self.flush_timeout_s = flush_timeout_s
        self.out = out if out is not None else sys.stderr
        self.leader = leader
        self.stop = threading.Event()
        self._sink: Sink | None = None
        self._role = ""
        self.published = 0

    def publish_once(self) -> int:
        """Publish one batch; returns how many rows were acknowledged and marked sent.

        Rows whose record was not acknowledged stay unsent and are published again by a
        later batch (consumers drop the duplicates by event id). Of one key's rows, none
        after an unacknowledged one is marked, so a re-publication keeps per-key order.
        """
        if not self._lead():
            return 0
        term = self.leader.term if self.leader is not None else 0
        entries = self.log.unsent(self.batch)
        if not entries:
            return 0
        sink = self._sink or self._new_sink()
        problem = self._send(sink, entries)
        done = _acknowledged_in_key_order(entries, set(sink.acknowledged()))
        if self.leader is not None and not self.leader.unbroken(term):
            self._say({"result": "lease-lost", "unmarked": len(done), "batch": len(entries)})
            return 0
        self.log.mark_sent(done, datetime.now(UTC))
        self.published += len(done)
        self.observer.published(len(done))
        if problem is not None:
            self._say({"result": "delivery-failed", "error": problem, "batch": len(entries),
                       "acknowledged": len(done)})
        else:
            self._say({"result": "published", "count": len(done), "last_seq": entries[-1].seq})
        return len(done)

    def run(self, idle_s: float = 0.1) -> None:
        """Publish until stopped; waits `idle_s` when there is nothing to send (a follower
        waits a third of the lease's ttl before it tries to take over)."""
        try:
            while not self.stop.is_set():
                self.observer.tick()
                if self.publish_once() == 0:
                    self.stop.wait(self._idle_s(idle_s))
        finally:
            self.close()

    def close(self) -> None:
        """Release the producer and give up the lease, so a waiting relay takes over now."""
        self._drop_sink()
        if self.leader is not None:
            self.leader.release()

    def _idle_s(self, idle_s: float) -> float:
        if self.leader is not None and self._role == "following":
            return self.leader.renew_every_s
        return idle_s

    def _lead(self) -> bool:
        if self.leader is None:
            return True
        leading = self.leader.hold()
        role = f"leading {self.leader.term}" if leading else "following"
        if role != self._role:
            self._role = role
            if leading:
                self._say({"result": "leading", "term": self.leader.term,
                           "holder": self.leader.holder})
            else:
                self._say({"result": "following", "leader": self.leader.current()})
        return leading

    def _send(self, sink: Sink, entries: list[EncodedEntry]) -> str | None:
        """Publish and wait for the delivery reports; what went wrong, if anything."""
        try:
            for entry in entries:
                sink.publish(self.topic_for(entry.topic), entry.key.encode(), entry.data,
                             headers_of(entry.attributes), entry.seq)
            deadline = time.monotonic() + self.flush_timeout_s
            while True:
                if self.leader is not None:
                    self.leader.hold()  # a long wait must not let the lease run out
                remaining = sink.flush(self._flush_slice(deadline))
                if remaining == 0:
                    return None
                if time.monotonic() >= deadline:
                    sink.reset()  # they may still arrive; unmarked, they are sent again
                    waited = self.flush_timeout_s
                    return f"{remaining} record(s) not acknowledged within {waited:g} s"
        except (DeliveryError, BufferError) as exc:
            return str(exc)
        except RuntimeError as exc:  # the sink was closed under us: build a new one
            self._sink = None
            return str(exc)

    def _flush_slice(self, deadline: float) -> float:
        left = max(deadline - time.monotonic(), 0.0)
        return left if self.leader is None else min(left, self.leader.renew_every_s)

    def _new_sink(self) -> Sink:
        self._sink = self.make_sink()
        return self._sink

    def _drop_sink(self) -> None:
        if self._sink is not None:
            try:
                self._sink.close()
            except Exception as exc:  # closing a broken producer: report, then build anew
                self._say({"result": "close-failed", "error": str(exc)})
            self._sink = None

    def _say(self, line: dict[str, Any]) -> None:
        logs.write(self.out, {"group": "relay", **line})


def _acknowledged_in_key_order(entries: list[EncodedEntry], acked: set[int]) -> list[int]:
    """The seqs of `entries` to mark sent: acknowledged, and not behind an unacknowledged
    row of the same key (that one is published again, and its successors after it)."""
    blocked: set[str] = set()
    done: list[int] = []
    for entry in entries:
        if entry.key in blocked:
            continue
        if entry.seq in acked:
            done.append(entry.seq)
        else:
            blocked.add(entry.key)
    return done
