"""The relay in-process against the real test broker (Tansu): a row is marked sent only after
the broker acknowledged that very record, whatever the flush returned.

The broker is paused with SIGSTOP (connections stay open, nothing is answered), as a hung
broker or a network that drops packets would be. Records are read back by an independent
confluent-kafka consumer (tests/services/kafka_reader.py).
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config.settings import KafkaSettings
from core import events, open_service
from core.creation import TaskCreate
from core.eventlog import EventLog
from core.leases import Leases
from core.service import TaskService
from services import kafka, workers
from services.devbroker import TansuBroker
from services.leader import Leader
from services.relay import Relay
from services.topics import topic_names
from tests.conftest import make_settings
from tests.services.kafka_tools import event_ids
from tests.services.processes import Worker

DELIVERY_S = 3.0
LEASE_S = 3.0


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


def test_a_batch_sent_while_the_lease_changed_hands_is_not_marked_sent(
    service: TaskService, kafka_settings: KafkaSettings
) -> None:
    kafka.ensure_topics(kafka_settings)
    add_tasks(service, 10)
    leases = Leases(service.store)
    topics = topic_names(kafka_settings)
    taken = []

    def topic_for(log_topic: str) -> str:
        if not taken:  # mid-batch, another relay gets the lease (ours stalled past its ttl)
            leases.release("relay", "relay-a")
            taken.append(leases.acquire("relay", "relay-b", 60.0, datetime.now(UTC)))
        return topics.task_events if log_topic == events.TASK_TOPIC else topics.reminders

    out = io.StringIO()
    relay = Relay(
        EventLog(service.store),
        lambda: kafka.KafkaSink(kafka_settings, delivery_timeout_s=DELIVERY_S),
        topic_for, flush_timeout_s=10.0, out=out,
        leader=Leader(leases, "relay", "relay-a", ttl_s=60.0),
    )
    try:
        assert relay.publish_once() == 0
        assert unsent(service) == 10, out.getvalue()
        assert '"result": "lease-lost"' in out.getvalue()
        assert relay.publish_once() == 0  # a follower now: it does not publish
        assert '"result": "following", "leader": "relay-b"' in out.getvalue()
    finally:
        relay.close()
    # The records were acknowledged: the new leader publishes them again (duplicates are
    # dropped by event id), but nothing was marked for a batch of a lost term.
    assert unsent(service) == 10


def test_a_leader_term_breaks_when_a_renewal_comes_too_late(service: TaskService) -> None:
    leases = Leases(service.store)
    mono = [100.0]
    wall = [datetime(2026, 11, 22, 9, 0, tzinfo=UTC)]

    def later(seconds: float) -> None:
        mono[0] += seconds
        wall[0] += timedelta(seconds=seconds)

    one = Leader(leases, "relay", "one", 3.0, clock=lambda: mono[0], wall=lambda: wall[0])
    two = Leader(leases, "relay", "two", 3.0, clock=lambda: mono[0], wall=lambda: wall[0])
    assert one.hold() and not two.hold()
    term = one.term
    later(1.0)
    assert one.hold() and one.unbroken(term)  # renewed a third of the ttl in
    later(2.5)
    assert one.unbroken(term)  # 2.5 s after the renewal: still within the ttl
    later(0.6)
    assert not one.unbroken(term)  # could have expired: work of this term does not count
    assert one.hold() and one.term != term  # nobody took it: a new term, not the old one
    later(3.5)
    assert two.hold() and not one.hold()  # one stalled past its ttl: two takes over
    one.release()  # one gives up nothing it does not hold
    assert two.current() == "two"
    two.release()
    assert one.current() is None and one.hold()


# --- relay processes: one leader ----------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def relay_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The relays' database: a SQLite file, or a fresh schema on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'todo.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def relay_env(tmp_path: Path, kafka_settings: KafkaSettings, relay_db: str) -> dict[str, str]:
    """`todo worker relay` in Kafka mode on the test's database, a 3 s delivery timeout and a
    lease of LEASE_S seconds."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    assert kafka_settings.bootstrap_servers
    home = tmp_path / "home"
    home.mkdir()
    base.update(
        TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="tester", NO_COLOR="1",
        TODO_DATABASE__URL=relay_db,
        TODO_KAFKA__BOOTSTRAP_SERVERS=kafka_settings.bootstrap_servers,
        TODO_KAFKA__TOPIC_PREFIX=kafka_settings.topic_prefix,
        TODO_KAFKA__PARTITIONS=str(kafka_settings.partitions),
        TODO_KAFKA__DELIVERY_TIMEOUT_S=str(DELIVERY_S),
        TODO_KAFKA__RELAY_LEASE_S=str(LEASE_S),
    )
    return base


@pytest.fixture
def home_service(relay_db: str) -> Iterator[TaskService]:
    """The service on the relays' database (created, with its schema, before they start)."""
    svc = open_service(make_settings(relay_db, user="tester"))
    yield svc
    svc.close()


@pytest.fixture
def relays(tmp_path: Path) -> Iterator[list[Worker]]:
    """The test's relay processes; any still running at the end is killed."""
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.ensure_dead()
        print(worker.tail())


