"""Import and export formats: round trips, real-world samples, detection and bad input."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from core.creation import TaskCreate
from core.errors import BadInput
from core.formats import detect, ical, jsonfmt, parse_any, taskwarrior, todotxt
from core.priorities import Priority
from core.schemas import ReminderRead, ReminderState, Status, TaskRead

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
TODAY = date(2026, 11, 20)
UUID_1 = "1eef7c45-81e7-4e61-a356-aa1b3f1be4a8"
UUID_2 = "57f9ed95-54c3-46c7-aba6-96b3c190f915"
UUID_3 = "29182fa4-5cf6-4858-a7e1-711eb4489c86"
UUID_4 = "96edf3d2-ef40-4fed-aea7-a529f4592842"
UUID_5 = "93083882-e1d9-427a-91d2-0d4a968eb6f2"
UUID_6 = "c099f31e-5558-4d38-9a29-bcd024ca3072"


def make_task(**changes: Any) -> TaskRead:
    """A plain pending task; tests override only the fields they are about."""
    task = TaskRead(
        id=7,
        uuid=UUID_1,
        title="Plant tulips",
        notes=None,
        status=Status.PENDING,
        priority=Priority.NONE,
        tags=(),
        due=None,
        created=datetime(2026, 11, 1, 8, 15, tzinfo=UTC),
        updated=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        completed=None,
    )
    return dataclasses.replace(task, **changes)


def imported_fields(task: TaskRead | TaskCreate) -> dict[str, Any]:
    """The fields an import carries, with the due's kind so all-day never equals a datetime."""
    names = ("uuid", "title", "notes", "status", "priority", "tags", "due", "created",
             "updated", "completed")
    fields = {name: getattr(task, name) for name in names}
    fields["due kind"] = type(task.due).__name__
    return fields


def bad_input(call: Any, *args: Any) -> str:
    """Run `call` expecting BadInput; return its message."""
    with pytest.raises(BadInput) as caught:
        call(*args)
    return caught.value.message


# --- our JSON ----------------------------------------------------------------------------


def test_task_to_dict_has_the_documented_keys_in_order() -> None:
    task = make_task(
        notes="by the fence",
        priority=Priority.HIGH,
        tags=("garden", "home"),
        due=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
        recurrence="FREQ=WEEKLY",
        reminders=(
            ReminderRead(datetime(2026, 12, 1, 7, 0, tzinfo=UTC), "PT1H", ReminderState.PENDING),
        ),
    )
    task = replace(task, project="home/garden", wait=datetime(2026, 11, 29, 23, tzinfo=UTC),
                   scheduled=date(2026, 11, 30), parent=3, depends=(4, 5), blocked=True,
                   children=2)
    shape = jsonfmt.task_to_dict(task, PARIS)
    assert list(shape) == [
        "id", "title", "notes", "status", "priority", "tags", "due", "recurrence",
        "reminders", "created", "updated", "completed", "uuid", "recurrence_from", "kept",
        "project", "wait", "scheduled", "until", "parent", "depends", "blocked", "children",
    ]
    assert shape == {
        "id": 7,
        "title": "Plant tulips",
        "notes": "by the fence",
        "status": "pending",
        "priority": "high",
        "tags": ["garden", "home"],
        "due": "2026-12-01T09:00:00+01:00",
        "recurrence": "FREQ=WEEKLY",
        "reminders": [{"at": "2026-12-01T08:00:00+01:00", "before": "PT1H", "state": "pending"}],
        "created": "2026-11-01T09:15:00+01:00",
        "updated": "2026-11-02T10:30:00+01:00",
        "completed": None,
        "uuid": UUID_1,
        "recurrence_from": "due",
        "kept": {},
        "project": "home/garden",
        "wait": "2026-11-30T00:00:00+01:00",
        "scheduled": "2026-11-30",
        "until": None,
        "parent": 3,
        "depends": [4, 5],
        "blocked": True,
        "children": 2,
    }


def test_task_to_dict_writes_an_all_day_due_as_a_bare_date() -> None:
    shape = jsonfmt.task_to_dict(make_task(due=date(2026, 12, 1)), NEW_YORK)
    assert shape["due"] == "2026-12-01"


