"""Kafka helpers for the tests: an independent reader (a plain confluent-kafka consumer, not
our code: it assigns every partition from the beginning, joins no group, commits nothing and
counts the CloudEvents ids it finds) and a one-record producer."""

from __future__ import annotations

import io
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from config.settings import KafkaSettings
from core import events
from core.eventlog import EventLog
from core.service import TaskService
from services.kafka import KafkaSink
from services.relay import Relay
from services.topics import topic_names


def event_ids(
    settings: KafkaSettings,
    topics: Iterable[str],
    expect: Iterable[str] = (),
    timeout: float = 30.0,
    quiet_s: float = 1.0,
) -> Counter[str]:
    """How often each event id is on `topics`: reads until every id of `expect` was seen and
    then nothing more arrived for `quiet_s` seconds (or `timeout` passed)."""
    assert settings.bootstrap_servers
    reader = Consumer({
        "bootstrap.servers": settings.bootstrap_servers,
        "group.id": f"independent-{uuid.uuid4().hex[:8]}",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "logger": _Silent(),
    })
    wanted = set(expect)
    seen: Counter[str] = Counter()
    try:
        reader.assign(_partitions(reader, list(topics)))
        deadline = time.monotonic() + timeout
        last_new = time.monotonic()
        while time.monotonic() < deadline:
            raw = reader.poll(0.1)
            if raw is not None and raw.error() is None:
                value = dict(raw.headers() or []).get("ce_id") or b"?"
                seen[value.decode() if isinstance(value, bytes) else value] += 1
                last_new = time.monotonic()
            elif wanted <= set(seen) and time.monotonic() - last_new >= quiet_s:
                break
    finally:
        reader.close()
    return seen


@dataclass(frozen=True)
class Record:
    """A record as the broker returned it to the independent reader."""

    topic: str
    key: bytes | None
    value: bytes
    headers: dict[str, bytes]


def records(
    settings: KafkaSettings, topics: Iterable[str], count: int, timeout: float = 30.0
) -> list[Record]:
    """The first `count` records of `topics` (all partitions, from the beginning), each
    partition in order; fewer if `timeout` passed first."""
    assert settings.bootstrap_servers
    reader = Consumer({
        "bootstrap.servers": settings.bootstrap_servers,
        "group.id": f"independent-{uuid.uuid4().hex[:8]}",
        "enable.auto.commit": False,
        "logger": _Silent(),
    })
    found: list[Record] = []
    try:
        reader.assign(_partitions(reader, list(topics)))
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            raw = reader.poll(0.1)
            if raw is not None and raw.error() is None:
                headers = {name: bytes(value or b"") for name, value in raw.headers() or []}
                found.append(Record(raw.topic(), raw.key(), raw.value() or b"", headers))
    finally:
        reader.close()
    return found


def publish_all(svc: TaskService, settings: KafkaSettings) -> int:
    """Publish the whole outbox with our relay, in-process; how many rows it marked sent."""
    topics = topic_names(settings)
    names = {events.TASK_TOPIC: topics.task_events, events.REMINDER_TOPIC: topics.reminders}
    sender = Relay(EventLog(svc.store), lambda: KafkaSink(settings), names.__getitem__,
                   out=io.StringIO())
    published = 0
    try:
        while (count := sender.publish_once()) > 0:
            published += count
    finally:
        sender.close()
    return published


def partition_counts(settings: KafkaSettings) -> dict[str, int]:
    """Every topic on the broker with its number of partitions."""
    assert settings.bootstrap_servers
    reader = Consumer({"bootstrap.servers": settings.bootstrap_servers, "group.id": "counts",
                       "logger": _Silent()})
    try:
        found = reader.list_topics(timeout=10).topics
        return {name: len(meta.partitions) for name, meta in found.items() if meta.error is None}
    finally:
        reader.close()


def _partitions(reader: Consumer, topics: list[str]) -> list[TopicPartition]:
    metadata = reader.list_topics(timeout=10).topics
    return [
        TopicPartition(topic, part, OFFSET_BEGINNING)
        for topic in topics if topic in metadata
        for part in sorted(metadata[topic].partitions)
    ]


class _Silent:
    """librdkafka's own log lines are noise here."""

    def log(self, level: int, msg: str, *args: object) -> None:
        del level, msg, args


def produce_raw(
    settings: KafkaSettings, topic: str, key: bytes, value: bytes,
    headers: dict[str, bytes] | None = None, timeout: float = 10.0,
) -> None:
    """Publish one record through our producer and wait for its acknowledgement."""
    sink = KafkaSink(settings, delivery_timeout_s=timeout, client_id="todo-tool")
    sink.publish(topic, key, value, headers or {})
    sink.close(timeout)
