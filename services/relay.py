"""The relay: publishes the outbox to Kafka in order and marks rows sent once acknowledged."""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TextIO

from core.eventlog import EncodedEntry, EventLog
from services.transport import DeliveryError, Sink

TopicFor = Callable[[str], str]
"""Maps a log topic ("task-events", "reminders") to the Kafka topic name."""


def ce_headers(envelope: dict[str, Any]) -> dict[str, bytes]:
    """The CloudEvents Kafka binding's `ce_*` headers for an envelope."""
    headers = {
        f"ce_{key}": str(envelope[key]).encode()
        for key in ("specversion", "id", "source", "type", "subject", "time", "todoop")
        if envelope.get(key) is not None
    }
    headers["content-type"] = b"application/cloudevents+json; charset=UTF-8"
    return headers


class Relay:
    """Moves unsent outbox rows to the broker, oldest first, keyed by task."""

    def __init__(
        self,
        log: EventLog,
        make_sink: Callable[[], Sink],
        topic_for: TopicFor,
        batch: int = 1000,
        flush_timeout_s: float = 30.0,
        out: TextIO | None = None,
    ) -> None:
        self.log = log
        self.make_sink = make_sink
        self.topic_for = topic_for
        self.batch = batch
        self.flush_timeout_s = flush_timeout_s
        self.out = out if out is not None else sys.stderr
        self.stop = threading.Event()
        self._sink: Sink | None = None
        self.published = 0

    def publish_once(self) -> int:
        """Publish one batch; returns how many rows were acknowledged and marked sent.

        After a delivery failure the producer is replaced and nothing is marked: the batch
        is sent again, and consumers drop the duplicates by event id.
        """
        entries = self.log.unsent(self.batch)
        if not entries:
            return 0
        sink = self._sink or self._new_sink()
        try:
            for entry in entries:
                self._publish(sink, entry)
            sink.flush(self.flush_timeout_s)
        except (DeliveryError, BufferError, RuntimeError) as exc:
            self._drop_sink()
            self._say({"result": "delivery-failed", "error": str(exc), "batch": len(entries)})
            return 0
        self.log.mark_sent([e.seq for e in entries], datetime.now(UTC))
        self.published += len(entries)
        self._say({"result": "published", "count": len(entries), "last_seq": entries[-1].seq})
        return len(entries)

    def run(self, idle_s: float = 0.1) -> None:
        """Publish until stopped; waits `idle_s` when there is nothing to send."""
        try:
            while not self.stop.is_set():
                if self.publish_once() == 0:
                    self.stop.wait(idle_s)
        finally:
            self._drop_sink()

    def _publish(self, sink: Sink, entry: EncodedEntry) -> None:
        sink.publish(
            self.topic_for(entry.topic), entry.key.encode(), entry.value,
            ce_headers(entry.attributes),
        )

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
        line = {"ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "group": "relay", **line}
        self.out.write(json.dumps(line) + "\n")
        self.out.flush()