def test_task_to_dict_uses_the_offset_in_force_on_that_day() -> None:
    summer = make_task(due=datetime(2026, 7, 1, 7, 0, tzinfo=UTC))
    assert jsonfmt.task_to_dict(summer, PARIS)["due"] == "2026-07-01T09:00:00+02:00"


def test_dumps_writes_one_object_per_line_without_escaping_unicode() -> None:
    tasks = [make_task(title="Café ☕"), make_task(id=8, uuid=UUID_2, title="Second")]
    text = jsonfmt.dumps(tasks, PARIS)
    lines = text.splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert json.loads(lines[1].rstrip(",")) == jsonfmt.task_to_dict(tasks[0], PARIS)
    assert "Café ☕" in text
    assert [t["id"] for t in json.loads(text)] == [7, 8]


def test_dumps_one_is_a_single_line_object() -> None:
    text = jsonfmt.dumps_one(make_task(notes="two\nlines"), PARIS)
    assert "\n" not in text
    assert json.loads(text)["notes"] == "two\nlines"


def test_dumps_of_nothing_is_an_empty_array_that_parses_back() -> None:
    assert jsonfmt.dumps([], PARIS) == "[]"
    assert jsonfmt.parse("[]") == []


@pytest.mark.parametrize(
    "due",
    [
        None,
        date(2026, 12, 1),
        datetime(2026, 12, 1, 0, 0, tzinfo=PARIS),  # local midnight: still a datetime
        datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
        datetime(2026, 7, 1, 23, 30, tzinfo=NEW_YORK),
    ],
    ids=["none", "all-day", "local-midnight", "paris-datetime", "new-york-datetime"],
)
@pytest.mark.parametrize("zone", [PARIS, NEW_YORK, UTC], ids=["paris", "new-york", "utc"])
def test_json_round_trip_is_lossless(due: date | None, zone: Any) -> None:
    task = make_task(
        notes="bulbs in the shed\nask Ana",
        status=Status.COMPLETED,
        priority=Priority.MEDIUM,
        tags=("garden", "home"),
        due=due,
        completed=datetime(2026, 11, 3, 17, 45, 12, tzinfo=UTC),
    )
    [back] = jsonfmt.parse(jsonfmt.dumps([task], zone))
    assert imported_fields(back) == imported_fields(task)


def test_json_parse_returns_utc_datetimes() -> None:
    [back] = jsonfmt.parse('[{"title": "x", "due": "2026-12-01T09:00:00+01:00"}]')
    assert back.due == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert isinstance(back.due, datetime) and back.due.tzinfo is UTC


def test_json_parse_fills_defaults_for_missing_keys() -> None:
    [back] = jsonfmt.parse('[{"title": "  Just a title  "}]')
    assert back == TaskCreate(title="Just a title")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[{"title": "a"},\n {"title": "b" "c"}]', "invalid JSON at line 2, column 16"),
        (
            f'[{{"title": "a"}}, {{"title": "b", "uuid": "{UUID_2}", "status": "foo"}}]',
            f"task 2 (uuid {UUID_2}): unknown status 'foo'",
        ),
        ('[{"title": "a", "due": "2026-02-30"}]', "task 1: invalid due date '2026-02-30'"),
        ('[{"title": "a", "due": "2026-12-01T09:00"}]', "task 1: invalid due date"),
        ('[{"title": "a", "priority": "urgent"}]', "task 1: unknown priority 'urgent'"),
        ('[{"title": "a", "tags": ["ok", "9lives"]}]', "task 1: invalid tag '9lives'"),
        ('[{"title": "a", "tags": "home"}]', "task 1: 'tags' must be a list of strings"),
        ('[{"title": "a", "created": "yesterday"}]', "task 1: invalid 'created' date-time"),
        ('[{"title": "a", "uuid": "not-a-uuid"}]', "task 1 (uuid not-a-uuid): invalid uuid"),
        ('[{"notes": "no title"}]', "task 1: missing 'title'"),
        ('[{"title": 3}]', "task 1: 'title' must be a string, not 3"),
        ('[{"title": "a"}, 42]', "task 2: expected an object, not 42"),
        ('{"tasks": 1}', "task 1: missing 'title'"),
    ],
)
def test_json_parse_names_the_bad_part(text: str, expected: str) -> None:
    assert bad_input(jsonfmt.parse, text).startswith(expected)


# --- Taskwarrior -------------------------------------------------------------------------

