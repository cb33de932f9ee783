"""The relay in-process against the real test broker (Tansu): a row is marked sent only after
the broker acknowledged that very record, whatever the flush returned.

The broker is paused with SIGSTOP (connections stay open, nothing is answered), as a hung
broker or a network that drops packets would be. Records are read back by an independent
confluent-kafka consumer (tests/services/kafka_reader.py).
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config.settings import KafkaSettings
from core import events, open_service
from core.eventlog import EventLog
from core.schemas import TaskCreate
from core.service import TaskService
from services import kafka, workers
from services.devbroker import TansuBroker
from services.relay import Relay
from services.topics import topic_names
from tests.conftest import make_settings
from tests.services.kafka_tools import event_ids

DELIVERY_S = 3.0


@pytest.fixture
def service(tmp_path: Path) -> Iterator[TaskService]:
    svc = open_service(make_settings(f"sqlite:///{tmp_path / 'todo.db'}"))
    yield svc
    svc.close()


def outbox_ids(service: TaskService) -> list[str]:
    with service.store.read() as db:
        return [str(r[0]) for r in db.all("SELECT id FROM outbox ORDER BY seq")]


def relay_for(
    service: TaskService, settings: KafkaSettings, flush_timeout_s: float
) -> tuple[Relay, io.StringIO]:
    topics = topic_names(settings)
    names = {events.TASK_TOPIC: topics.task_events, events.REMINDER_TOPIC: topics.reminders}
    out = io.StringIO()

    def sink() -> kafka.KafkaSink:
        return kafka.KafkaSink(settings, delivery_timeout_s=DELIVERY_S)

    relay = Relay(EventLog(service.store), sink, names.__getitem__,
                  flush_timeout_s=flush_timeout_s, out=out)
    return relay, out


def test_rows_are_marked_sent_only_for_acknowledged_records_whatever_flush_returned(
    service: TaskService, kafka_settings: KafkaSettings, kafka_broker: TansuBroker
) -> None:
    """The measured bug: flush(30) returned with records in flight (delivery timeout above
    30 s) and the whole batch was marked sent, never to be published. Here the flush wait is
    shorter than the delivery timeout to get there in seconds."""
    kafka.ensure_topics(kafka_settings)
    for n in range(20):
        service.add(TaskCreate(title=f"task {n}"))
    log = EventLog(service.store)
    relay, out = relay_for(service, kafka_settings, flush_timeout_s=1.0)
    try:
        kafka_broker.pause()
        try:
            paused = time.monotonic()
            while time.monotonic() - paused < DELIVERY_S + 2.0:  # beyond the delivery timeout
                relay.publish_once()
                assert log.unsent_count() == 20, out.getvalue()
        finally:
            kafka_broker.resume()
        deadline = time.monotonic() + 30.0
        while log.unsent_count() and time.monotonic() < deadline:
            relay.publish_once()
        assert log.unsent_count() == 0, out.getvalue()
    finally:
        relay.close()
    wanted = outbox_ids(service)
    topics = topic_names(kafka_settings)
    seen = event_ids(kafka_settings, [topics.task_events], wanted)
    assert set(wanted) <= set(seen), f"never published: {sorted(set(wanted) - set(seen))}"


def test_the_relay_waits_for_delivery_reports_as_long_as_the_delivery_timeout(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    """The flush wait comes from kafka.delivery_timeout_s (plus a margin), not a constant."""
    settings = make_settings(f"sqlite:///{tmp_path / 'todo.db'}")
    settings.kafka = kafka_settings
    for timeout in (3.0, 45.0):
        settings.kafka.delivery_timeout_s = timeout
        [relay] = workers.build("relay", settings, io.StringIO())
        try:
            assert relay.flush_timeout_s > timeout
        finally:
            relay.close()
