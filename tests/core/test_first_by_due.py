"""`list_tasks` with a limit, sorted by due date, reads only a superset of the first rows
(`core.queries.task_filter.first_by_due`) and must still answer exactly what sorting every
match would.

The narrowing orders all-day dates by the date and timed tasks by UTC, which is off by the
zone's offset: these tests use the zones farthest from UTC on both sides, all-day dates and
instants around local midnight, and limits that cut through ties.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import open_service
from core.creation import TaskCreate
from core.priorities import Priority
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import PG_URL, make_settings, require_postgres

ZONES = ["Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Chatham", "Europe/Berlin", "UTC"]
FIRST_DAY = date(2026, 3, 1)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def services(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, TaskService]]:
    """One database per backend, a service per zone on it; each example is a fresh owner."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('first-by-due') / 'todo.db'}"
        schema = None
    else:
        require_postgres()
        import psycopg

        schema = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    opened = {zone: open_service(make_settings(url, timezone=zone)) for zone in ZONES}
    yield opened
    for service in opened.values():
        service.close()
    if schema is not None:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


days = st.dates(FIRST_DAY, FIRST_DAY + timedelta(days=4))
# Instants near the days' midnights in every zone used: where the SQL order and the true
# order of all-day and timed tasks part.
instants = st.builds(
    lambda day, minutes: datetime.combine(day, time(0), UTC) + timedelta(minutes=minutes),
    days, st.integers(-15 * 60, 15 * 60).map(lambda m: m - m % 30),
)
dues = st.none() | days | instants


@st.composite
def batches(draw: st.DrawFn) -> list[TaskCreate]:
    size = draw(st.integers(1, 14))
    return [
        TaskCreate(title=f"task {n}", due=draw(dues),
                   priority=draw(st.sampled_from(list(Priority))))
        for n in range(size)
    ]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(zone=st.sampled_from(ZONES), batch=batches(), limit=st.integers(1, 16),
       flt=st.sampled_from([TaskFilter(), TaskFilter(priority=Priority.HIGH),
                            TaskFilter(due_before=FIRST_DAY + timedelta(days=2))]))
def test_a_limit_is_the_head_of_the_whole_sorted_list(
    services: dict[str, TaskService], zone: str, batch: list[TaskCreate], limit: int,
    flt: TaskFilter,
) -> None:
    service = services[zone].for_owner(f"owner-{uuid.uuid4()}")
    for create in batch:
        service.add(create)
    everything = service.list_tasks(flt)
    assert service.list_tasks(replace(flt, limit=limit)) == everything[:limit]


def test_all_day_before_timed_on_the_far_side_of_utc(services: dict[str, TaskService]) -> None:
    # In Kiritimati (UTC+14) an all-day task on the 2nd starts at 10:00 UTC on the 1st:
    # before a task timed at 12:00 UTC on the 1st, though SQL sorts "2026-03-02" after it.
    service = services["Pacific/Kiritimati"].for_owner("kiritimati")
    assert ZoneInfo("Pacific/Kiritimati").utcoffset(datetime(2026, 3, 1)) == timedelta(hours=14)
    for n in range(5):
        service.add(TaskCreate(title=f"timed {n}",
                               due=datetime(2026, 3, 1, 12, n, tzinfo=UTC)))
    service.add(TaskCreate(title="all day", due=date(2026, 3, 2)))
    [first] = service.list_tasks(TaskFilter(limit=1))
    assert first.title == "all day"