# What `task export` printed (Taskwarrior 2.6), as objects so the lines stay readable:
# a project, annotations, H/M/L, a completed, a deleted, a recurring parent and its child.
TASKWARRIOR_TASKS: list[dict[str, Any]] = [
    {"id": 1, "description": "Plant tulips by the fence", "due": "20261130T230000Z",
     "entry": "20261101T081500Z", "modified": "20261102T093000Z", "priority": "H",
     "project": "home.garden", "status": "pending", "uuid": UUID_1,
     "tags": ["outside", "Weekend"],
     "annotations": [
         {"entry": "20261101T082000Z", "description": "bulbs are in the shed"},
         {"entry": "20261102T093000Z", "description": "ask Ana about the red ones"},
     ],
     "urgency": 14.2},
    {"id": 0, "description": "File taxes", "end": "20260415T170000Z",
     "entry": "20260301T090000Z", "modified": "20260415T170000Z", "priority": "M",
     "status": "completed", "uuid": UUID_2, "urgency": 3.9},
    {"id": 0, "description": "Learn the banjo", "end": "20260110T120000Z",
     "entry": "20260105T120000Z", "modified": "20260110T120000Z", "status": "deleted",
     "uuid": UUID_3, "tags": ["2do", "someday"]},
    {"id": 2, "description": "Water the plants", "due": "20261102T180000Z",
     "entry": "20261026T180000Z", "mask": "--+-", "modified": "20261102T180000Z",
     "priority": "L", "recur": "weekly", "rtype": "periodic", "status": "recurring",
     "uuid": UUID_4},
    {"id": 3, "description": "Water the plants", "due": "20261109T180000Z",
     "entry": "20261102T180000Z", "imask": 3, "modified": "20261102T180000Z",
     "parent": UUID_4, "recur": "weekly", "rtype": "periodic", "status": "pending",
     "uuid": UUID_5, "urgency": 8.1},
    {"id": 4, "description": "Renew passport", "entry": "20261101T081500Z",
     "modified": "20261101T081500Z", "project": "Admin", "status": "waiting",
     "wait": "20270101T000000Z", "uuid": UUID_6, "urgency": -3.0},
]
TASKWARRIOR_EXPORT = (
    "[\n"
    + ",\n".join(json.dumps(t, separators=(",", ":")) for t in TASKWARRIOR_TASKS)
    + "\n]\n"
)


def test_taskwarrior_export_maps_every_field() -> None:
    tulips, taxes, banjo, child, passport = taskwarrior.parse(TASKWARRIOR_EXPORT)
    assert tulips == TaskCreate(
        title="Plant tulips by the fence",
        notes="bulbs are in the shed\nask Ana about the red ones",
        priority=Priority.HIGH,
        tags=("outside", "weekend"),
        due=datetime(2026, 11, 30, 23, 0, tzinfo=UTC),
        uuid=UUID_1,
        status=Status.PENDING,
        created=datetime(2026, 11, 1, 8, 15, tzinfo=UTC),
        updated=datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
        completed=None,
        project="home/garden",
    )
    assert (taxes.status, taxes.priority) == (Status.COMPLETED, Priority.MEDIUM)
    assert taxes.completed == datetime(2026, 4, 15, 17, 0, tzinfo=UTC)
    assert banjo.status is Status.DELETED
    assert banjo.completed is None  # its `end` is the deletion time
    assert banjo.tags == ("someday",)  # "2do" cannot be a tag
    # The template is the series, not a task: its one pending child is the current instance.
    assert (child.status, child.uuid) == (Status.PENDING, UUID_5)
    assert (child.recurrence, child.series_id) == ("FREQ=WEEKLY", UUID_4)
    assert child.recur_start == datetime(2026, 11, 2, 18, 0, tzinfo=UTC)
    assert (passport.status, passport.tags, passport.notes) == (Status.PENDING, (), None)
    assert (passport.project, passport.kept) == ("Admin", {})
    assert passport.wait == datetime(2027, 1, 1, tzinfo=UTC)


