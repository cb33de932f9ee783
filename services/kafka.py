"""The Kafka transport: topics, a producer Sink and a consumer-group Source.

The only module that imports `confluent_kafka` (plain CLI commands never import it). What
needs no SDK lives beside it: client settings in `services.kafka_config`, topic names and
checks in `services.topics`, delivery reports and log throttling in `services.kafka_reports`,
group and topic status in `services.kafka_status`.

- KafkaSink is an idempotent producer; `acknowledged()` gives the refs (the relay's outbox
  seqs) of exactly the records the broker acknowledged. After a failure it swaps in a fresh
  producer and raises, so nothing queues behind a lost record and per-key order holds.
- KafkaSource auto-commits only the offsets `commit(message)` stored after a handler was done.
- Every client (re)checks the topics on start and after the broker or a topic went missing.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka import Message as KafkaMessage
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic  # confluent_kafka.admin re-exports it untyped

from config.settings import KafkaSettings, WorkerSettings
from services.kafka_config import client_config, consumer_config, producer_config, reader_config
from services.kafka_member import MemberStatus, snapshot
from services.kafka_reports import ClientErrors, Deliveries, FailedRecord, with_logging
from services.topics import EventStreamError, TopicWatch, topic_names, topic_states, warn_mismatches
from services.transport import Message, message_of

log = logging.getLogger(__name__)

#: How long a client's re-check of the topics may wait for the broker before retrying later.
_RECHECK_TIMEOUT_S = 1.0
#: Errors after which the topics are checked again: the broker was away (it may come back
#: without them) or a topic is missing.
_TOPICS_AT_RISK = {
    KafkaError._ALL_BROKERS_DOWN, KafkaError._TRANSPORT, KafkaError._MSG_TIMED_OUT,
    KafkaError._UNKNOWN_TOPIC, KafkaError.UNKNOWN_TOPIC_OR_PART,
}


def ensure_topics(settings: KafkaSettings, timeout: float = 10.0) -> None:
    """Create the three topics with kafka.partitions partitions; existing ones are kept.

    Raises EventStreamError naming the topic when the broker refuses or does not answer.
    An existing topic with another partition count is logged, not changed.
    """
    admin = AdminClient(with_logging(client_config(settings)))
    names = topic_names(settings).all()
    requested = [
        NewTopic(name, num_partitions=settings.partitions, replication_factor=-1) for name in names
    ]
    futures = admin.create_topics(requested, operation_timeout=timeout, request_timeout=timeout)
    existing = False
    for name in names:
        try:
            futures[name].result(timeout=timeout + 1.0)
        except KafkaException as exc:
            error = _kafka_error(exc)
            if error is not None and error.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                existing = True
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
        warn_mismatches(topic_states(settings, topic_partitions(settings, timeout)))


def topic_partitions(settings: KafkaSettings, timeout: float = 5.0) -> dict[str, int]:
    """Every topic the cluster reports, with its partition count (also a reachability probe:
    raises EventStreamError when no broker answers within `timeout`)."""
    admin = AdminClient(with_logging(client_config(settings)))
    try:
        metadata = admin.list_topics(timeout=timeout)
    except KafkaException as exc:
        raise EventStreamError(
            f"Kafka at {settings.bootstrap_servers} did not answer: {exc}"
        ) from None
    return {name: len(topic.partitions) for name, topic in metadata.topics.items()}


def _topic_watch(settings: KafkaSettings) -> TopicWatch:
    return TopicWatch(lambda: ensure_topics(settings, timeout=_RECHECK_TIMEOUT_S))


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
        self._topics = _topic_watch(settings)
        self._errors = ClientErrors("producer", self._topics, _TOPICS_AT_RISK)
        self._config: dict[str, Any] = {
            **producer_config(settings, client_id, delivery_timeout_s),
            "error_cb": self._errors.seen,
            **(extra_config or {}),
        }
        self._reports = Deliveries()
        self._producer: Producer | None = self._new_producer()

    def _new_producer(self) -> Producer:
        self._reports.next_generation()
        return Producer(with_logging(self._config))

    def _on_delivery(
        self, generation: int, ref: int | None, error: KafkaError | None, message: KafkaMessage
    ) -> None:
        if error is None:
            self._reports.acked(ref)
            return
        if error.code() in _TOPICS_AT_RISK:
            self._topics.lost(error.str())
        where = (message.topic() or "", message.partition())
        self._reports.failed(generation, FailedRecord(*where, message.key(), error.str()))

    def _live(self) -> Producer:
        if self._producer is None:
            raise RuntimeError("KafkaSink is closed")
        return self._producer

    def publish(
        self, topic: str, key: bytes, value: bytes, headers: dict[str, bytes],
        ref: int | None = None,
    ) -> None:
        """Queue one record; once the broker acknowledged it, `ref` is in `acknowledged()`.
        Raises KafkaDeliveryError (and starts over with a fresh producer) when an earlier
        record has already failed; nothing is queued then."""
        self._topics.check()
        producer = self._live()
        report = functools.partial(self._on_delivery, self._reports.generation, ref)
        while not self._broken:
            try:
                producer.produce(topic, value=value, key=key, headers=list(headers.items()),
                                 on_delivery=report)
                producer.poll(0)
                return
            except BufferError:  # the local queue is full: serve reports until there is room
                producer.poll(0.1)
        self._reset_and_raise()

    def acknowledged(self) -> list[int]:
        """The refs of the records acknowledged since the last call, in report order."""
        return self._reports.take_acked()

    def flush(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for delivery reports; the number still in flight.

        Raises KafkaDeliveryError listing the failed records; the sink then already holds a
        fresh producer, and records still queued on the old one are reported as failed too.
        """
        remaining = self._live().flush(timeout)
        if self._broken:
            self._reset_and_raise()
        return remaining

    def reset(self) -> None:
        """Drop the current producer (its queued and in-flight records are discarded: they
        will never be acknowledged) and build a new one."""
        self._live().purge()
        self._producer = self._new_producer()

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
                raise self._reports.error(f"{remaining} record(s) still in flight at close")
        finally:
            self._producer = None

    @property
    def _broken(self) -> bool:
        return bool(self._reports.failures) or self._errors.fatal is not None

    def _reset_and_raise(self) -> None:
        old = self._live()
        old.purge()
        old.poll(0)  # serves the purged records' reports, adding them to the failures
        fatal, self._errors.fatal = self._errors.fatal, None
        failure = self._reports.error(f"producer failed: {fatal}" if fatal else "")
        self._producer = self._new_producer()
        raise failure



