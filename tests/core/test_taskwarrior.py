"""Taskwarrior both ways, checked against the real `task` binary (Debian's taskwarrior 2.6).

Each test runs `task` with its own TASKRC and TASKDATA under tmp_path, in Europe/Berlin.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from core import open_service
from core.errors import BadInput
from core.formats import taskwarrior, tw_periods
from core.schemas import Status
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import BERLIN, drain, make_settings, require_taskwarrior


@dataclass
class Taskwarrior:
    """The real `task`, isolated in a directory."""

    binary: str
    root: Path

    def __call__(self, *args: str) -> str:
        env = {
            **os.environ, "TZ": "Europe/Berlin", "TASKRC": str(self.root / "taskrc"),
            "TASKDATA": str(self.root / "data"),
        }
        result = subprocess.run(
            [self.binary, "rc.confirmation=off", "rc.hooks=off", "rc.verbose=nothing",
             "rc.uda.estimate.type=numeric", *args],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )
        assert result.returncode == 0, f"task {' '.join(args)}: {result.stderr}"
        return result.stdout

    def export(self) -> str:
        return self("export")

    def tasks(self) -> list[dict[str, Any]]:
        loaded: list[dict[str, Any]] = json.loads(self.export())
        return loaded


@pytest.fixture
def task(tmp_path: Path) -> Taskwarrior:
    binary = require_taskwarrior()
    root = tmp_path / "tw"
    (root / "data").mkdir(parents=True)
    (root / "taskrc").write_text("")
    return Taskwarrior(binary, root)


@pytest.fixture
def fresh(db_url: str) -> Iterator[TaskService]:
    """A service on the real clock: Taskwarrior fills in instances up to its own now."""
    service = open_service(make_settings(db_url))
    yield service
    service.close()


def _day(days: int) -> date:
    return datetime.now(BERLIN).date() + timedelta(days=days)


def _everything(service: TaskService) -> list[Any]:
    return service.list_tasks(TaskFilter(status="all", sort="id"))


def test_a_real_recurring_series_comes_in_once_with_its_rule(
    task: Taskwarrior, fresh: TaskService
) -> None:
    # Measured: the template and its pending child came in as two plain pending tasks.
    water = _day(10)
    task("add", "Water plants", f"due:{water}T18:00", "recur:weekly",
         f"until:{_day(80)}", "project:home.garden", "+green")
    task("add", "Pay rent", f"due:{_day(20)}", "recur:monthly", f"wait:{_day(15)}",
         f"scheduled:{_day(18)}", "estimate:3")
    exported = task.export()
    assert sum(t["status"] == "recurring" for t in json.loads(exported)) == 2

    result = fresh.import_text(exported)
    tasks = _everything(fresh)
    assert sorted(t.title for t in tasks) == ["Pay rent", "Water plants"]
    plants, rent = sorted(tasks, key=lambda t: t.title, reverse=True)
    assert plants.recurrence is not None
    assert plants.recurrence.startswith("FREQ=WEEKLY;UNTIL=")
    assert plants.due == datetime.combine(water, datetime.min.time().replace(hour=18), BERLIN)
    assert (plants.tags, plants.project) == (("green",), "home/garden")
    # A due at local midnight is Taskwarrior's way of saying a day.
    assert (rent.recurrence, rent.due) == ("FREQ=MONTHLY", _day(20))
    # Project, wait and scheduled land in their own fields (issue 15), no longer kept aside.
    assert rent.wait == datetime.combine(_day(15), datetime.min.time(), BERLIN)
    assert rent.scheduled == _day(18)
    assert rent.kept == {"uda.estimate": 3}
    assert plants.kept == {}
    assert result.kept_summary == "kept 1 field we do not use yet: uda.estimate"
    again = fresh.import_text(exported)
    assert (len(again.added), len(_everything(fresh))) == (0, 2)


def test_completed_instances_are_the_series_history(
    task: Taskwarrior, fresh: TaskService
) -> None:
    task("add", "Stand-up", f"due:{_day(-15)}T09:30", "recur:weekly")
    # Taskwarrior made the three missed instances and the next one: do the missed ones.
    pending = sorted((r for r in task.tasks() if r["status"] == "pending"), key=lambda r: r["due"])
    for row in pending[:-1]:
        task(row["uuid"], "done")
    rows = task.tasks()
    statuses = sorted(r["status"] for r in rows)
    assert statuses == ["completed", "completed", "completed", "pending", "recurring"]

    fresh.import_text(json.dumps(rows))
    tasks = _everything(fresh)
    assert [t.status for t in tasks].count(Status.COMPLETED) == 3
    [current] = [t for t in tasks if t.status is Status.PENDING]
    assert current.recurrence == "FREQ=WEEKLY"
    # Completing the current instance makes the next one, on the same series.
    fresh.complete([current.id])
    drain(fresh)
    [following] = [t for t in _everything(fresh) if t.status is Status.PENDING]
    assert following.due == current.due + timedelta(weeks=1)
    # Taskwarrior makes that next instance too, under its own uuid: it is not added twice.
    task(current.uuid, "done")
    later = task("rc.recurrence.limit=2", "export")
    assert sum(r["status"] == "pending" for r in json.loads(later)) == 1
    assert fresh.import_text(later).added == []
    assert [t.due for t in _everything(fresh) if t.status is Status.PENDING] == [following.due]


@pytest.mark.parametrize(
    ("period", "rrule"),
    [
        ("daily", "FREQ=DAILY"), ("weekdays", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        ("weekly", "FREQ=WEEKLY"), ("biweekly", "FREQ=WEEKLY;INTERVAL=2"),
        ("fortnight", "FREQ=WEEKLY;INTERVAL=2"), ("monthly", "FREQ=MONTHLY"),
        ("bimonthly", "FREQ=MONTHLY;INTERVAL=2"), ("quarterly", "FREQ=MONTHLY;INTERVAL=3"),
        ("semiannual", "FREQ=MONTHLY;INTERVAL=6"), ("annual", "FREQ=YEARLY"),
        ("yearly", "FREQ=YEARLY"), ("biannual", "FREQ=YEARLY;INTERVAL=2"),
        ("3d", "FREQ=DAILY;INTERVAL=3"), ("2days", "FREQ=DAILY;INTERVAL=2"),
        ("2w", "FREQ=WEEKLY;INTERVAL=2"), ("3weeks", "FREQ=WEEKLY;INTERVAL=3"),
        ("2wks", "FREQ=WEEKLY;INTERVAL=2"), ("2mo", "FREQ=MONTHLY;INTERVAL=2"),
        ("2m", "FREQ=MONTHLY;INTERVAL=2"), ("2months", "FREQ=MONTHLY;INTERVAL=2"),
        ("1q", "FREQ=MONTHLY;INTERVAL=3"), ("2qtrs", "FREQ=MONTHLY;INTERVAL=6"),
        ("1y", "FREQ=YEARLY"), ("1year", "FREQ=YEARLY"), ("2yrs", "FREQ=YEARLY;INTERVAL=2"),
        ("P1D", "FREQ=DAILY"), ("P2W", "FREQ=WEEKLY;INTERVAL=2"),
        ("P3M", "FREQ=MONTHLY;INTERVAL=3"),
        ("P1Y", "FREQ=YEARLY"),
    ],
)
def test_every_period_taskwarrior_accepts_becomes_its_rule(
    task: Taskwarrior, period: str, rrule: str
) -> None:
    task("add", "x", f"due:{_day(3)}", f"recur:{period}")
    [instance] = [t for t in taskwarrior.parse(task.export(), BERLIN)]
    assert instance.recurrence == rrule


def test_a_period_we_cannot_repeat_by_is_kept_not_lost(task: Taskwarrior) -> None:
    task("add", "hourly", f"due:{_day(3)}T10:00", "recur:2h")
    [instance] = taskwarrior.parse(task.export(), BERLIN)
    assert instance.recurrence is None
    assert instance.kept["recur"] == "2h"


@pytest.fixture
def second(tmp_path: Path) -> Iterator[TaskService]:
    """Another home on the real clock, for the way back."""
    service = open_service(make_settings(f"sqlite:///{tmp_path / 'back.db'}"))
    yield service
    service.close()


def _populate(svc: TaskService) -> None:
    svc.import_text(json.dumps([
        {"description": "Renew passport", "status": "pending", "entry": "20261101T081500Z",
         "uuid": "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0001", "project": "Admin.Papers",
         "wait": f"{_day(30):%Y%m%d}T080000Z", "estimate": 3, "tags": ["later"]},
    ]))
    svc.add_text("Fix the fence", due=f"{_day(5)} 14:30", priority="high", tags=["diy"],
                 notes="nails\n\nand a hammer")
    svc.add_text("Call Ana", due=_day(6).isoformat(), priority="low")
    done = svc.add_text("Old errand")
    svc.complete([done.id])
    gone = svc.add_text("Gone")
    svc.delete([gone.id])
    water = svc.add_text("Water plants", due=f"{_day(-1)} 18:00", every="every week",
                         remind=["1h before"])
    svc.complete([water.id])
    svc.add_text("Haircut", due=_day(9).isoformat(), every="every! 4 weeks")
    svc.add_text("Gym", due=f"{_day(2)} 07:00", every="every mon and wed")
    svc.add_text("Pay rent", due=_day(12).isoformat(), every="every month until 2027-12-31")
    # Issue 15's fields, each in its own column: a project, wait, scheduled (a day and a
    # time) and until on a plain task, and a project and scheduled day on a series.
    shed = svc.add_text(
        f"Paint shed pro:home/garden wait:{_day(2)} sch:{_day(4)} until:{_day(40)}").id
    sweep = svc.add_text(f"Sweep sch:{_day(3)} at 9am project:home").id
    svc.add_text(f"Mow ^home/garden sch:{_day(1)}", due=_day(7).isoformat(), every="every week")
    # Subtasks and dependencies: a blocked subtask, a blocker done (links go by uuid).
    svc.add_text("Buy paint", parent=shed, depends=[sweep, done.id])
    drain(svc)


def _by_uuid(svc: TaskService) -> dict[str, dict[str, Any]]:
    rows = json.loads(svc.export("json"))
    uuid_of = {row["id"]: row["uuid"] for row in rows}
    for row in rows:  # ids differ between homes: links compare by uuid
        row["parent"] = uuid_of.get(row["parent"])
        row["depends"] = sorted(uuid_of[i] for i in row["depends"])
    return {row.pop("uuid"): {k: v for k, v in row.items() if k != "id"} for row in rows}


def test_our_export_goes_through_taskwarrior_and_back_unchanged(
    task: Taskwarrior, fresh: TaskService, second: TaskService, tmp_path: Path
) -> None:
    _populate(fresh)
    before = _by_uuid(fresh)
    path = tmp_path / "ours.json"
    path.write_text(fresh.export("taskwarrior"), encoding="utf-8")
    task("import", str(path))
    rows = task.tasks()
    # Taskwarrior sees one template per series it can repeat, and adds no instance of its own.
    assert sorted(r["description"] for r in rows if r["status"] == "recurring") == [
        "Haircut", "Mow", "Pay rent", "Water plants"]
    assert len(rows) == len(before) + 4
    # Taskwarrior reads the blockers: both uuids, and the pending one blocks the task.
    [paint] = [r for r in rows if r["description"] == "Buy paint"]
    assert len(paint["depends"]) == 2
    assert [r["description"] for r in json.loads(task("+BLOCKED", "export"))] == ["Buy paint"]

    second.import_text(task.export())
    after = _by_uuid(second)
    assert after == before
    shed = next(t for t in after.values() if t["title"] == "Paint shed")
    assert (shed["project"], shed["scheduled"]) == ("home/garden", _day(4).isoformat())
    assert shed["wait"] is not None and shed["until"] is not None
    paint = next(t for t in after.values() if t["title"] == "Buy paint")
    assert (paint["parent"], len(paint["depends"]), paint["blocked"]) == (
        next(u for u, t in after.items() if t["title"] == "Paint shed"), 2, True)
    passport = next(t for t in after.values() if t["title"] == "Renew passport")
    assert (passport["project"], passport["kept"]) == ("Admin/Papers", {"uda.estimate": 3})


def test_a_deleted_template_without_instances_is_not_lost() -> None:
    template = {"description": "old series", "status": "deleted", "recur": "weekly",
                "mask": "X", "due": "20261101T090000Z", "end": "20261102T090000Z",
                "uuid": "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0002"}
    [task] = taskwarrior.parse(json.dumps([template]), BERLIN)
    assert (task.title, task.status, task.kept["recur"]) == ("old series", Status.DELETED, "weekly")


def test_a_template_without_instances_becomes_the_current_one() -> None:
    template = {"description": "new series", "status": "recurring", "recur": "2w",
                "mask": "", "due": "20261101T090000Z",
                "uuid": "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0003"}
    [task] = taskwarrior.parse(json.dumps([template]), BERLIN)
    assert (task.status, task.recurrence, task.uuid) == (
        Status.PENDING, "FREQ=WEEKLY;INTERVAL=2", template["uuid"])
    assert "mask" not in task.kept


def test_the_occurrence_after_the_last_instance_is_made_once() -> None:
    series = "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0004"
    rows = [
        {"description": "s", "status": "recurring", "recur": "weekly", "mask": "+",
         "due": "20261101T090000Z", "uuid": series},
        {"description": "s", "status": "completed", "recur": "weekly", "parent": series,
         "imask": 0, "due": "20261101T090000Z", "end": "20261101T100000Z",
         "uuid": "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0005"},
    ]
    first = taskwarrior.parse(json.dumps(rows), BERLIN)
    assert [t.status for t in first] == [Status.COMPLETED, Status.PENDING]
    assert first[1].due == datetime(2026, 11, 8, 10, 0, tzinfo=BERLIN)
    assert taskwarrior.parse(json.dumps(rows), BERLIN)[1].uuid == first[1].uuid


def test_the_next_instance_keeps_fields_and_moves_its_own_dates(fresh: TaskService) -> None:
    rent = {"description": "Pay rent", "status": "pending", "recur": "monthly",
            "parent": "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0006", "due": "20261130T230000Z",
            "wait": "20261125T230000Z", "scheduled": "20261128T080000Z", "estimate": 3,
            "uuid": "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0007"}
    [task] = fresh.import_text(json.dumps([rent])).added
    assert task.due == date(2026, 12, 1)
    fresh.complete([task.id])
    drain(fresh)
    [following] = [t for t in _everything(fresh) if t.status is Status.PENDING]
    assert following.due == date(2027, 1, 1)
    # Taskwarrior moves a child's wait with its due (src/recur.cpp): so do we, by 31 days.
    assert following.wait == datetime(2026, 12, 27, tzinfo=BERLIN)
    assert following.scheduled == datetime(2026, 12, 29, 8, tzinfo=UTC)
    assert following.kept == {"uda.estimate": 3}


@pytest.mark.parametrize(
    ("rrule", "period"),
    [
        ("FREQ=DAILY", "daily"), ("FREQ=DAILY;INTERVAL=3", "3d"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "weekdays"), ("FREQ=WEEKLY", "weekly"),
        ("FREQ=WEEKLY;INTERVAL=2", "biweekly"), ("FREQ=WEEKLY;INTERVAL=5", "5w"),
        ("FREQ=MONTHLY", "monthly"), ("FREQ=MONTHLY;INTERVAL=3", "quarterly"),
        ("FREQ=MONTHLY;INTERVAL=4", "4m"), ("FREQ=YEARLY", "yearly"),
        ("FREQ=YEARLY;INTERVAL=3", "36m"),
        ("FREQ=WEEKLY;BYDAY=MO,WE", None), ("FREQ=MONTHLY;BYMONTHDAY=-1", None),
        ("FREQ=DAILY;COUNT=3", None),
    ],
)
def test_we_write_periods_taskwarrior_steps_by_the_calendar(
    rrule: str, period: str | None
) -> None:
    assert tw_periods.period_of(rrule) == period
    if period is not None:
        # Every 3 years reads back as every 36 months: the same dates, so the export adds
        # our own rule (todo_rrule) to give back the spelling too.
        back = "FREQ=MONTHLY;INTERVAL=36" if period == "36m" else rrule
        assert tw_periods.rrule_of(period) == back


def test_taskwarrior_steps_the_months_we_write_by_the_calendar(task: Taskwarrior) -> None:
    # Jan 31 every 4 months: Taskwarrior's own next instances fall on the last day of May.
    period = tw_periods.period_of("FREQ=MONTHLY;INTERVAL=4")
    task("add", "x", "due:2027-01-31T12:00", f"recur:{period}")
    task("rc.recurrence.limit=3", "list")
    dues = sorted(r["due"] for r in task.tasks() if r["status"] == "pending")
    assert dues[:3] == ["20270131T110000Z", "20270531T100000Z", "20270930T100000Z"]


def test_an_error_in_an_instance_names_that_instance() -> None:
    series = "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0008"
    rows = [
        {"description": "s", "status": "recurring", "recur": "weekly", "mask": "--",
         "due": "20261101T090000Z", "uuid": series},
        {"description": "other", "status": "pending"},
        {"description": "s", "status": "pending", "recur": "weekly", "parent": series,
         "imask": 1, "due": "2026-11-08", "uuid": "0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0009"},
    ]
    with pytest.raises(BadInput) as caught:
        taskwarrior.parse(json.dumps(rows), BERLIN)
    assert caught.value.message.startswith(
        "task 3 (uuid 0b9f6a52-7c1e-4c8e-9d51-1d3c2b7a0009): invalid 'due' date '2026-11-08'")