def test_taskwarrior_due_at_local_midnight_is_an_all_day_date() -> None:
    [tulips] = taskwarrior.parse(TASKWARRIOR_EXPORT, PARIS)[:1]
    assert tulips.due == date(2026, 12, 1)
    [in_utc] = taskwarrior.parse(TASKWARRIOR_EXPORT)[:1]
    assert in_utc.due == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def test_taskwarrior_accepts_one_object_per_line() -> None:
    lines = (
        f'{{"description":"First","status":"pending","uuid":"{UUID_1}"}},\n'
        f'{{"description":"Second","status":"completed","uuid":"{UUID_2}",'
        '"end":"20261101T100000Z"}\n'
    )
    first, second = taskwarrior.parse(lines)
    assert (first.title, second.title) == ("First", "Second")
    assert second.completed == datetime(2026, 11, 1, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("project", "path"),
    [("home.garden", "home/garden"), ("Work Stuff", "Work Stuff"), ("Café", "Café"),
     ("2026", "2026"), ("日本", "日本"), ("☕", "☕")],
)
def test_taskwarrior_projects_become_projects_not_tags(project: str, path: str) -> None:
    [task] = taskwarrior.parse(json.dumps([{"description": "x", "project": project}]))
    assert (task.project, task.tags, task.kept) == (path, (), {})


def test_a_taskwarrior_project_we_cannot_hold_is_kept_as_written() -> None:
    [task] = taskwarrior.parse(json.dumps([{"description": "x", "project": "a..b"}]))
    assert (task.project, task.kept) == (None, {"project": "a..b"})


def test_taskwarrior_until_outside_a_series_is_the_tasks_own() -> None:
    [task] = taskwarrior.parse(json.dumps([
        {"description": "x", "until": "20270101T120000Z", "scheduled": "20261231T230000Z"}]),
        PARIS)
    assert task.until == datetime(2027, 1, 1, 12, tzinfo=UTC)
    assert task.scheduled == date(2027, 1, 1)
    assert task.kept == {}


@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"description": "x", "uuid": UUID_3, "status": "foo"},
         f"task 1 (uuid {UUID_3}): unknown status 'foo'"),
        ({"description": "x", "due": "20261301T090000Z"}, "task 1: invalid 'due' date"),
        ({"description": "x", "priority": "Z"}, "task 1: unknown priority 'Z'"),
        ({"status": "pending"}, "task 1: missing 'description'"),
        ({"description": "x", "annotations": [{"description": 5}]},
         "task 1: annotation 1: 'description' must be a string"),
    ],
)
def test_taskwarrior_names_the_bad_part(obj: dict[str, Any], expected: str) -> None:
    assert bad_input(taskwarrior.parse, json.dumps([obj])).startswith(expected)


# --- todo.txt ----------------------------------------------------------------------------

TODO_TXT = """\
(A) 2026-11-01 Call the plumber +home @phone due:2026-11-21
x 2026-11-20 2026-11-01 Pay rent +home pri:B

(C) Read chapter 3 @train
(D) Sort photos
(a) lowercase is not a priority
x 2026-11-19 Renew library card
x Recycle batteries
Check https://example.com/docs t:2026-11-25 +web.site
"""


def test_todotxt_sample() -> None:
    tasks = todotxt.parse(TODO_TXT, TODAY)
    plumber, rent, chapter, photos, lowercase, card, batteries, docs = tasks
    assert (plumber.title, plumber.priority, plumber.tags, plumber.due) == (
        "Call the plumber", Priority.HIGH, ("home", "phone"), date(2026, 11, 21))
    assert plumber.created == datetime(2026, 11, 1, tzinfo=UTC)
    assert (plumber.status, plumber.completed) == (Status.PENDING, None)
    assert (rent.status, rent.priority) == (Status.COMPLETED, Priority.MEDIUM)
    assert rent.title == "Pay rent"
    assert rent.completed == datetime(2026, 11, 20, tzinfo=UTC)
    assert rent.created == datetime(2026, 11, 1, tzinfo=UTC)
    assert (chapter.priority, chapter.tags, chapter.created) == (Priority.LOW, ("train",), None)
    assert photos.priority is Priority.LOW
    assert lowercase.title == "(a) lowercase is not a priority"
    assert lowercase.priority is Priority.NONE
    # A single date after x is the completion date.
    assert (card.completed, card.created) == (datetime(2026, 11, 19, tzinfo=UTC), None)
    assert batteries.completed == datetime(2026, 11, 20, tzinfo=UTC)
    # Unknown key:value pairs and URLs stay in the title; only tags leave it.
    assert (docs.title, docs.tags) == ("Check https://example.com/docs", ("web-site",))
    assert docs.kept == {}
    assert docs.wait == datetime(2026, 11, 25, tzinfo=UTC)  # the threshold: hidden until then


