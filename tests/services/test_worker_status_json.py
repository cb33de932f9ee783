"""`todo worker status --json` as a real process, on the embedded log and on the real test
broker (Tansu): the shape documented in README ("Events and workers")."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from config.settings import KafkaSettings
from core import open_service
from core.creation import TaskCreate
from core.eventlog import EventLog
from services import kafka
from services.topics import topic_names
from tests.conftest import make_settings
from tests.services.kafka_tools import publish_all
from tests.services.processes import REPO, TODO
from tests.services.test_kafka_topics import kafka_env

GROUP_KEYS = {"group", "topic", "position", "backlog", "partitions"}


def status(env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*TODO, "worker", "status", *extra], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60, check=False,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    return done


def status_json(env: dict[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(status(env, "--json").stdout)
    assert set(found) == {"log", "outbox_head", "relay", "groups", "topics"}
    assert [g["group"] for g in found["groups"]] == ["recurrence", "audit", "notify"]
    assert all(set(g) == GROUP_KEYS for g in found["groups"])
    return found


def add_tasks(home: Path, count: int) -> None:
    svc = open_service(make_settings(f"sqlite:///{home / 'todo.db'}", user="tester"))
    try:
        for n in range(count):
            svc.add(TaskCreate(title=f"task {n}"))
        EventLog(svc.store).commit("audit", 2, datetime.now(UTC))
    finally:
        svc.close()


def test_embedded_log_status_as_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    env.update(TODO_HOME=str(home), TZ="Europe/Berlin", TODO_USER="tester", NO_COLOR="1")
    add_tasks(home, 3)

    found = status_json(env)
    assert (found["log"], found["outbox_head"], found["relay"], found["topics"]) == (
        "embedded", 3, None, [])
    groups = {g["group"]: g for g in found["groups"]}
    assert groups["audit"] == {"group": "audit", "topic": None, "position": 2, "backlog": 1,
                               "partitions": []}
    assert groups["recurrence"] == {"group": "recurrence", "topic": "task-events",
                                    "position": 0, "backlog": 3, "partitions": []}
    assert (groups["notify"]["topic"], groups["notify"]["backlog"]) == ("reminders", 0)
    # The table says the same.
    assert "audit       backlog      1  2" in status(env).stdout


def test_kafka_status_as_json(tmp_path: Path, kafka_settings: KafkaSettings) -> None:
    kafka.ensure_topics(kafka_settings)
    env = kafka_env(tmp_path, kafka_settings)
    home = Path(env["TODO_HOME"])
    add_tasks(home, 4)
    svc = open_service(make_settings(f"sqlite:///{home / 'todo.db'}", user="tester"))
    try:
        assert publish_all(svc, kafka_settings) == 4
    finally:
        svc.close()

    found = status_json(env)
    names = topic_names(kafka_settings)
    assert (found["log"], found["outbox_head"]) == ("kafka", 4)
    assert found["relay"] == {"outbox_head": 4, "unsent": 0}
    assert found["topics"] == [{"name": n, "partitions": 3, "wanted": 3, "ok": True}
                               for n in names.all()]
    groups = {g["group"]: g for g in found["groups"]}
    recurrence = groups["recurrence"]
    assert (recurrence["position"], recurrence["backlog"]) == (None, 4)  # nothing consumed yet
    assert [(p["topic"], p["partition"]) for p in recurrence["partitions"]] == [
        (names.task_events, n) for n in range(3)]
    assert sum(p["end"] for p in recurrence["partitions"]) == 4
    assert all(p["committed"] is None for p in recurrence["partitions"])
    assert {p["topic"] for p in groups["audit"]["partitions"]} == {names.task_events,
                                                                   names.reminders}

    other = replace(kafka_settings, topic_prefix=kafka_settings.topic_prefix + "x.")
    kafka.ensure_topics(replace(other, partitions=4))  # made by someone with another setting
    mismatched = status_json(kafka_env(tmp_path, other))
    assert mismatched["topics"] == [{"name": n, "partitions": 4, "wanted": 3, "ok": False}
                                    for n in topic_names(other).all()]
