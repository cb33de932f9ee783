"""The SQLite export fast path writes exactly what the Python JSON path writes.

`todo export` on SQLite renders JSON in SQL (core/queries/task_json.py); every other reader of tasks
goes through TaskRead and core/formats/jsonfmt.py. These tests hold the two to the same bytes
over awkward text, every field, and instants on both sides of DST changes in odd zones.
"""

from __future__ import annotations

import itertools
import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import open_service
from core.creation import TaskCreate
from core.dates import offset_spans
from core.formats import jsonfmt
from core.priorities import Priority
from core.schemas import ReminderRead, ReminderState, Status
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import make_settings

ZONES = [
    "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC",
    "America/St_Johns", "Pacific/Chatham", "Europe/Dublin", "America/Santiago",
]
EVERYTHING = TaskFilter(status="all", sort="id")

instants = st.datetimes(
    min_value=datetime(1975, 1, 1), max_value=datetime(2070, 12, 31), timezones=st.just(UTC)
)
# Control characters are refused on input (core/text.py), except tabs and line breaks in notes.
texts = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")) | st.sampled_from("\t\n"),
    max_size=40,
)
titles = texts.map(lambda s: " ".join(s.split())).filter(bool)
tags = st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True), max_size=4, unique=True)
reminders = st.lists(
    st.builds(
        ReminderRead,
        at=instants,
        before=st.sampled_from([None, "PT1H", "P1D"]),
        state=st.sampled_from(list(ReminderState)),
    ),
    max_size=3,
)

# What imports keep: names and values of any shape another tool may write.
kept_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | texts
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)
kept_fields = st.dictionaries(texts.filter(bool), kept_values, max_size=4)


@st.composite
def tasks(draw: st.DrawFn) -> TaskCreate:
    created = draw(instants)
    status = draw(st.sampled_from(list(Status)))
    return TaskCreate(
        title=draw(titles),
        notes=draw(st.none() | texts),
        priority=draw(st.sampled_from(list(Priority))),
        tags=tuple(draw(tags)),
        due=draw(st.none() | st.dates(date(1980, 1, 1), date(2060, 1, 1)) | instants),
        uuid=str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))),
        status=status,
        created=created,
        updated=created + draw(st.timedeltas(timedelta(0), timedelta(days=900))),
        completed=draw(instants) if status is Status.COMPLETED else None,
        reminders=tuple(draw(reminders)),
        kept=draw(kept_fields),
        project=draw(st.none() | st.sampled_from(["home", "home/garden", "Work/Q4 plans"])),
        wait=draw(st.none() | instants),
        scheduled=draw(st.none() | st.dates(date(1980, 1, 1), date(2060, 1, 1)) | instants),
        until=draw(st.none() | instants),
    )


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> dict[str, TaskService]:
    """One SQLite file per zone; each example writes as a fresh owner."""
    root: Path = tmp_path_factory.mktemp("sqlite-json")
    opened = {
        zone: open_service(make_settings(f"sqlite:///{root / (zone.replace('/', '-') + '.db')}",
                                         timezone=zone))
        for zone in ZONES
    }
    yield opened  # type: ignore[misc]
    for service in opened.values():
        service.close()


def python_path(service: TaskService) -> str:
    return jsonfmt.dumps(service.list_tasks(EVERYTHING), service.tz)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(ZONES),
    batch=st.lists(tasks(), min_size=1, max_size=6, unique_by=lambda t: t.uuid),
)
def test_fast_export_equals_the_python_json(
    services: dict[str, TaskService], zone: str, batch: list[TaskCreate]
) -> None:
    service = services[zone].for_owner(f"owner-{uuid.uuid4()}")
    for create in batch:
        service.add(create)
    fast = service.export("json", EVERYTHING)
    assert fast == python_path(service)
    assert len(json.loads(fast)) == len(batch)


def test_fast_export_covers_recurrence_and_relative_reminders(
    services: dict[str, TaskService],
) -> None:
    service = services["Europe/Berlin"].for_owner("recurring")
    service.add_text("water plants every monday at 9am remind 1h before #home")
    service.add_text("pay rent every! month p1")
    service.add_text("plain")
    fast = service.export("json", EVERYTHING)
    assert fast == python_path(service)
    first, second, _ = json.loads(fast)
    assert first["recurrence"] and first["recurrence_from"] == "due"
    assert first["reminders"][0]["before"] is not None
    assert second["recurrence_from"] == "completion"


def test_fast_export_of_no_tasks_is_an_empty_array(services: dict[str, TaskService]) -> None:
    assert services["UTC"].for_owner("nobody").export("json", EVERYTHING) == "[]"


@pytest.mark.parametrize("zone", ZONES)
def test_offset_spans_agree_with_zoneinfo_everywhere_in_range(zone: str) -> None:
    tz = ZoneInfo(zone)
    first, last = datetime(1995, 1, 1, tzinfo=UTC), datetime(2045, 1, 1, tzinfo=UTC)
    spans = offset_spans(tz, first, last)
    assert spans[0].start is None
    # Every change, to the second: just before it the previous offset, at it the new one.
    for before, span in itertools.pairwise(spans):
        assert span.start is not None and span.offset != before.offset
        assert (span.start - timedelta(seconds=1)).astimezone(tz).utcoffset() == before.offset
        assert span.start.astimezone(tz).utcoffset() == span.offset
    # And nothing missed: a sample every 5 days falls in the span with its offset.
    at = first
    while at <= last:
        current = [s for s in spans if s.start is None or s.start <= at][-1]
        assert at.astimezone(tz).utcoffset() == current.offset, at
        assert at.astimezone(tz).isoformat()[19:] == current.suffix
        at += timedelta(days=5, hours=7)
