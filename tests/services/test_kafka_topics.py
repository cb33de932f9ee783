"""Topics and kafka.partitions against the real test broker (Tansu): `todo worker status`
shows each topic with its partition count, and a mismatch with the setting shows there and
in the workers' log."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import replace
from pathlib import Path

from config.settings import KafkaSettings
from services import kafka
from services.topics import EventStreamError, TopicWatch, topic_names
from tests.services.processes import REPO, TODO, Worker


def kafka_env(tmp_path: Path, settings: KafkaSettings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    assert settings.bootstrap_servers
    env.update(
        TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="tester", NO_COLOR="1",
        TODO_KAFKA__BOOTSTRAP_SERVERS=settings.bootstrap_servers,
        TODO_KAFKA__TOPIC_PREFIX=settings.topic_prefix,
        TODO_KAFKA__PARTITIONS=str(settings.partitions),
        TODO_WORKER__SESSION_TIMEOUT_MS="6000",
    )
    return env


def worker_status(env: dict[str, str]) -> dict[str, str]:
    """`todo worker status`: each line's name and the rest of it."""
    done = subprocess.run([*TODO, "worker", "status"], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=60, check=False, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    rows = {}
    for line in done.stdout.splitlines():
        if line.startswith("topic "):
            name, rest = line.removeprefix("topic ").split(maxsplit=1)
            rows[name] = rest.strip()
    return rows


def test_worker_status_shows_each_topic_and_a_partition_mismatch(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    names = topic_names(kafka_settings)
    env = kafka_env(tmp_path, kafka_settings)
    kafka.ensure_topics(kafka_settings)
    assert worker_status(env) == {name: "3 partitions" for name in names.all()}

    other = replace(kafka_settings, topic_prefix=kafka_settings.topic_prefix + "x.")
    kafka.ensure_topics(replace(other, partitions=4))  # made by someone with another setting
    env = kafka_env(tmp_path, other)
    rows = worker_status(env)
    for name in topic_names(other).all():
        assert rows[name].startswith("4 partitions, but kafka.partitions is 3"), rows

    # A worker starting on those topics keeps them as they are and says so in its log.
    audit = Worker("audit", env, tmp_path)
    try:
        deadline = time.monotonic() + 30
        while "kafka.partitions is 3" not in audit.stderr():
            assert audit.process.poll() is None, audit.tail()
            assert time.monotonic() < deadline, audit.tail()
            time.sleep(0.1)
        code, _took = audit.terminate()
        assert code == 0, audit.tail()
    finally:
        audit.ensure_dead()
    assert f"topic {topic_names(other).task_events} has 4 partitions" in audit.stderr()


def test_worker_status_says_when_a_topic_is_missing(
    tmp_path: Path, kafka_settings: KafkaSettings
) -> None:
    rows = worker_status(kafka_env(tmp_path, kafka_settings))  # nothing created them yet
    assert rows == {name: "missing (kafka.partitions is 3)"
                    for name in topic_names(kafka_settings).all()}


def test_a_topic_watch_checks_at_start_and_again_after_a_loss_until_it_succeeds() -> None:
    calls: list[float] = []
    now = [0.0]
    outcomes = [None, "down", "down", None]

    def ensure() -> None:
        calls.append(now[0])
        if outcomes[len(calls) - 1] == "down":
            raise EventStreamError("broker down")

    watch = TopicWatch(ensure, retry_s=2.0, clock=lambda: now[0])
    watch.check()  # a client's start
    watch.check()  # nothing pending
    watch.lost("1/1 brokers are down")
    watch.check()  # fails: retried 2 s later, not before
    now[0] = 1.0
    watch.check()
    now[0] = 2.0
    watch.check()  # fails again
    now[0] = 4.5
    watch.check()  # succeeds
    now[0] = 10.0
    watch.check()
    assert calls == [0.0, 0.0, 2.0, 4.5]
    assert not watch.pending
