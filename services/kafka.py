"""The Kafka transport: topics, a producer Sink and a consumer-group Source.

The only module that imports `confluent_kafka`; plain CLI commands never import it, so its
import cost is paid by the workers alone. Everything else talks to `services.transport`.

Delivery semantics:
- KafkaSink is an idempotent producer (`acks=all`). A record that fails makes the sink swap
  in a fresh producer and raise KafkaDeliveryError (from `flush`, or from the next `publish`,
  which queues nothing more on a producer that lost a record), so the caller re-publishes
  from its first unacknowledged record and per-key order holds.
- KafkaSource auto-commits only offsets that were stored, and `commit(message)` is what stores
  one: a message is committed only after its handler said it was done.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka import Message as KafkaMessage
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic  # confluent_kafka.admin re-exports it untyped

from config.settings import KafkaSettings, WorkerSettings
from core.errors import TodoError
from services.transport import DeliveryError, Message

log = logging.getLogger(__name__)
_client_log = logging.getLogger(__name__ + ".librdkafka")

#: How often a repeated non-fatal client error (broker down, ...) is logged again.
_REPEAT_LOG_S = 30.0


class EventStreamError(TodoError):
    """Kafka is misconfigured, unreachable or failed in a way a worker cannot carry on from."""

    exit_code = 3


@dataclass(frozen=True, slots=True)
class FailedRecord:
    """One record the broker did not acknowledge, and why."""

    topic: str
    partition: int | None
    key: bytes | None
    error: str


class KafkaDeliveryError(DeliveryError):
    """Records were not acknowledged; `failures` lists them in the order they were reported."""

    def __init__(self, failures: Iterable[FailedRecord], reason: str = "") -> None:
        self.failures = tuple(failures)
        shown = "; ".join(
            f"{f.topic}[{f.key.decode(errors='replace') if f.key else ''}]: {f.error}"
            for f in self.failures[:5]
        )
        more = f" (and {len(self.failures) - 5} more)" if len(self.failures) > 5 else ""
        head = reason or f"{len(self.failures)} record(s) not delivered"
        super().__init__(f"{head}: {shown}{more}" if shown else head)


# ---------------------------------------------------------------------------- config, topics


def client_config(settings: KafkaSettings) -> dict[str, str]:
    """The librdkafka settings every client shares: bootstrap servers plus SASL/SSL when set."""
    if not settings.bootstrap_servers:
        raise EventStreamError("kafka.bootstrap_servers is not set (the embedded log is in use)")
    config = {"bootstrap.servers": settings.bootstrap_servers}
    passthrough = {
        "security.protocol": settings.security_protocol,
        "sasl.mechanism": settings.sasl_mechanism,
        "sasl.username": settings.sasl_username,
        "sasl.password": settings.sasl_password,
    }
    config.update({key: value for key, value in passthrough.items() if value})
    return config


@dataclass(frozen=True, slots=True)
class Topics:
    """The topic names for one prefix."""

    task_events: str
    reminders: str
    dlq: str

    def all(self) -> tuple[str, str, str]:
        """Every topic, task events first."""
        return (self.task_events, self.reminders, self.dlq)


def topic_names(settings: KafkaSettings) -> Topics:
    """kafka.topic_prefix + task-events / reminders / dlq."""
    prefix = settings.topic_prefix
    return Topics(f"{prefix}task-events", f"{prefix}reminders", f"{prefix}dlq")


def ensure_topics(settings: KafkaSettings, timeout: float = 10.0) -> None:
    """Create the three topics with kafka.partitions partitions; existing ones are kept.

    Raises EventStreamError naming the topic when the broker refuses or does not answer.
    An existing topic with another partition count is logged, not changed.
    """
    admin = AdminClient(_with_logging(client_config(settings)))
    names = topic_names(settings).all()
    requested = [
        NewTopic(name, num_partitions=settings.partitions, replication_factor=-1) for name in names
    ]
    futures = admin.create_topics(requested, operation_timeout=timeout, request_timeout=timeout)
    existing: list[str] = []
    for name in names:
        try:
            futures[name].result(timeout=timeout + 1.0)
        except KafkaException as exc:
            error = _kafka_error(exc)
            if error is not None and error.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                existing.append(name)
                continue
            reason = error.str() if error is not None else str(exc)
            raise EventStreamError(
                f"could not create Kafka topic '{name}' on {settings.bootstrap_servers}: {reason}"
            ) from None
        except concurrent.futures.TimeoutError:
            raise EventStreamError(
                f"could not create Kafka topic '{name}': {settings.bootstrap_servers} "
                f"did not answer within {timeout:g}s"
            ) from None
    if existing:
        _warn_partition_mismatch(admin, existing, settings.partitions, timeout)


def topic_partitions(settings: KafkaSettings, timeout: float = 5.0) -> dict[str, int]:
    """Every topic the cluster reports, with its partition count (also a reachability probe:
    raises EventStreamError when no broker answers within `timeout`)."""
    admin = AdminClient(_with_logging(client_config(settings)))
    try:
        metadata = admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        raise EventStreamError(
            f"Kafka at {settings.bootstrap_servers} did not answer: {exc}"
        ) from None
    return {name: len(topic.partitions) for name, topic in metadata.topics.items()}


def _warn_partition_mismatch(
    admin: AdminClient, names: list[str], wanted: int, timeout: float
) -> None:
    try:
        metadata = admin.list_topics(timeout=timeout)
    except KafkaException:
        return
    for name in names:
        topic = metadata.topics.get(name)
        if topic is not None and len(topic.partitions) != wanted:
            log.warning(
                "topic %s has %d partitions, kafka.partitions is %d; the topic is kept as it is",
                name,
                len(topic.partitions),
                wanted,
            )


# ---------------------------------------------------------------------------- producer


class KafkaSink:
    """An idempotent producer (services.transport.Sink).

    `delivery_timeout_s` bounds how long a record may wait for the broker (message.timeout.ms)
    before it fails; `extra_config` overrides librdkafka settings (tests, tuning).
    """

    def __init__(
        self,
        settings: KafkaSettings,
        *,
        delivery_timeout_s: float = 10.0,
        client_id: str = "todo-relay",
        extra_config: Mapping[str, Any] | None = None,
    ) -> None:
        self._config: dict[str, Any] = {
            **client_config(settings),
            "client.id": client_id,
            "enable.idempotence": True,
            "acks": "all",
            "linger.ms": 5,
            "partitioner": "murmur2_random",  # same partition per key as the Java client
            "message.timeout.ms": max(int(delivery_timeout_s * 1000), 1),
            "error_cb": self._on_error,
            **(extra_config or {}),
        }
        self._failures: list[FailedRecord] = []
        self._fatal: str | None = None
        self._errors = _ErrorLog("producer")
        self._generation = 0
        self._producer: Producer | None = self._new_producer()

    def _new_producer(self) -> Producer:
        # Reports of a producer that was replaced must not count against its successor.
        self._generation += 1
        generation = self._generation

        def on_delivery(error: KafkaError | None, message: KafkaMessage) -> None:
            if error is not None and generation == self._generation:
                self._failures.append(
                    FailedRecord(
                        message.topic() or "", message.partition(), message.key(), error.str()
                    )
                )

        self._on_delivery = on_delivery
        return Producer(_with_logging(self._config))

    def _live(self) -> Producer:
        if self._producer is None:
            raise RuntimeError("KafkaSink is closed")
        return self._producer

    def publish(self, topic: str, key: bytes, value: bytes, headers: dict[str, bytes]) -> None:
        """Queue one record. Raises KafkaDeliveryError (and starts over with a fresh producer)
        when an earlier record has already failed; nothing is queued then."""
        producer = self._live()
        if self._failures or self._fatal:
            self._reset_and_raise()
        while True:
            try:
                producer.produce(
                    topic,
                    value=value,
                    key=key,
                    headers=list(headers.items()),
                    on_delivery=self._on_delivery,
                )
                break
            except BufferError:
                # The local queue is full: serve delivery reports until there is room.
                producer.poll(0.1)
                if self._failures or self._fatal:
                    self._reset_and_raise()
        producer.poll(0)

    def flush(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for delivery reports; the number still in flight.

        Raises KafkaDeliveryError listing the failed records; the sink then already holds a
        fresh producer, and records still queued on the old one are reported as failed too.
        """
        remaining = self._live().flush(timeout)
        if self._failures or self._fatal:
            self._reset_and_raise()
        return remaining

    def reset(self) -> None:
        """Drop the current producer (its queued records are discarded, not reported) and
        build a new one."""
        old = self._live()
        old.purge()
        self._producer = self._new_producer()
        self._failures.clear()
        self._fatal = None

    def close(self, timeout: float = 10.0) -> None:
        """Flush, then release the producer. Raises KafkaDeliveryError if a record failed or
        was still in flight after `timeout` seconds (it is discarded)."""
        if self._producer is None:
            return
        try:
            remaining = self.flush(timeout)
            if remaining:
                self._producer.purge()
                self._producer.poll(0)
                self._raise_failures(f"{remaining} record(s) still in flight at close")
        finally:
            self._producer = None

    # -- internals

    def _on_error(self, error: KafkaError) -> None:
        if error.fatal():
            self._fatal = error.str()
            log.error("Kafka producer fatal error: %s", error.str())
        else:
            self._errors.log(error)

    def _reset_and_raise(self) -> None:
        old = self._live()
        old.purge()
        old.poll(0)  # serves the purged records' reports, adding them to the failures
        self._producer = self._new_producer()
        self._raise_failures("")

    def _raise_failures(self, reason: str) -> None:
        failures, self._failures = self._failures, []
        fatal, self._fatal = self._fatal, None
        if fatal and not reason:
            reason = f"producer failed: {fatal}"
        raise KafkaDeliveryError(failures, reason)