class KafkaSource:
    """A consumer-group subscription (services.transport.Source): offsets stored by
    `commit(message)` are auto-committed each second; `close` commits them and leaves."""

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
        session_ms = (worker or WorkerSettings()).session_timeout_ms
        self.group_id = group_id
        self.topics = list(topics)
        self._topics = _topic_watch(settings)
        self._errors = ClientErrors(f"consumer {group_id}", self._topics, _TOPICS_AT_RISK)
        self._closed = False
        self.status = MemberStatus()
        self._consumer = Consumer(with_logging({
            **consumer_config(settings, group_id, client_id or group_id, session_ms),
            "error_cb": self._errors.seen,
            **(extra_config or {}),
        }))
        self._consumer.subscribe(self.topics)

    def poll(self, timeout: float) -> Message | None:
        """The next message, or None. Raises EventStreamError on a fatal client error;
        transient ones (broker down, topic missing) are logged and polling goes on."""
        if self._closed:
            raise RuntimeError("KafkaSource is closed")
        self._topics.check()
        raw = self._consumer.poll(timeout)
        self._raise_if_fatal()
        if self.status.stale():
            self.status = snapshot(self._consumer)
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
        if error is None:
            return message_of(raw)
        if error.code() == KafkaError._PARTITION_EOF:
            return None
        if error.fatal():
            raise EventStreamError(f"Kafka consumer {self.group_id} failed: {error.str()}")
        self._errors.seen(error)
        return None

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
            if error is None or error.code() not in (
                KafkaError._STATE, KafkaError._UNKNOWN_PARTITION
            ):
                raise EventStreamError(
                    f"could not store offset for {message.topic}: {exc}"
                ) from None
            log.info("not storing offset %s[%d]@%d: partition no longer assigned",
                     message.topic, message.partition, message.offset + 1)

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

    def joined(self) -> bool:
        """Whether this member is in its group (as of its last poll)."""
        return self.status.joined

    def lag(self) -> dict[tuple[str, int], int]:
        """Per assigned partition: high watermark - position (as of its last poll)."""
        return self.status.lag

    def _raise_if_fatal(self) -> None:
        if self._errors.fatal is not None:
            raise EventStreamError(f"Kafka consumer {self.group_id} failed: {self._errors.fatal}")


def offsets(
    settings: KafkaSettings, group_id: str, topics: Iterable[str], timeout: float = 5.0
) -> dict[tuple[str, int], tuple[int | None, int]]:
    """For every partition of `topics`: `group_id`'s committed offset (None: none yet) and
    the end offset (the next to be written). Joins no group: safe while the workers run.

    Tansu reports the high watermark as the base offset of the last batch plus one, a lower
    bound only: the last batch is read to find the true end (on Kafka, one record at most).
    """
    consumer = Consumer(with_logging(reader_config(settings, group_id)))
    try:
        parts = [TopicPartition(t, p) for t, p in _partitions(consumer, list(topics), timeout)]
        found = consumer.committed(parts, timeout=timeout) if parts else []
        done = {(tp.topic, tp.partition): tp.offset if tp.offset >= 0 else None for tp in found}
        ends = {
            (tp.topic, tp.partition): max(consumer.get_watermark_offsets(tp, timeout=timeout)[1], 0)
            for tp in parts
        }
        _read_tails(consumer, ends, timeout)
        return {where: (done.get(where), end) for where, end in sorted(ends.items())}
    except KafkaException as exc:
        raise EventStreamError(f"could not read Kafka offsets of {group_id}: {exc}") from None
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
        if raw is None or raw.partition() is None:
            continue
        where = (raw.topic() or "", raw.partition() or 0)
        error, offset = raw.error(), raw.offset()
        if error is not None:
            if error.code() == KafkaError._PARTITION_EOF:
                pending.discard(where)
        elif offset is not None and where in ends:
            ends[where] = max(ends[where], offset + 1)


def _partitions(consumer: Consumer, topics: list[str], timeout: float) -> list[tuple[str, int]]:
    found: list[tuple[str, int]] = []
    for topic in topics:
        metadata = consumer.list_topics(topic, timeout=timeout).topics.get(topic)
        if metadata is None or metadata.error is not None:
            continue  # not created yet: nothing to report
        found.extend((topic, part) for part in sorted(metadata.partitions))
    return found


def _kafka_error(exc: KafkaException) -> KafkaError | None:
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, KafkaError) else None
