"""Wiring: which source, consumer and dead-letter destination each worker gets.

With `kafka.bootstrap_servers` set, consumers read Kafka topics in consumer groups and the
relay publishes the outbox; otherwise they read the embedded log in the database. Each
worker thread opens its own connection (SQLite connections stay in their thread).
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

from config.settings import Settings
from core import events, open_service
from core.errors import BadInput
from core.eventlog import EventLog
from core.service import TaskService
from services.audit import AuditConsumer
from services.consumers import Consumer
from services.embedded import EmbeddedSource
from services.runner import DeadLetter, Policy, Runner
from services.transport import Message, Source

WORKERS = ("relay", "recurrence", "audit", "notify")


def build(name: str, settings: Settings, out: TextIO) -> list[Any]:
    """The runnable parts of worker `name` (the notify worker has a scheduler too)."""
    if name not in WORKERS:
        raise BadInput(f"unknown worker '{name}': use {', '.join(WORKERS)} or all")
    service = open_service(settings, migrate=not settings.kafka.bootstrap_servers)
    if name == "relay":
        return [_relay(settings, service, out)]
    consumer = _consumer(name, service, settings, out)
    policy = Policy(settings.worker.retries, settings.worker.backoff_s,
                    settings.worker.poll_timeout_s, settings.worker.batch)
    source, dead_letter = _plumbing(consumer, settings, service)
    # On the embedded log, backoff between retries keeps the group's lease.
    sleep = source.pause if isinstance(source, EmbeddedSource) else time.sleep
    parts: list[Any] = [Runner(source, consumer, dead_letter, policy, out, sleep)]
    if name == "recurrence":
        from services.recurrence import Expirer

        expiry_service = open_service(settings, migrate=not settings.kafka.bootstrap_servers)
        parts.append(Expirer(expiry_service, settings.worker.scheduler_interval_s))
    if name == "notify":
        from services.notifications import Scheduler

        scheduler_service = open_service(settings, migrate=not settings.kafka.bootstrap_servers)
        parts.append(Scheduler(scheduler_service, settings.worker.scheduler_interval_s))
    return parts


def run(names: list[str], settings: Settings, out: TextIO | None = None) -> None:
    """Run the named workers until SIGTERM or Ctrl-C, each part in its own thread."""
    out = out if out is not None else sys.stdout
    from services import logs

    logs.configure()
    if "relay" in names and not settings.kafka.bootstrap_servers:
        raise BadInput("the relay publishes to Kafka: set kafka.bootstrap_servers first")
    parts: list[Any] = []
    stopping = threading.Event()

    def stop() -> None:
        stopping.set()
        for part in parts:
            part.stop.set()

    # Before the start-up work (topics, connections), so a SIGTERM during it is a clean stop.
    _on_signals(stop)
    metrics = _metrics(settings)
    if settings.kafka.bootstrap_servers:
        from services import kafka
        from services.probes import wait_for_schema

        kafka.ensure_topics(settings.kafka)
        wait_for_schema(settings, stopping, out)  # replicas never migrate: `todo db upgrade` does
        if stopping.is_set():
            return
    parts.extend(part for name in names for part in build(name, settings, out))
    if metrics is not None:
        metrics.attach(parts)
    if stopping.is_set():
        stop()
    threads = [threading.Thread(target=p.run, name=type(p).__name__) for p in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        while thread.is_alive():
            thread.join(0.2)
    if metrics is not None:
        metrics.close()


def _metrics(settings: Settings) -> Any:
    """The metrics server of this process (services.metrics), or None without a port."""
    if settings.worker.metrics_port is None:
        return None
    from services import metrics

    return metrics.start(settings)


def _on_signals(stop: Callable[[], object]) -> None:
    def handler(_signum: int, _frame: object) -> None:
        stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _consumer(name: str, service: TaskService, settings: Settings, out: TextIO) -> Consumer:
    if name == "recurrence":
        from services.recurrence import RecurrenceConsumer

        return RecurrenceConsumer(service)
    if name == "audit":
        return AuditConsumer(service)
    from services.channels import build_channels
    from services.notifications import NotifyConsumer

    try:
        channels = build_channels(settings.notify, out)
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    return NotifyConsumer(service, channels, settings.notify.retries, settings.notify.backoff_s,
                          out, lease_s=settings.worker.reminder_lease_s)


def _plumbing(
    consumer: Consumer, settings: Settings, service: TaskService
) -> tuple[Source, DeadLetter]:
    if not settings.kafka.bootstrap_servers:
        from services.notifications import NotifyConsumer

        log = EventLog(service.store)
        embedded = EmbeddedSource(log, consumer.group, consumer.topic, settings.worker.lease_s)
        if isinstance(consumer, NotifyConsumer):  # sends may outlast a third of the lease
            consumer.keep_alive = embedded.keep_alive
        return embedded, _embedded_dlq(log, consumer)
    from services import kafka
    from services.topics import topic_names

    group = f"{settings.kafka.topic_prefix}{consumer.group}"
    wanted = _kafka_topics(settings, consumer.topic)
    source = kafka.KafkaSource(settings.kafka, group, wanted, worker=settings.worker)
    return source, _kafka_dlq(settings, topic_names(settings.kafka).dlq, group)


def _kafka_topics(settings: Settings, log_topic: str | None) -> list[str]:
    """The Kafka topics behind a log topic (None: every event topic)."""
    from services.topics import topic_names

    topics = topic_names(settings.kafka)
    by_log_topic = {events.TASK_TOPIC: topics.task_events, events.REMINDER_TOPIC: topics.reminders}
    return list(by_log_topic.values()) if log_topic is None else [by_log_topic[log_topic]]


def _groups() -> dict[str, str | None]:
    """Each consumer group and the log topic it reads, as the consumers declare them."""
    from services.notifications import NotifyConsumer
    from services.recurrence import RecurrenceConsumer

    return {c.group: c.topic for c in (RecurrenceConsumer, AuditConsumer, NotifyConsumer)}


def consumer_groups() -> dict[str, str | None]:
    """Each consumer group and the log topic it reads (for `todo doctor`)."""
    return _groups()


def _embedded_dlq(log: EventLog, consumer: Consumer) -> DeadLetter:
    from datetime import UTC, datetime

    def keep(message: Message, error: str) -> None:
        payload = None if message.value is None else message.value.decode("utf-8", "replace")
        log.dead_letter(consumer.group, (message.topic, message.partition, message.offset),
                        error, payload, datetime.now(UTC))

    return keep


def _kafka_dlq(settings: Settings, topic: str, group: str) -> DeadLetter:
    from services import kafka
    from services.relay import flush_wait_s
    from services.transport import DeliveryError

    timeout = settings.kafka.delivery_timeout_s
    sink = kafka.KafkaSink(settings.kafka, delivery_timeout_s=timeout, client_id=f"{group}-dlq")

    def keep(message: Message, error: str) -> None:
        headers = {
            **message.headers,
            "dlq_error": error.encode(),
            "dlq_group": group.encode(),
            "dlq_topic": message.topic.encode(),
            "dlq_partition": str(message.partition).encode(),
            "dlq_offset": str(message.offset).encode(),
        }
        sink.publish(topic, message.key or b"", message.value or b"", headers)
        if sink.flush(flush_wait_s(timeout)):  # not acknowledged: not kept, so no commit
            sink.reset()
            raise DeliveryError(f"the dead letter for {message.topic}[{message.partition}]@"
                                f"{message.offset} was not acknowledged by {topic}")

    return keep


def _relay(settings: Settings, service: TaskService, out: TextIO) -> Any:
    from core.leases import Leases, holder_id
    from services import kafka
    from services.leader import Leader
    from services.relay import Relay, flush_wait_s
    from services.topics import topic_names

    topics = topic_names(settings.kafka)
    names = {events.TASK_TOPIC: topics.task_events, events.REMINDER_TOPIC: topics.reminders}
    timeout = settings.kafka.delivery_timeout_s

    def sink() -> kafka.KafkaSink:
        return kafka.KafkaSink(settings.kafka, delivery_timeout_s=timeout)

    leader = Leader(Leases(service.store), "relay", holder_id("relay"),
                    settings.kafka.relay_lease_s)
    return Relay(EventLog(service.store), sink, names.__getitem__,
                 flush_timeout_s=flush_wait_s(timeout), out=out, leader=leader)
