"""Projects, wait, scheduled and until through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.changes import TaskUpdate
from core.errors import BadInput, NotFound
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import BERLIN, Clock
from tests.core.test_service import outbox


def ids(svc: TaskService, **criteria: object) -> list[int]:
    return [t.id for t in svc.list_tasks(TaskFilter(sort="id", **criteria))]  # type: ignore[arg-type]


def test_quick_add_fields_are_stored(svc: TaskService) -> None:
    task = svc.add_text("paint pro:home/garden wait:tue sch:mon until:dec 31")
    again = svc.get(task.id)
    assert again.project == "home/garden"
    assert again.wait == datetime(2026, 11, 24, tzinfo=BERLIN)
    assert again.scheduled == date(2026, 11, 23)
    assert again.until == datetime(2027, 1, 1, tzinfo=BERLIN)


def test_project_filter_is_by_segment_and_escapes_wildcards(svc: TaskService) -> None:
    a = svc.add_text("a project:a_b").id
    sub = svc.add_text("b project:a_b/c").id
    svc.add_text("c project:axb")
    svc.add_text("d project:a_bc")
    assert ids(svc, project="a_b") == [a, sub]
    pct = svc.add_text("e project:50%").id
    svc.add_text("f project:500")
    assert ids(svc, project="50%") == [pct]


def test_waiting_tasks_are_hidden_until_their_moment(svc: TaskService, clock: Clock) -> None:
    waiting = svc.add_text("w wait:tomorrow").id
    plain = svc.add_text("p").id
    assert ids(svc) == [plain]
    assert ids(svc, waiting=True) == [waiting]
    assert svc.count(TaskFilter()) == 1
    assert ids(svc, status="all") == [waiting, plain]
    clock.advance(days=1)
    assert ids(svc) == [waiting, plain]
    assert ids(svc, waiting=True) == []


def test_today_includes_scheduled_today_or_earlier(svc: TaskService) -> None:
    past = svc.add_text("past sch:2026-11-01").id
    now = svc.add_text("now sch:today at 23:00").id
    svc.add_text("later sch:tomorrow")
    due = svc.add_text("d due today").id
    assert ids(svc, today=True) == [past, now, due]


def test_edit_is_one_event_and_undoable(svc: TaskService) -> None:
    task = svc.add_text("x")
    svc.update([task.id], TaskUpdate(project="work", wait=date(2026, 12, 1),
                                     scheduled=date(2026, 12, 2), until=date(2026, 12, 3)))
    edited = svc.get(task.id)
    assert edited.until == datetime(2026, 12, 4, tzinfo=BERLIN)
    etype, _, data = outbox(svc)[-1]
    assert etype == "todo.task.updated"
    assert set(data["changes"]) == {"project", "wait", "scheduled", "until"}
    assert data["changes"]["project"] == {"old": None, "new": "work"}
    assert data["task"]["until"] == "2026-12-04T00:00:00+01:00"
    svc.update([task.id], TaskUpdate(project=None, wait=None))
    assert (svc.get(task.id).project, svc.get(task.id).wait) == (None, None)
    svc.undo()
    assert svc.get(task.id).project == "work"
    svc.undo()
    assert svc.get(task.id).scheduled is None


def test_bad_project_on_edit_names_the_part(svc: TaskService) -> None:
    task = svc.add_text("x")
    with pytest.raises(BadInput, match="empty part"):
        svc.update([task.id], TaskUpdate(project="a//b"))


def test_project_tree_counts_pending_only(svc: TaskService) -> None:
    svc.add_text("a project:home")
    svc.add_text("b project:home/garden")
    done = svc.add_text("c project:home/garden")
    svc.complete([done.id])
    (home,) = svc.project_tree()
    assert (home.path, home.own, home.total) == ("home", 1, 2)
    assert [(c.path, c.own) for c in home.children] == [("home/garden", 1)]


def test_rename_moves_sub_projects_and_all_statuses_in_one_undo(svc: TaskService) -> None:
    a = svc.add_text("a project:home").id
    b = svc.add_text("b project:home/garden").id
    c = svc.add_text("c project:homework").id
    svc.complete([b])
    moved = svc.rename_project("home", "house")
    assert sorted(t.id for t in moved) == [a, b]
    projects = {i: svc.get(i).project for i in (a, b, c)}
    assert projects == {a: "house", b: "house/garden", c: "homework"}
    assert svc.undo().kind == "project-rename"
    assert {i: svc.get(i).project for i in (a, b, c)} == {
        a: "home", b: "home/garden", c: "homework"}


def test_rename_errors(svc: TaskService) -> None:
    svc.add_text("a project:home")
    with pytest.raises(NotFound):
        svc.rename_project("nothing", "x")
    with pytest.raises(BadInput, match="own sub-project"):
        svc.rename_project("home", "home/inner")


def test_json_export_and_import_round_trip_the_fields(svc: TaskService) -> None:
    svc.add_text("x pro:home wait:tue sch:mon at 9am until:fri")
    text = svc.export("json", TaskFilter(status="all"))
    other = svc.for_owner("bob")
    other.import_text(text)
    (copy,) = other.list_tasks(TaskFilter(status="all"))
    (orig,) = svc.list_tasks(TaskFilter(status="all"))
    assert (copy.project, copy.wait, copy.scheduled, copy.until) == (
        orig.project, orig.wait, orig.scheduled, orig.until)
    assert orig.scheduled == datetime(2026, 11, 23, 9, tzinfo=BERLIN)
    assert orig.until == datetime(2026, 11, 27, tzinfo=BERLIN) + timedelta(days=1)


def test_ical_carries_project_as_category_and_scheduled_as_dtstart(svc: TaskService) -> None:
    svc.add_text("x pro:home/garden sch:mon #green", due="fri")
    svc.add_text("y sch:tue at 9am")
    text = svc.export("ical", TaskFilter(status="all", sort="id"))
    assert "CATEGORIES:green,home/garden" in text
    assert "DTSTART;VALUE=DATE:20261123" in text
    other = svc.for_owner("bob")
    other.import_text(text)
    x, y = other.list_tasks(TaskFilter(status="all", sort="id"))
    assert (x.project, x.tags, x.scheduled, x.due) == (
        "home/garden", ("green",), date(2026, 11, 23), date(2026, 11, 27))
    assert (y.scheduled, y.due) == (datetime(2026, 11, 24, 9, tzinfo=BERLIN), None)


def test_todotxt_writes_the_project_and_wait(svc: TaskService) -> None:
    svc.add_text("x pro:home/garden wait:tue #green")
    line = svc.export("todotxt", TaskFilter(status="all"))
    assert line.endswith("x +green +home/garden t:2026-11-24\n")