def add_tasks(service: TaskService, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        service.add(TaskCreate(title=f"task {n}"))


def unsent(service: TaskService) -> int:
    return EventLog(service.store).unsent_count()


def wait_for(condition: Callable[[], bool], what: str, relays: list[Worker],
             timeout: float = 30.0) -> float:
    started = time.monotonic()
    while not condition():
        for worker in relays:
            if not worker.killed and worker.process.poll() is not None:
                raise AssertionError(f"{worker.label} exited\n{worker.tail()}")
        if time.monotonic() - started > timeout:
            report = "\n".join(w.tail() for w in relays)
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}\n{report}")
        time.sleep(0.05)
    return time.monotonic() - started


def leaders(relays: list[Worker]) -> list[Worker]:
    """The relays that logged that they lead, in the order they started to."""
    first: dict[str, str] = {}
    for worker in relays:
        for line in worker.lines():
            if line.get("result") == "leading":
                first.setdefault(worker.label, str(line["ts"]))
                break
    return sorted((w for w in relays if w.label in first), key=lambda w: first[w.label])


@pytest.mark.parametrize("count", [2, 3])
def test_several_relays_publish_every_event_exactly_once(
    count: int, relay_env: dict[str, str], home_service: TaskService,
    kafka_settings: KafkaSettings, relays: list[Worker], tmp_path: Path,
) -> None:
    add_tasks(home_service, 300)
    relays.extend(Worker("relay", relay_env, tmp_path, f"relay-{n}") for n in range(count))
    wait_for(lambda: unsent(home_service) == 0, "the backlog to be published", relays)
    add_tasks(home_service, 100, start=300)  # while both run
    took = wait_for(lambda: unsent(home_service) == 0, "the new events", relays)
    print(f"100 events published {took:.2f} s after they were written")
    assert len(leaders(relays)) == 1, "\n".join(w.tail() for w in relays)
    codes = [worker.terminate() for worker in relays]  # each stop hands the lease on
    assert [code for code, _s in codes] == [0] * count, "\n".join(w.tail() for w in relays)

    wanted = outbox_ids(home_service)
    assert len(wanted) == 400
    seen = event_ids(kafka_settings, [topic_names(kafka_settings).task_events], wanted)
    twice = {event: n for event, n in seen.items() if n > 1}
    assert twice == {}, f"{len(twice)} events published more than once"
    assert sorted(seen) == sorted(wanted)


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_the_other_relay_takes_over_when_the_leader_dies_or_stops(
    how: str, relay_env: dict[str, str], home_service: TaskService,
    kafka_settings: KafkaSettings, relays: list[Worker], tmp_path: Path,
) -> None:
    add_tasks(home_service, 200)
    relays.extend(Worker("relay", relay_env, tmp_path, f"relay-{n}") for n in (1, 2))
    wait_for(lambda: unsent(home_service) == 0, "the backlog to be published", relays)
    [leader] = leaders(relays)
    [follower] = [w for w in relays if w is not leader]
    if how == "kill -9":
        leader.kill9()
    else:
        code, _took = leader.terminate()
        assert code == 0, leader.tail()
    stopped = time.monotonic()
    add_tasks(home_service, 100, start=200)
    wait_for(lambda: unsent(home_service) == 0, "the follower to publish", relays)
    took = time.monotonic() - stopped
    print(f"{how}: the follower published the new events {took:.2f} s after the leader went")
    # A killed leader's lease runs out after LEASE_S; a stopped one gives it up at once.
    assert took < (LEASE_S + 3.0 if how == "kill -9" else LEASE_S), follower.tail()
    assert leaders(relays) == [leader, follower]

    wanted = outbox_ids(home_service)
    seen = event_ids(kafka_settings, [topic_names(kafka_settings).task_events], wanted)
    assert set(wanted) <= set(seen), f"never published: {sorted(set(wanted) - set(seen))[:5]}"


def test_a_relay_process_marks_nothing_while_the_broker_is_paused_and_publishes_after(
    relay_env: dict[str, str], home_service: TaskService, kafka_settings: KafkaSettings,
    kafka_broker: TansuBroker, relays: list[Worker], tmp_path: Path,
) -> None:
    add_tasks(home_service, 50)
    relays.append(Worker("relay", relay_env, tmp_path))
    wait_for(lambda: unsent(home_service) == 0, "the first events to be published", relays)
    kafka_broker.pause()
    try:
        add_tasks(home_service, 20, start=50)
        paused = time.monotonic()
        while time.monotonic() - paused < DELIVERY_S + 3.0:  # beyond the delivery timeout
            assert unsent(home_service) == 20, relays[0].tail()
            time.sleep(0.1)
    finally:
        kafka_broker.resume()
    took = wait_for(lambda: unsent(home_service) == 0, "the events after the pause", relays)
    print(f"published {took:.2f} s after the broker was resumed")

    wanted = outbox_ids(home_service)
    seen = event_ids(kafka_settings, [topic_names(kafka_settings).task_events], wanted)
    assert set(wanted) <= set(seen), f"never published: {sorted(set(wanted) - set(seen))[:5]}"
    code, _took = relays[0].terminate()
    assert code == 0, relays[0].tail()