def test_todotxt_uuids_are_stable_across_imports_and_whitespace() -> None:
    first = [t.uuid for t in todotxt.parse(TODO_TXT, TODAY)]
    again = [t.uuid for t in todotxt.parse(TODO_TXT.replace(" ", "  "), date(2030, 1, 1))]
    assert first == again
    assert len(set(first)) == len(first)
    assert all(u is not None for u in first)


def test_todotxt_dumps() -> None:
    tasks = [
        make_task(priority=Priority.HIGH, tags=("home", "phone"), notes="dropped",
                  due=datetime(2026, 11, 21, 18, 0, tzinfo=PARIS)),
        make_task(title="Pay\nrent", status=Status.COMPLETED, priority=Priority.MEDIUM,
                  completed=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
        make_task(title="Gone", status=Status.DELETED),
        make_task(title="Plain", due=date(2026, 12, 24)),
    ]
    assert todotxt.dumps(tasks) == (
        "(A) 2026-11-01 Plant tulips +home +phone due:2026-11-21\n"
        "x 2026-11-20 2026-11-01 Pay rent pri:B\n"
        "2026-11-01 Plain due:2026-12-24\n"
    )
    assert todotxt.dumps([]) == ""


def test_todotxt_round_trip_keeps_what_the_format_can_hold() -> None:
    tasks = [
        make_task(priority=Priority.LOW, tags=("garden",), due=date(2026, 12, 1),
                  created=datetime(2026, 11, 1, tzinfo=UTC)),
        make_task(title="Done", status=Status.COMPLETED, priority=Priority.HIGH,
                  created=datetime(2026, 10, 1, tzinfo=UTC),
                  completed=datetime(2026, 10, 2, tzinfo=UTC)),
    ]
    back = todotxt.parse(todotxt.dumps(tasks), TODAY)
    kept = ("title", "status", "priority", "tags", "due", "created", "completed")
    for original, parsed in zip(tasks, back, strict=True):
        assert {k: getattr(parsed, k) for k in kept} == {k: getattr(original, k) for k in kept}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb\n(A) c due:2026-02-30", "line 3: invalid due date '2026-02-30'"),
        ("\n\n(B) 2026-13-01 thing", "line 3: invalid creation date '2026-13-01'"),
        ("x 2026-02-29 thing", "line 1: invalid completion date '2026-02-29'"),
        ("ok\n+home @phone", "line 2: the task has no description"),
    ],
)
def test_todotxt_names_the_bad_line(text: str, expected: str) -> None:
    assert bad_input(todotxt.parse, text, TODAY).startswith(expected)


# --- iCalendar ---------------------------------------------------------------------------


def exported_todo(task: TaskRead, tz: Any = PARIS) -> tuple[str, Any]:
    """Export one task and read it back with icalendar itself, not with our parser."""
    text = ical.dumps([task], tz)
    cal = Calendar.from_ical(text)
    [todo] = cal.walk("VTODO")
    return text, todo


def test_ical_export_field_by_field() -> None:
    task = make_task(
        notes="bulbs in the shed",
        status=Status.COMPLETED,
        priority=Priority.HIGH,
        tags=("garden", "home"),
        due=datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
        completed=datetime(2026, 11, 3, 17, 45, tzinfo=UTC),
    )
    text, todo = exported_todo(task)
    cal = Calendar.from_ical(text)
    assert (str(cal["VERSION"]), str(cal["PRODID"])) == ("2.0", ical.PRODID)
    assert str(todo["UID"]) == UUID_1
    assert str(todo["SUMMARY"]) == "Plant tulips"
    assert str(todo["DESCRIPTION"]) == "bulbs in the shed"
    assert str(todo["STATUS"]) == "COMPLETED"
    assert int(todo["PRIORITY"]) == 1
    assert [str(c) for c in todo.categories] == ["garden", "home"]
    assert "DUE:20261201T080000Z" in text.splitlines()
    assert todo["DUE"].dt == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    assert todo["CREATED"].dt == datetime(2026, 11, 1, 8, 15, tzinfo=UTC)
    assert todo["LAST-MODIFIED"].dt == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    assert todo["DTSTAMP"].dt == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    assert todo["COMPLETED"].dt == datetime(2026, 11, 3, 17, 45, tzinfo=UTC)
    assert "RRULE" not in todo


