"""iCalendar (RFC 5545) both ways: our export checked by an independent expander
(recurring-ical-events), round trips through a fresh home, and files from other apps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from core import open_service
from core.schemas import TaskFilter, TaskRead
from core.service import TaskService
from tests.conftest import BERLIN, Clock, make_settings


def _home(path: Path, clock: Clock, timezone: str = "Europe/Berlin") -> TaskService:
    return open_service(make_settings(f"sqlite:///{path}", timezone=timezone), clock=clock)


@pytest.fixture
def homes(tmp_path: Path, clock: Clock) -> Iterator[tuple[TaskService, TaskService]]:
    """Two homes on their own SQLite files: where tasks are made, and a fresh one."""
    first, fresh = _home(tmp_path / "a.db", clock), _home(tmp_path / "b.db", clock)
    yield first, fresh
    first.close()
    fresh.close()


def _all(svc: TaskService) -> list[TaskRead]:
    return svc.list_tasks(TaskFilter(status="all", sort="id"))


def _without_dtstamp(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("DTSTAMP"))


def test_recurrence_and_reminders_survive_a_fresh_home(
    homes: tuple[TaskService, TaskService],
) -> None:
    """The measured failure: RRULE without DTSTART, no VALARM, tasks came back plain."""
    first, fresh = homes
    first.add_text("water plants every day at 9am remind me 30m before")
    first.add_text("pay rent every month on the 1st at 10am", remind=["tomorrow 9am"])
    first.add_text("stretch every! 2 days", remind=["1 day before"])
    text = first.export("ical")
    assert text.count("BEGIN:VALARM") == 3
    assert all("DTSTART" in todo for todo in Calendar.from_ical(text).walk("VTODO"))
    fresh.import_text(text)
    shape = [(t.title, t.due, t.recurrence, t.recur_from_completion, t.reminders)
             for t in _all(first)]
    assert [(t.title, t.due, t.recurrence, t.recur_from_completion, t.reminders)
            for t in _all(fresh)] == shape
    assert _without_dtstamp(fresh.export("ical")) == _without_dtstamp(text)
