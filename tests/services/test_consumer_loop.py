"""The consumer loop (services.runner) over a real Kafka source (Tansu): a poison message in
the middle of a batch, then a crash, must not cost the good messages of that batch.

The crash is a SystemExit raised by the consumer while it applies the batch: what a process
sees when it is told to exit at once, and what the loop lets through without catching (like
kill -9, nothing after it runs but the `finally` that closes the source).
"""

from __future__ import annotations

import io
import json
import time
import uuid
from typing import Any

from config.settings import KafkaSettings, WorkerSettings
from services import kafka
from services.runner import Policy, Runner
from services.topics import topic_names
from services.transport import Message
from tests.services.kafka_tools import produce_raw

WORKER = WorkerSettings(session_timeout_ms=6000)


class Recorder:
    """A consumer (the Consumer protocol) that records the ids it applied; with `crash` it
    dies on its first batch as a process would, before applying anything."""

    topic: str | None = None

    def __init__(self, group: str, crash: bool = False) -> None:
        self.group = group
        self.crash = crash
        self.applied: list[str] = []
        self.batches: list[list[str]] = []

    def apply(self, batch: list[dict[str, Any]]) -> None:
        self.batches.append([e["id"] for e in batch])
        if self.crash:
            self.crash = False
            raise SystemExit("killed while applying")
        self.applied.extend(e["id"] for e in batch)


def envelope(event_id: str) -> bytes:
    return json.dumps({
        "specversion": "1.0", "id": event_id, "source": "todo/tester@test",
        "type": "todo.task.updated", "subject": "1", "time": "2026-11-22T10:00:00Z",
        "data": {"task": {"id": 1}},
    }).encode()


def batch_of(source: kafka.KafkaSource, count: int, timeout: float = 20.0) -> list[Message]:
    """Poll until `count` messages are in hand (the loop's batch, collected deterministically)."""
    got: list[Message] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        got.extend(source.poll_many(count - len(got), 0.2))
    assert len(got) == count, f"got {len(got)} of {count} messages in {timeout:g} s"
    return got


def test_a_poison_message_mid_batch_then_a_crash_loses_no_good_message(
    kafka_settings: KafkaSettings,
) -> None:
    kafka.ensure_topics(kafka_settings)
    topic = topic_names(kafka_settings).task_events
    good = [str(uuid.uuid4()) for _ in range(4)]
    values = [envelope(good[0]), envelope(good[1]), b"{not json", envelope(good[2]),
              envelope(good[3])]
    for value in values:  # one key: one partition, in this order
        produce_raw(kafka_settings, topic, b"tester/1", value)
    group = f"{kafka_settings.topic_prefix}loop"
    letters: list[tuple[int, str]] = []

    def dead_letter(message: Message, error: str) -> None:
        letters.append((message.offset, error))

    first = Recorder(group, crash=True)
    source = kafka.KafkaSource(kafka_settings, group, [topic], worker=WORKER)
    runner = Runner(source, first, dead_letter, Policy(poll_timeout_s=0.1), io.StringIO())
    batch = batch_of(source, 5)
    try:
        runner.handle_batch(batch)
        raise AssertionError("the consumer should have crashed")
    except SystemExit:
        pass
    finally:
        source.close()  # what Runner.run's `finally` does on the way out: commits what was stored
    assert first.batches and first.applied == []

    second = Recorder(group)
    again = kafka.KafkaSource(kafka_settings, group, [topic], worker=WORKER)
    runner = Runner(again, second, dead_letter, Policy(poll_timeout_s=0.1), io.StringIO())
    try:
        deadline = time.monotonic() + 20.0
        while set(second.applied) < set(good) and time.monotonic() < deadline:
            batch = again.poll_many(500, 0.2)
            if batch:
                runner.handle_batch(batch)
    finally:
        again.close()
    assert sorted(second.applied) == sorted(good), (
        f"good messages skipped after the crash: {sorted(set(good) - set(second.applied))}"
    )
    assert [offset for offset, _error in letters][-1] == 2
    assert all(error.startswith("malformed message") for _offset, error in letters)