def test_ical_all_day_due_is_a_date_value() -> None:
    text, todo = exported_todo(make_task(due=date(2026, 12, 1)))
    assert "DUE;VALUE=DATE:20261201" in text.splitlines()
    assert todo["DUE"].dt == date(2026, 12, 1)
    assert "DESCRIPTION" not in todo and "CATEGORIES" not in todo and "COMPLETED" not in todo


@pytest.mark.parametrize(
    ("status", "priority", "ical_status", "ical_priority"),
    [
        (Status.PENDING, Priority.NONE, "NEEDS-ACTION", 0),
        (Status.PENDING, Priority.LOW, "NEEDS-ACTION", 9),
        (Status.DELETED, Priority.MEDIUM, "CANCELLED", 5),
        (Status.COMPLETED, Priority.HIGH, "COMPLETED", 1),
    ],
)
def test_ical_status_and_priority(
    status: Status, priority: Priority, ical_status: str, ical_priority: int
) -> None:
    _, todo = exported_todo(make_task(status=status, priority=priority))
    assert (str(todo["STATUS"]), int(todo["PRIORITY"])) == (ical_status, ical_priority)


def test_ical_recurring_due_keeps_its_local_zone() -> None:
    task = make_task(due=datetime(2026, 12, 1, 9, 0, tzinfo=PARIS), recurrence="FREQ=WEEKLY")
    text, todo = exported_todo(task)
    assert "DUE;TZID=Europe/Paris:20261201T090000" in text.splitlines()
    assert "BEGIN:VTIMEZONE" in text
    assert dict(todo["RRULE"]) == {"FREQ": ["WEEKLY"]}


def test_ical_round_trip() -> None:
    tasks = [
        make_task(notes="line one\nline two; with, punctuation", priority=Priority.MEDIUM,
                  tags=("garden",), due=datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)),
        make_task(uuid=UUID_2, title="Done", status=Status.COMPLETED, due=date(2026, 11, 2),
                  completed=datetime(2026, 11, 3, 17, 45, tzinfo=UTC)),
        make_task(uuid=UUID_3, title="Dropped", status=Status.DELETED, priority=Priority.LOW),
    ]
    back = ical.parse(ical.dumps(tasks, PARIS))
    assert [imported_fields(t) for t in back] == [imported_fields(t) for t in tasks]


