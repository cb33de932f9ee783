"""services.kafka against a real Kafka-protocol broker (Tansu, see conftest.py).

Group joins on Tansu take half of session.timeout.ms, so every source here uses 6000 ms.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator

import pytest

from config.settings import KafkaSettings, WorkerSettings
from services import kafka, kafka_status
from services.kafka_config import client_config
from services.kafka_reports import KafkaDeliveryError
from services.topics import EventStreamError, Topics, topic_names
from services.transport import DeliveryError, Message
from tests.services.conftest import TansuBroker, free_port
from tests.services.kafka_tools import produce_raw

WORKER = WorkerSettings(session_timeout_ms=6000)


def event(task_id: str, seq: int) -> tuple[bytes, bytes, dict[str, bytes]]:
    """(key, value, headers) of one CloudEvent in Kafka binary mode."""
    event_id = str(uuid.uuid4())
    headers = {
        "ce_specversion": b"1.0",
        "ce_id": event_id.encode(),
        "ce_source": b"todo/alice@test",
        "ce_type": b"todo.task.updated",
        "ce_subject": task_id.encode(),
        "ce_time": b"2026-11-22T10:00:00Z",
        "content-type": b"application/json",
    }
    value = json.dumps({"task": task_id, "seq": seq}).encode()
    return task_id.encode(), value, headers


def publish(sink: kafka.KafkaSink, topic: str, records: list[tuple[str, int]]) -> None:
    for task_id, seq in records:
        sink.publish(topic, *event(task_id, seq))
    assert sink.flush(10.0) == 0


def source(settings: KafkaSettings, group: str, topic: str) -> kafka.KafkaSource:
    return kafka.KafkaSource(settings, group, [topic], worker=WORKER)


def drain(
    src: kafka.KafkaSource, count: int, timeout: float = 20.0, *, commit_first: int = 0
) -> list[Message]:
    """Poll until `count` messages arrived; commit the first `commit_first` of them."""
    got: list[Message] = []
    deadline = time.monotonic() + timeout
    while len(got) < count and time.monotonic() < deadline:
        message = src.poll(0.2)
        if message is None:
            continue
        got.append(message)
        if len(got) <= commit_first:
            src.commit(message)
    assert len(got) == count, f"got {len(got)} of {count} messages in {timeout}s"
    return got


def quiet(src: kafka.KafkaSource, seconds: float) -> list[Message]:
    """Whatever arrives within `seconds` (expected: nothing)."""
    got: list[Message] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        message = src.poll(0.2)
        if message is not None:
            got.append(message)
    return got


def seqs(messages: list[Message]) -> list[tuple[str, int]]:
    out = []
    for m in messages:
        assert m.value is not None
        body = json.loads(m.value)
        out.append((body["task"], body["seq"]))
    return out


@pytest.fixture
def topics(kafka_settings: KafkaSettings) -> Topics:
    kafka.ensure_topics(kafka_settings)
    return topic_names(kafka_settings)


@pytest.fixture
def sink(kafka_settings: KafkaSettings) -> Iterator[kafka.KafkaSink]:
    s = kafka.KafkaSink(kafka_settings)
    yield s
    s.close()


# ---------------------------------------------------------------------------- no broker


def test_client_config_passes_sasl_and_ssl_through() -> None:
    plain = KafkaSettings(bootstrap_servers="b1:9092,b2:9092")
    assert client_config(plain) == {"bootstrap.servers": "b1:9092,b2:9092"}
    hosted = KafkaSettings(
        bootstrap_servers="pkc.example:9092",
        security_protocol="SASL_SSL",
        sasl_mechanism="PLAIN",
        sasl_username="key",
        sasl_password="secret",
    )
    assert client_config(hosted) == {
        "bootstrap.servers": "pkc.example:9092",
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "PLAIN",
        "sasl.username": "key",
        "sasl.password": "secret",
    }
    with pytest.raises(EventStreamError, match="bootstrap_servers"):
        client_config(KafkaSettings())


def test_topic_names_use_the_prefix() -> None:
    names = topic_names(KafkaSettings(topic_prefix="acme."))
    assert names.all() == ("acme.task-events", "acme.reminders", "acme.dlq")


# ---------------------------------------------------------------------------- real broker


def test_ensure_topics_creates_the_three_topics_once(kafka_settings: KafkaSettings) -> None:
    kafka.ensure_topics(kafka_settings)
    kafka.ensure_topics(kafka_settings)  # already there: fine
    found = kafka.topic_partitions(kafka_settings)
    for name in topic_names(kafka_settings).all():
        assert found.get(name) == 3, found


def test_ensure_topics_names_the_topic_when_the_broker_is_unreachable() -> None:
    settings = KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}", topic_prefix="x.")
    with pytest.raises(EventStreamError, match=r"x\.task-events"):
        kafka.ensure_topics(settings, timeout=1.0)


def test_keyed_records_come_back_in_per_key_order_with_headers(
    kafka_settings: KafkaSettings, topics: Topics, sink: kafka.KafkaSink
) -> None:
    records = [(f"task-{i % 5}", i) for i in range(40)]
    sent = {}
    for task_id, seq in records:
        key, value, headers = event(task_id, seq)
        sent[headers["ce_id"]] = headers
        sink.publish(topics.task_events, key, value, headers)
    assert sink.flush(10.0) == 0

    src = source(kafka_settings, "g-order", topics.task_events)
    try:
        got = drain(src, len(records), commit_first=len(records))
    finally:
        src.close()

    by_key: dict[str, list[int]] = defaultdict(list)
    partition_of: dict[bytes | None, set[int]] = defaultdict(set)
    for message, (task_id, seq) in zip(got, seqs(got), strict=True):
        assert message.key == task_id.encode()
        assert message.headers == sent[message.headers["ce_id"]]
        by_key[task_id].append(seq)
        partition_of[message.key].add(message.partition)
    assert by_key == {f"task-{k}": list(range(k, 40, 5)) for k in range(5)}
    assert all(len(parts) == 1 for parts in partition_of.values())


def test_publish_waits_for_room_when_the_local_queue_is_full(
    kafka_settings: KafkaSettings, topics: Topics
) -> None:
    sink = kafka.KafkaSink(kafka_settings, extra_config={"queue.buffering.max.messages": 4})
    try:
        publish(sink, topics.task_events, [(f"task-{i % 7}", i) for i in range(60)])
    finally:
        sink.close()
    produce_raw(kafka_settings, topics.dlq, b"task-1", b"{}", {"ce_id": b"x"})
    ends = kafka_status.high_watermarks(kafka_settings, topics.all())
    assert sum(end for (topic, _), end in ends.items() if topic == topics.task_events) == 60
    assert sum(end for (topic, _), end in ends.items() if topic == topics.dlq) == 1
    assert sum(end for (topic, _), end in ends.items() if topic == topics.reminders) == 0


def test_a_new_member_resumes_after_the_committed_messages(
    kafka_settings: KafkaSettings, topics: Topics, sink: kafka.KafkaSink
) -> None:
    topic = topics.task_events
    records = [(f"task-{i % 4}", i) for i in range(12)]
    publish(sink, topic, records[:6])  # two produce batches per partition: Tansu's
    publish(sink, topic, records[6:])  # high watermark would lag behind the true end

    first = source(kafka_settings, "g-resume", topic)
    try:
        read = drain(first, 12, commit_first=5)  # reads everything, finishes only 5
    finally:
        first.close()
    done, not_done = seqs(read[:5]), seqs(read[5:])

    positions = kafka_status.group_positions(kafka_settings, "g-resume", [topic])
    assert sum(p.end for p in positions) == 12
    assert sum(p.committed or 0 for p in positions) == 5
    assert sum(p.backlog for p in positions) == 7

    second = source(kafka_settings, "g-resume", topic)
    try:
        again = drain(second, 7, commit_first=7)
        assert quiet(second, 1.0) == []
    finally:
        second.close()
    assert sorted(seqs(again)) == sorted(not_done)  # redelivered: read but not committed
    assert not set(seqs(again)) & set(done)  # committed ones never come back
    after = kafka_status.group_positions(kafka_settings, "g-resume", [topic])
    assert sum(p.backlog for p in after) == 0


def test_nothing_committed_means_everything_is_delivered_again(
    kafka_settings: KafkaSettings, topics: Topics, sink: kafka.KafkaSink
) -> None:
    topic = topics.reminders
    records = [(f"task-{i % 3}", i) for i in range(6)]
    publish(sink, topic, records)

    first = source(kafka_settings, "g-again", topic)
    try:
        drain(first, 6)
        quiet(first, 1.2)  # an auto-commit interval passes: nothing was stored, nothing goes
    finally:
        first.close()
    found = kafka.offsets(kafka_settings, "g-again", [topic])
    assert {where: done for where, (done, _end) in found.items()} == {
        (topic, p): None for p in range(3)
    }

    second = source(kafka_settings, "g-again", topic)
    try:
        assert sorted(seqs(drain(second, 6))) == sorted(records)
    finally:
        second.close()


def test_flush_raises_delivery_error_when_the_broker_is_unreachable() -> None:
    settings = KafkaSettings(bootstrap_servers=f"127.0.0.1:{free_port()}")
    sink = kafka.KafkaSink(settings, delivery_timeout_s=1.0)
    sink.publish("todo.task-events", *event("task-1", 1))
    sink.publish("todo.task-events", *event("task-2", 2))
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        sink.flush(10.0)
    assert time.monotonic() - started < 5
    assert isinstance(caught.value, KafkaDeliveryError)
    failures = caught.value.failures
    assert sorted(f.key or b"" for f in failures) == [b"task-1", b"task-2"]
    assert all(f.topic == "todo.task-events" for f in failures)
    assert "task-1" in str(caught.value)
    # The sink carries on with a fresh producer: nothing of the failed batch is left.
    assert sink.flush(0.1) == 0
    sink.publish("todo.task-events", *event("task-3", 3))
    with pytest.raises(DeliveryError):
        sink.close(timeout=5.0)


def test_sink_and_source_recover_from_a_broker_restart(
    kafka_broker: TansuBroker, kafka_settings: KafkaSettings
) -> None:
    kafka.ensure_topics(kafka_settings)
    topic = topic_names(kafka_settings).task_events
    sink = kafka.KafkaSink(kafka_settings, delivery_timeout_s=3.0)
    src = source(kafka_settings, "g-restart", topic)
    try:
        before = [(f"task-{i % 3}", i) for i in range(6)]
        publish(sink, topic, before)
        drain(src, 6, commit_first=6)
        src.commit_now()

        kafka_broker.stop()
        assert quiet(src, 1.0) == []  # broker down: poll logs and returns None, no raise
        kafka_broker.start()
        # Tansu's memory storage starts empty: topics, records and group offsets are gone.
        kafka.ensure_topics(kafka_settings)

        after = [(f"task-{i % 3}", i) for i in range(100, 106)]
        attempts = 0
        while True:  # what the relay does: on DeliveryError publish the unacked rows again
            attempts += 1
            assert attempts <= 3
            try:
                publish(sink, topic, after)
                break
            except DeliveryError:
                continue
        got = {s for s in seqs(drain(src, 6, timeout=30.0)) if s[1] >= 100}
        assert got == set(after)
    finally:
        src.close()
        sink.close()
