"""Our events as other systems read them: the official CloudEvents SDK on the real broker's
records (Kafka protocol binding, binary mode), and the JSON Schema of each event type's data.

Every event the suite appends to the outbox is validated as well (tests/conftest.py sets
TODO_CHECK_EVENT_SCHEMAS); here each event type is produced on purpose, on both stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, from_kafka
from cloudevents.core.formats.json import JSONFormat

from config.settings import KafkaSettings
from core import event_schemas, events, open_service
from core.changes import TaskUpdate
from core.creation import TaskCreate
from core.eventlog import EventLog
from core.service import TaskService
from core.store import read_dt
from services import binding, kafka
from services.topics import topic_names
from tests.conftest import Clock, drain, make_settings
from tests.services.kafka_tools import publish_all, records

EVERY_TYPE = {*events.TASK_TYPES, events.UNBLOCKED, events.REMINDER_DUE, events.REMINDER_FIRED}


def every_event_type(svc: TaskService, now: datetime) -> None:
    """Drive the service through each kind of change: every event type lands in the outbox."""
    svc.add_text("pay rent p1 #finance due 2026-11-22 12:00 every month remind 1h before")
    svc.add_text("water plants #home due 2026-11-23")
    svc.update([2], TaskUpdate(title="water the plants — Blumen", notes="balcony too"))
    [due] = svc.claim_due_reminders(now + timedelta(hours=3))
    log = EventLog(svc.store)
    [announced] = [
        e.envelope for e in log.read(0, 100) if e.envelope["type"] == events.REMINDER_DUE
    ]
    svc.reminder_fired(announced, ["webhook"])
    svc.complete([1])
    drain(svc)  # the recurrence consumer creates the next month's instance
    svc.complete([2])
    svc.reopen([2])
    svc.delete([2])
    svc.restore([2])
    svc.undo()  # reverts the restore: the task is deleted again
    svc.import_text('[{"title": "from a file", "tags": ["imported"], "status": "completed"}]')
    svc.add(TaskCreate(title="blocker"))
    svc.add(TaskCreate(title="waits for the blocker", depends=(5,), parent=5))
    svc.update([6], TaskUpdate(depends=()))
    svc.update([6], TaskUpdate(depends=(5,)))
    svc.complete([5], with_children=True)  # completes 6 too
    svc.add(TaskCreate(title="blocker two"))
    svc.add(TaskCreate(title="blocked two", depends=(7,)))
    svc.complete([7])  # the last blocker of 8: todo.task.unblocked
    assert due.task.id == 1


def outbox(svc: TaskService) -> list[dict[str, Any]]:
    with svc.store.read() as db:
        rows = db.all("SELECT id, type, subject, time, data, owner FROM outbox ORDER BY seq")
    keys = ("id", "type", "subject", "time", "data", "owner")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def test_every_event_type_validates_against_its_published_schema(
    svc: TaskService, clock: Clock
) -> None:
    every_event_type(svc, clock.now)
    rows = outbox(svc)
    assert {row["type"] for row in rows} == EVERY_TYPE
    for row in rows:
        event_schemas.validate(row["type"], json.loads(row["data"]))
    ids = set(event_schemas.load_all())
    assert ids == {events.dataschema(t) for t in EVERY_TYPE} | {event_schemas.uri_of("task")}


def test_the_schemas_refuse_data_that_breaks_them(svc: TaskService, clock: Clock) -> None:
    every_event_type(svc, clock.now)
    completed = next(json.loads(r["data"]) for r in outbox(svc) if r["type"] == events.COMPLETED)
    completed["task"]["status"] = "pending"
    with pytest.raises(ValueError, match=r"todo.task.completed data at task/status"):
        event_schemas.validate(events.COMPLETED, completed)
    del completed["task"]["uuid"]
    with pytest.raises(ValueError, match="'uuid' is a required property"):
        event_schemas.validate(events.UPDATED, completed)
    with pytest.raises(ValueError, match=r"no schema for event type 'todo\.task\.exploded'"):
        event_schemas.validate("todo.task.exploded", completed)


def test_the_schemas_ship_in_the_package_and_the_pyproject_says_so() -> None:
    text = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert '"core.event_schemas" = ["*.json"]' in text
    for uri, schema in event_schemas.load_all().items():
        assert schema["$id"] == uri and uri.startswith(events.SCHEMA_BASE)


def test_the_binding_rebuilds_the_envelope_from_headers_and_data(svc: TaskService) -> None:
    svc.add_text("pay rent p1 #finance")
    [entry] = EventLog(svc.store).read(0, 1)
    [wire] = EventLog(svc.store).unsent(1)
    headers = binding.headers_of(wire.attributes)
    assert "ce_datacontenttype" not in headers and headers["content-type"] == b"application/json"
    assert binding.is_binary(headers) and not binding.is_binary({"content-type": b"x"})
    assert binding.envelope_of(headers, wire.data) == entry.envelope


@pytest.mark.parametrize(("change", "value", "error"), [
    ({"content-type": b"application/cloudevents+json"}, b"{}", "not application/json"),
    ({}, b"not json", "data is not JSON"),
    ({}, None, "empty message"),
    ({"ce_id": b"\xff"}, b"{}", "header ce_id is not UTF-8"),
    ({"ce_specversion": b"0.3"}, b"{}", "unsupported specversion '0.3'"),
    ({"ce_todoop": b"seven"}, b"{}", "header ce_todoop is not an integer: 'seven'"),
])
def test_a_broken_binary_record_is_refused_with_what_is_wrong(
    change: dict[str, bytes], value: bytes | None, error: str
) -> None:
    headers = {"ce_specversion": b"1.0", "ce_id": b"e-1", "ce_source": b"todo/a@h",
               "ce_type": b"todo.task.created", "ce_subject": b"1",
               "ce_time": b"2026-11-22T10:00:00+00:00", "content-type": b"application/json"}
    with pytest.raises(ValueError, match=error):
        binding.envelope_of({**headers, **change}, value)
    headers.pop("ce_subject")
    with pytest.raises(ValueError, match="event lacks subject"):
        binding.envelope_of(headers, b"{}")


@pytest.fixture
def service(tmp_path: Path, clock: Clock) -> Iterator[TaskService]:
    svc = open_service(make_settings(f"sqlite:///{tmp_path / 'todo.db'}"), clock=clock)
    yield svc
    svc.close()


def test_the_official_sdk_reads_our_kafka_records_as_the_outbox_rows(
    service: TaskService, clock: Clock, kafka_settings: KafkaSettings
) -> None:
    """Measured: records were structured mode and carried `ce_*` headers as well, so the SDK
    took binary mode and returned the whole envelope as `data`."""
    kafka.ensure_topics(kafka_settings)
    every_event_type(service, clock.now)
    rows = {row["id"]: row for row in outbox(service)}
    assert publish_all(service, kafka_settings) == len(rows)
    topics = topic_names(kafka_settings)
    got = records(kafka_settings, [topics.task_events, topics.reminders], len(rows))
    assert len(got) == len(rows)
    for record in got:
        message = KafkaMessage(headers=record.headers, key=record.key, value=record.value)
        event = from_kafka(message, JSONFormat())
        row = rows[event.get_id()]
        assert event.get_type() == row["type"]
        assert event.get_subject() == row["subject"]
        assert event.get_time() == read_dt(row["time"])
        assert event.get_data() == json.loads(row["data"])
        assert event.get_dataschema() == events.dataschema(row["type"])
        assert event.get_datacontenttype() == "application/json"
        assert event.get_specversion() == "1.0"
        assert record.headers["content-type"] == b"application/json"
        assert record.key == f"{row['owner']}/{row['subject']}".encode()  # per-task order
        assert from_binary(message, JSONFormat()).get_data() == event.get_data()
        expected = topics.reminders if row["type"].startswith("todo.reminder.") else (
            topics.task_events)
        assert record.topic == expected