FOREIGN_ICS = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
BEGIN:VEVENT
UID:event-1@example.com
SUMMARY:A meeting, not a task
DTSTART:20261201T090000Z
END:VEVENT
BEGIN:VTODO
UID:20261101-abc@example.com
SUMMARY:Floating due
DUE:20261201T090000
PRIORITY:3
STATUS:IN-PROCESS
CATEGORIES:Work Stuff,home
END:VTODO
BEGIN:VTODO
UID:second@example.com
SUMMARY:Completed without status
PRIORITY:7
COMPLETED:20261102T100000Z
END:VTODO
END:VCALENDAR
"""


def test_ical_parse_foreign_calendar() -> None:
    floating, done = ical.parse(FOREIGN_ICS, tz=PARIS)
    assert floating.due == datetime(2026, 12, 1, 9, 0, tzinfo=PARIS)
    assert (floating.priority, floating.status) == (Priority.HIGH, Status.PENDING)
    assert floating.tags == ("home", "work-stuff")
    assert (done.priority, done.status) == (Priority.LOW, Status.COMPLETED)
    # Non-UUID UIDs are hashed into stable, distinct UUIDs.
    again = ical.parse(FOREIGN_ICS, tz=PARIS)
    assert [t.uuid for t in again] == [floating.uuid, done.uuid]
    assert floating.uuid != done.uuid


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("SUMMARY:x\nPRIORITY:12", "task 1: invalid PRIORITY '12'"),
        ("UID:u1\nSUMMARY:x\nSTATUS:MAYBE", "task 1 (uid u1): unknown STATUS 'MAYBE'"),
        ("SUMMARY:a\nSUMMARY:b", "task 1: SUMMARY appears 2 times"),
        ("DESCRIPTION:no summary", "task 1: missing SUMMARY"),
        ("SUMMARY:x\nDUE:20261301",
         "invalid iCalendar at line 5 (DUE): Wrong date format 20261301"),
        ("SUMMARY:x\nDUE;VALUE=D,TE:20261201", "invalid iCalendar at line 5 (DUE)"),
    ],
)
def test_ical_names_the_bad_part(body: str, expected: str) -> None:
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTODO\n{body}\nEND:VTODO\nEND:VCALENDAR\n"
    assert bad_input(ical.parse, text).startswith(expected)


# --- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[{"id": 1, "title": "x", "description": "y"}]', "json"),
        ("[]", "json"),
        ('[{"title": "a",, }]', "json"),
        (TASKWARRIOR_EXPORT, "taskwarrior"),
        ('{"description":"a","status":"pending"},\n{"description":"b"}\n', "taskwarrior"),
        ('[{"description": "broken" ]', "taskwarrior"),
        ("\ufeff\n  BEGIN:VCALENDAR\nEND:VCALENDAR\n", "ical"),
        (TODO_TXT, "todotxt"),
        ("[urgent] call Bob\n", "todotxt"),
        ("", "todotxt"),
    ],
)
def test_detect(text: str, expected: str) -> None:
    assert detect(text) == expected


def test_parse_any_dispatches_to_each_format() -> None:
    ours = jsonfmt.dumps([make_task()], PARIS)
    ics = ical.dumps([make_task()], PARIS)
    assert parse_any(ours, TODAY) == ("json", jsonfmt.parse(ours))
    assert parse_any(TASKWARRIOR_EXPORT, TODAY) == (
        "taskwarrior", taskwarrior.parse(TASKWARRIOR_EXPORT))
    assert parse_any(TODO_TXT, TODAY) == ("todotxt", todotxt.parse(TODO_TXT, TODAY))
    assert parse_any("\ufeff" + ics, TODAY) == ("ical", ical.parse(ics))


def test_parse_any_reports_broken_json_with_its_position() -> None:
    message = bad_input(parse_any, '[\n  {"title": "a"}\n  {"title": "b"}\n]', TODAY)
    assert message.startswith("invalid JSON at line 3, column 3")


def test_importing_formats_does_not_load_icalendar() -> None:
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    probe = "import sys, core.formats; print('icalendar' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("word", "rrule", "from_completion"),
    [
        ("rec:1d", "FREQ=DAILY", True), ("rec:2w", "FREQ=WEEKLY;INTERVAL=2", True),
        ("rec:3m", "FREQ=MONTHLY;INTERVAL=3", True), ("rec:1y", "FREQ=YEARLY", True),
        ("rec:+1m", "FREQ=MONTHLY", False), ("rec:+2w", "FREQ=WEEKLY;INTERVAL=2", False),
        ("rec:1b", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", True),
        ("rec:+1b", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", False),
    ],
)
def test_todotxt_rec_is_strict_from_the_due_date_else_from_completion(
    word: str, rrule: str, from_completion: bool
) -> None:
    [task] = todotxt.parse(f"Water plants due:2026-11-25 {word}", TODAY)
    assert (task.title, task.recurrence, task.recur_from_completion) == (
        "Water plants", rrule, from_completion)
    assert todotxt.dumps([make_task(recurrence=rrule, recur_from_completion=from_completion,
                                    due=date(2026, 11, 25))]).split()[-1] == word


@pytest.mark.parametrize("word", ["rec:0d", "rec:2b", "rec:1x", "rec:w", "rec:+"])
def test_todotxt_rec_we_cannot_read_stays_in_the_title(word: str) -> None:
    [task] = todotxt.parse(f"Water plants {word}", TODAY)
    assert (task.title, task.recurrence) == (f"Water plants {word}", None)


def test_todotxt_days_are_the_start_of_the_day_in_the_users_zone() -> None:
    [task] = todotxt.parse("x 2026-11-20 2026-11-01 Buy seeds", TODAY, PARIS)
    assert task.created == datetime(2026, 11, 1, tzinfo=PARIS)
    assert task.completed == datetime(2026, 11, 20, tzinfo=PARIS)
    # Exported in that zone, the days are the ones written (in UTC they are the day before).
    done = make_task(title="Buy seeds", status=Status.COMPLETED,
                     created=task.created.astimezone(UTC), completed=task.completed)
    assert todotxt.dumps([done], PARIS) == "x 2026-11-20 2026-11-01 Buy seeds\n"