def produce_raw(
    settings: KafkaSettings,
    topic: str,
    key: bytes,
    value: bytes,
    headers: dict[str, bytes] | None = None,
    timeout: float = 10.0,
) -> None:
    """Publish one record and wait for its acknowledgement (tests, tools)."""
    sink = KafkaSink(settings, delivery_timeout_s=timeout, client_id="todo-tool")
    sink.publish(topic, key, value, headers or {})
    sink.close(timeout)


# ---------------------------------------------------------------------------- consumer


class KafkaSource:
    """A consumer-group subscription (services.transport.Source).

    Offsets are auto-committed every second, but only those stored by `commit(message)`;
    `close` commits what was stored synchronously and leaves the group.
    """

    def __init__(
        self,
        settings: KafkaSettings,
        group_id: str,
        topics: Iterable[str],
        *,
        worker: WorkerSettings | None = None,
        client_id: str | None = None,
        extra_config: Mapping[str, Any] | None = None,
    ) -> None:
        worker = worker or WorkerSettings()
        session_ms = worker.session_timeout_ms
        config: dict[str, Any] = {
            **client_config(settings),
            "group.id": group_id,
            "client.id": client_id or group_id,
            "enable.auto.commit": True,
            "enable.auto.offset.store": False,
            "auto.commit.interval.ms": 1000,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": session_ms,
            "heartbeat.interval.ms": max(min(3000, session_ms // 3), 100),
            "error_cb": self._on_error,
            **(extra_config or {}),
        }
        self.group_id = group_id
        self.topics = list(topics)
        self._fatal: str | None = None
        self._errors = _ErrorLog(f"consumer {group_id}")
        self._closed = False
        self._consumer = Consumer(_with_logging(config))
        self._consumer.subscribe(self.topics)

    def poll(self, timeout: float) -> Message | None:
        """The next message, or None. Raises EventStreamError on a fatal client error;
        transient ones (broker down, topic missing) are logged and polling goes on."""
        if self._closed:
            raise RuntimeError("KafkaSource is closed")
        raw = self._consumer.poll(timeout)
        self._raise_if_fatal()
        return None if raw is None else self._accept(raw)

    def poll_many(self, limit: int, timeout: float) -> list[Message]:
        """Up to `limit` messages: waits up to `timeout` for the first only, then takes what
        the client already holds (one call for the rest costs far less than a poll each)."""
        first = self.poll(timeout)
        if first is None:
            return []
        batch = [first]
        if limit > 1:
            for raw in self._consumer.consume(num_messages=limit - 1, timeout=0):
                message = self._accept(raw)
                if message is not None:
                    batch.append(message)
            self._raise_if_fatal()
        return batch

    def _accept(self, raw: KafkaMessage) -> Message | None:
        error = raw.error()
        if error is not None:
            if error.code() == KafkaError._PARTITION_EOF:
                return None
            if error.fatal():
                raise EventStreamError(f"Kafka consumer {self.group_id} failed: {error.str()}")
            self._errors.log(error)
            return None
        return _to_message(raw)

    def commit(self, message: Message) -> None:
        """Store the offset after `message`; the next auto-commit (or close) commits it.

        A message of a partition this member no longer owns (a rebalance took it away while
        it was handled) is not stored: its new owner gets it again, and handlers are idempotent.
        """
        position = TopicPartition(message.topic, message.partition, message.offset + 1)
        try:
            self._consumer.store_offsets(offsets=[position])
        except KafkaException as exc:
            error = _kafka_error(exc)
            if error is not None and error.code() in (
                KafkaError._STATE,
                KafkaError._UNKNOWN_PARTITION,
            ):
                log.info(
                    "not storing offset %s[%d]@%d: partition no longer assigned",
                    message.topic,
                    message.partition,
                    message.offset + 1,
                )
                return
            raise EventStreamError(f"could not store offset for {message.topic}: {exc}") from None

    def commit_now(self) -> None:
        """Commit the stored offsets now and wait for the broker's answer."""
        try:
            results = self._consumer.commit(asynchronous=False)
        except KafkaException as exc:
            error = _kafka_error(exc)
            if error is not None and error.code() == KafkaError._NO_OFFSET:
                return  # nothing stored since the last commit
            raise EventStreamError(
                f"Kafka consumer {self.group_id} could not commit: {exc}"
            ) from None
        failed = [tp for tp in results if tp.error is not None]
        if failed:
            detail = ", ".join(f"{tp.topic}[{tp.partition}]: {tp.error}" for tp in failed)
            raise EventStreamError(f"Kafka consumer {self.group_id} could not commit: {detail}")

    def close(self) -> None:
        """Commit the stored offsets synchronously, then leave the group. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            self.commit_now()
        except EventStreamError as exc:
            log.warning("%s (the uncommitted messages will be delivered again)", exc)
        finally:
            self._consumer.close()

    def assignment(self) -> list[tuple[str, int]]:
        """The (topic, partition) pairs this member owns right now."""
        return [(tp.topic, tp.partition) for tp in self._consumer.assignment()]

    def _on_error(self, error: KafkaError) -> None:
        if error.fatal():
            self._fatal = error.str()
        else:
            self._errors.log(error)

    def _raise_if_fatal(self) -> None:
        if self._fatal is not None:
            raise EventStreamError(f"Kafka consumer {self.group_id} failed: {self._fatal}")


def _to_message(raw: KafkaMessage) -> Message:
    headers: dict[str, bytes] = {}
    raw_headers = raw.headers() or []
    pairs = raw_headers.items() if isinstance(raw_headers, dict) else raw_headers
    for name, value in pairs:
        if value is None:
            headers[name] = b""
        else:
            headers[name] = value if isinstance(value, bytes) else value.encode()
    partition = raw.partition()
    offset = raw.offset()
    return Message(
        topic=raw.topic() or "",
        partition=-1 if partition is None else partition,
        offset=-1 if offset is None else offset,
        key=raw.key(),
        value=raw.value(),
        headers=headers,
    )


# ---------------------------------------------------------------------------- status


@dataclass(frozen=True, slots=True)
class PartitionPosition:
    """A consumer group's place in one partition.

    `committed` is the next offset the group will read (None: nothing committed yet, the
    group starts at the earliest record); `end` is the partition's high watermark.
    """

    topic: str
    partition: int
    committed: int | None
    end: int

    @property
    def backlog(self) -> int:
        """Records the group has not committed yet."""
        return max(self.end - (self.committed or 0), 0)


def high_watermarks(
    settings: KafkaSettings, topics: Iterable[str], timeout: float = 5.0
) -> dict[tuple[str, int], int]:
    """The end offset (next offset to be written) of every partition of `topics`.

    Tansu reports the high watermark as the base offset of the last batch plus one, so the
    broker's figure is only a lower bound there: the last batch is read (from the reported
    watermark minus one to the end of the partition) to find the true end. On Kafka this
    reads at most one record per partition.
    """
    names = list(topics)
    consumer = Consumer(
        _with_logging(
            {
                **client_config(settings),
                "group.id": "todo-status",
                "enable.auto.commit": False,
                "enable.partition.eof": True,
                "auto.offset.reset": "latest",
            }
        )
    )
    try:
        ends: dict[tuple[str, int], int] = {}
        for topic, partition in _partitions(consumer, names, timeout):
            _, high = consumer.get_watermark_offsets(
                TopicPartition(topic, partition), timeout=timeout
            )
            ends[(topic, partition)] = max(high, 0)
        _read_tails(consumer, ends, timeout)
        return ends
    except KafkaException as exc:
        raise EventStreamError(f"could not read Kafka offsets: {exc}") from None
    finally:
        consumer.close()


def _read_tails(consumer: Consumer, ends: dict[tuple[str, int], int], timeout: float) -> None:
    if not ends:
        return
    consumer.assign(
        [TopicPartition(topic, part, max(end - 1, 0)) for (topic, part), end in ends.items()]
    )
    pending = set(ends)
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        raw = consumer.poll(0.2)
        if raw is None:
            continue
        topic, part, offset = raw.topic() or "", raw.partition(), raw.offset()
        if part is None:
            continue
        error = raw.error()
        if error is not None:
            if error.code() == KafkaError._PARTITION_EOF:
                pending.discard((topic, part))
            continue
        if offset is not None and (topic, part) in ends:
            ends[(topic, part)] = max(ends[(topic, part)], offset + 1)


def committed(
    settings: KafkaSettings, group_id: str, topics: Iterable[str], timeout: float = 5.0
) -> dict[tuple[str, int], int | None]:
    """The committed offset of `group_id` in every partition of `topics` (None: none yet).

    Reading does not join the group, so it is safe while the workers run."""
    names = list(topics)
    consumer = Consumer(
        _with_logging(
            {**client_config(settings), "group.id": group_id, "enable.auto.commit": False}
        )
    )
    try:
        wanted = [TopicPartition(t, p) for t, p in _partitions(consumer, names, timeout)]
        found = consumer.committed(wanted, timeout=timeout) if wanted else []
        return {(tp.topic, tp.partition): tp.offset if tp.offset >= 0 else None for tp in found}
    except KafkaException as exc:
        raise EventStreamError(f"could not read offsets of group {group_id}: {exc}") from None
    finally:
        consumer.close()


def group_positions(
    settings: KafkaSettings, group_id: str, topics: Iterable[str], timeout: float = 5.0
) -> list[PartitionPosition]:
    """`group_id`'s committed offset, the end and the backlog of every partition of `topics`,
    sorted by topic and partition (for `todo worker status`)."""
    names = list(topics)
    done = committed(settings, group_id, names, timeout)
    ends = high_watermarks(settings, names, timeout)
    return [
        PartitionPosition(topic, part, done.get((topic, part)), end)
        for (topic, part), end in sorted(ends.items())
    ]


def _partitions(consumer: Consumer, topics: list[str], timeout: float) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for topic in topics:
        metadata = consumer.list_topics(topic, timeout=timeout).topics.get(topic)
        if metadata is None or metadata.error is not None:
            continue  # not created yet: nothing to report
        found.extend((topic, part) for part in sorted(metadata.partitions))
    return found


# ---------------------------------------------------------------------------- helpers


class _DebugLog:
    """Receives librdkafka's own log lines (which repeat every reconnect attempt while a
    broker is down) and passes them to Python logging at DEBUG. The errors that matter also
    reach `error_cb`, which logs each kind once per _REPEAT_LOG_S."""

    def log(self, level: int, msg: str, *args: object) -> None:
        del level
        _client_log.debug(msg, *args)


def _with_logging(config: Mapping[str, Any]) -> dict[str, Any]:
    """librdkafka logs to Python logging (at DEBUG) instead of raw stderr."""
    return {"logger": _DebugLog(), **config}


def _kafka_error(exc: KafkaException) -> KafkaError | None:
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, KafkaError) else None


class _ErrorLog:
    """Logs non-fatal client errors, each kind at most once per _REPEAT_LOG_S."""

    def __init__(self, who: str) -> None:
        self._who = who
        self._last: dict[int, float] = {}

    def log(self, error: KafkaError) -> None:
        now = time.monotonic()
        if now - self._last.get(error.code(), -_REPEAT_LOG_S) < _REPEAT_LOG_S:
            return
        self._last[error.code()] = now
        log.warning("Kafka %s: %s", self._who, error.str())
