"""iCalendar (RFC 5545) both ways: our export checked by an independent expander
(recurring-ical-events), round trips through a fresh home, and files from other apps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time
from itertools import islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from core import open_service, recurrence
from core.errors import BadInput
from core.formats import ical
from core.priorities import Priority
from core.queries import series as series_rows
from core.recurrence.instances import Series, rule_of, start_of, start_series
from core.schemas import Due, Status, TaskRead
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import Clock, complete, make_settings

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
OCCURRENCES = 50


def _home(path: Path, clock: Clock, timezone: str = "Europe/Berlin") -> TaskService:
    return open_service(make_settings(f"sqlite:///{path}", timezone=timezone), clock=clock)


@pytest.fixture
def homes(
    db_url: str, tmp_path: Path, clock: Clock
) -> Iterator[tuple[TaskService, TaskService]]:
    """Where tasks are made (SQLite, then PostgreSQL) and a fresh home (a new SQLite file)."""
    first = open_service(make_settings(db_url), clock=clock)
    fresh = _home(tmp_path / "fresh.db", clock)
    yield first, fresh
    first.close()
    fresh.close()


def _all(svc: TaskService) -> list[TaskRead]:
    return svc.list_tasks(TaskFilter(status="all", sort="id"))


def _without_dtstamp(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("DTSTAMP"))


def _instant(value: Due) -> Due:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


def expanded(text: str, count: int = OCCURRENCES) -> dict[str, list[Due]]:
    """uid -> the first `count` occurrences of each recurring VTODO, by recurring-ical-events."""
    cal = Calendar.from_ical(text)
    out: dict[str, list[Due]] = {}
    for todo in cal.walk("VTODO"):
        if "RRULE" not in todo:
            continue
        one = Calendar()
        one.add("prodid", "-//test//test//EN")
        one.add("version", "2.0")
        for zone in cal.walk("VTIMEZONE"):
            one.add_component(zone)
        one.add_component(todo)
        found = recurring_ical_events.of(one, components=["VTODO"]).all()
        occurrences = list(islice(found, count))
        assert all(o["DUE"].dt == o["DTSTART"].dt for o in occurrences)
        out[str(todo["UID"])] = [_instant(o["DTSTART"].dt) for o in occurrences]
    return out


def ours(
    task: TaskRead, zone: Any, count: int = OCCURRENCES, series: Series | None = None
) -> list[Due]:
    """The same series by core.recurrence, from the task's due (its series' start), at the
    wall time the series keeps (a first due moved by a DST gap keeps the rule's 02:30)."""
    assert task.due is not None
    rule = rule_of(task)
    start = None if series is None else start_of(series, zone)
    if isinstance(start, datetime):
        rule = replace(rule, time=start.time())
    return [_instant(d) for d in recurrence.occurrences(rule, task.due, count, zone)]


def _series(svc: TaskService) -> dict[str, Series]:
    with svc.store.read() as db:
        return series_rows.by_uuid(db, svc.owner)


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


PHRASES = [
    "daily at 0230 every day at 2:30am",
    "daily at 9 every day at 9am",
    "weekly every mon and thu at 2:30am",
    "fortnightly every 2 weeks on sun at 2:30am",
    "second sunday every second sun at 2:30am",
    "last sunday every last sun at 2:30am",
    "on the 15th every month on the 15th at 9am",
    "month end every last day of the month at 2:30am",
    "month end all day every month on the last day",
    "weekdays every weekday at 9am",
    "from completion every! 2 days at 2:30am",
    "weekly from completion every! week at 9am",
    "five times every day at 2:30am for 5 times",
    "until spring every day at 2:30am until 2027-04-02",
]


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK], ids=str)
def test_every_exported_series_expands_as_ours_across_dst(
    tmp_path: Path, clock: Clock, zone: ZoneInfo
) -> None:
    clock.now = datetime(2027, 2, 20, 10, 0, tzinfo=zone)  # a month before spring forward
    home = _home(tmp_path / "home.db", clock, timezone=zone.key)
    for phrase in PHRASES:
        home.add_text(phrase)
    text = home.export("ical")
    theirs = expanded(text)
    tasks = _all(home)
    assert sorted(theirs) == sorted(t.uuid for t in tasks)
    series = _series(home)
    for task in tasks:
        assert theirs[task.uuid] == ours(task, zone, series=series[task.uuid]), task.title
    # The 02:30 series cross a spring-forward gap within 50 occurrences.
    gaps = [d for d in theirs[tasks[0].uuid] if isinstance(d, datetime)
            and d.astimezone(zone).time() == time(3, 30)]
    assert gaps, "no occurrence fell into the DST gap"
    home.close()


RULES = [
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU",
    "FREQ=MONTHLY;BYDAY=2SU",
    "FREQ=MONTHLY;BYDAY=-1SU",
    "FREQ=MONTHLY;BYMONTHDAY=-1",
    "FREQ=MONTHLY;BYMONTHDAY=31",
    "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=15",
    "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "FREQ=DAILY;COUNT=20",
    "FREQ=WEEKLY;UNTIL=20280401T023000",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from([BERLIN, NEW_YORK]),
    clock=st.sampled_from([time(2, 30), time(9, 0), time(1, 30), None]),
    rrule=st.sampled_from(RULES),
    every_bang=st.booleans(),
    start=st.dates(date(2026, 1, 1), date(2028, 12, 31)),
)
def test_export_expands_as_ours_for_any_series(
    zone: ZoneInfo, clock: time | None, rrule: str, every_bang: bool, start: date
) -> None:
    rule = recurrence.Rule(rrule, every_bang, clock)
    now = datetime.combine(start, time(0), tzinfo=zone)
    try:
        due = recurrence.first_due(rule, now, None)
    except BadInput:  # UNTIL before the start: no series to export
        return
    task = _task(due, rrule, every_bang)
    text = ical.dumps([task], zone, {task.uuid: start_series(due, zone)})
    assert expanded(text)[task.uuid] == ours(task, zone)


def _task(due: Due, rrule: str, every_bang: bool = False, **fields: Any) -> TaskRead:
    stamp = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    values: dict[str, Any] = {
        "id": 1, "uuid": "0b9f7c3e-2f41-4c4e-9d7e-0f6a5b1c2d3e", "title": "series",
        "notes": None, "status": Status.PENDING, "priority": Priority.NONE, "tags": (),
        "due": due, "created": stamp, "updated": stamp, "completed": None,
        "recurrence": rrule, "recur_from_completion": every_bang,
    }
    return TaskRead(**(values | fields))


def _pending(svc: TaskService) -> TaskRead:
    [task] = svc.list_tasks(TaskFilter(status="pending"))
    return task


def test_instance_on_the_spring_forward_day_keeps_the_series_wall_time(
    tmp_path: Path, clock: Clock
) -> None:
    """02:30 does not exist on 2027-03-28 in Berlin: that instance is due at 03:30, but the
    series stays at 02:30, so DTSTART says 02:30 (RFC 5545 reads it as 03:30)."""
    clock.now = datetime(2027, 3, 27, 1, 0, tzinfo=BERLIN)
    home = _home(tmp_path / "home.db", clock)
    first = home.add_text("night job every day at 2:30am")
    clock.now = datetime(2027, 3, 27, 10, 0, tzinfo=BERLIN)
    complete(home, [first.id])
    task = _pending(home)
    assert task.due == datetime(2027, 3, 28, 3, 30, tzinfo=BERLIN)
    text = home.export("ical")
    assert "DTSTART;TZID=Europe/Berlin:20270328T023000" in text.splitlines()
    assert first.due is not None
    from_start = recurrence.occurrences(rule_of(first), first.due, OCCURRENCES + 1, BERLIN)
    assert expanded(text)[task.uuid] == [_instant(d) for d in from_start[1:]]
    home.close()


def test_count_left_after_completions_is_what_dtstart_counts_from(
    homes: tuple[TaskService, TaskService], clock: Clock
) -> None:
    first, fresh = homes
    made = first.add_text("dose every day at 9am for 5 times")
    for _ in range(2):
        clock.advance(days=1)
        complete(first, [_pending(first).id])
    task = _pending(first)
    text = first.export("ical")
    [todo] = [t for t in Calendar.from_ical(text).walk("VTODO") if str(t["UID"]) == task.uuid]
    assert todo["RRULE"].to_ical() == b"FREQ=DAILY;COUNT=3"
    assert made.due is not None
    from_start = recurrence.occurrences(rule_of(made), made.due, 5, BERLIN)
    assert expanded(text)[task.uuid] == [_instant(d) for d in from_start[2:]]
    fresh.import_text(text)
    assert _without_dtstamp(fresh.export("ical")) == _without_dtstamp(text)
    # The fresh home goes on from there: two more, then the series ends.
    for _ in range(3):
        clock.advance(days=1)
        complete(fresh, [_pending(fresh).id])
    assert fresh.list_tasks(TaskFilter(status="pending")) == []


def test_until_is_utc_next_to_a_zoned_dtstart_and_a_date_next_to_a_date(
    homes: tuple[TaskService, TaskService],
) -> None:
    """RFC 5545 3.3.10: UNTIL has DTSTART's value type, in UTC when DTSTART has a zone."""
    first, fresh = homes
    first.add_text("timed every day at 9am until 2027-01-10")
    first.add_text("all day every day until 2027-01-10")
    text = first.export("ical")
    timed, all_day = (t["RRULE"].to_ical() for t in Calendar.from_ical(text).walk("VTODO"))
    assert (timed, all_day) == (b"FREQ=DAILY;UNTIL=20270110T225959Z", b"FREQ=DAILY;UNTIL=20270110")
    fresh.import_text(text)
    assert [t.recurrence for t in _all(fresh)] == [t.recurrence for t in _all(first)]
    assert _without_dtstamp(fresh.export("ical")) == _without_dtstamp(text)


def _fields(task: TaskRead) -> tuple[Any, ...]:
    return (task.uuid, task.title, task.notes, task.status, task.priority, task.tags, task.due,
            task.created, task.updated, task.completed, task.recurrence,
            task.recur_from_completion, task.reminders)


def test_every_field_survives_export_import_export(
    homes: tuple[TaskService, TaskService], clock: Clock
) -> None:
    first, fresh = homes
    first.add_text("pay rent every month on the last day", priority="high",
                   tags=["home", "money"], notes="transfer\nref 42; to: landlord",
                   remind=["1 day before"])
    water = first.add_text("water plants every day at 9am remind me 30m before")
    first.add_text("stretch every! 2 days at 7am", priority="low")
    first.add_text("call bob tomorrow 3pm", priority="medium",
                          remind=["tomorrow 9am", "1h before"])
    gone = first.add_text("old idea")
    first.delete([gone.id])
    first.add_text("some day, nothing due")
    clock.advance(days=1, hours=1)
    assert len(first.claim_due_reminders(first.now())) == 2  # water 08:30, call 09:00
    first.dismiss([water.id])
    complete(first, [water.id])
    before = _all(first)
    states = {r.state.value for t in before for r in t.reminders}
    assert states == {"pending", "fired", "dismissed"}
    assert {t.status for t in before} == set(Status)
    text = first.export("ical")
    fresh.import_text(text)
    assert [_fields(t) for t in _all(fresh)] == [_fields(t) for t in before]
    assert _without_dtstamp(fresh.export("ical")) == _without_dtstamp(text)


def test_a_series_keeps_its_zone_in_a_home_elsewhere(
    tmp_path: Path, clock: Clock
) -> None:
    berlin = _home(tmp_path / "berlin.db", clock)
    made = berlin.add_text("standup every weekday at 9am")
    text = berlin.export("ical")
    new_york = _home(tmp_path / "ny.db", clock, timezone="America/New_York")
    new_york.import_text(text)
    again = new_york.export("ical")
    assert "DTSTART;TZID=Europe/Berlin:20261123T090000" in again.splitlines()
    assert _without_dtstamp(again) == _without_dtstamp(text)
    # The next instances stay at 09:00 in Berlin, not at Berlin's 09:00 of today in New York.
    clock.now = datetime(2027, 3, 22, 10, 0, tzinfo=BERLIN)  # Berlin still on CET, NY on EDT
    task = _pending(new_york)
    complete(new_york, [task.id])
    nxt = _pending(new_york)
    assert nxt.due == datetime(2027, 3, 23, 9, 0, tzinfo=BERLIN)
    assert made.recurrence == nxt.recurrence
    berlin.close()
    new_york.close()


# --- files from other apps --------------------------------------------------------------

FOREIGN = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN
X-WR-CALNAME:Chores
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:event-1@example.com
SUMMARY:A meeting, not a task
DTSTART:20261201T090000Z
END:VEVENT
BEGIN:VTODO
UID:weekly@example.com
SUMMARY:Bins out
DUE;TZID=Europe/Berlin:20261201T090000
RRULE:FREQ=WEEKLY;UNTIL=20270105T080000Z
X-MOZ-GENERATION:3
X-SOMETHING-ELSE;FOO=bar:baz
ATTACH;FMTTYPE=text/plain:https://example.com/bins.txt
GEO:52.52;13.40
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Bins
TRIGGER:-PT15M
X-MOZ-LASTACK:20261124T080000Z
END:VALARM
END:VTODO
BEGIN:VTODO
UID:monthly@example.com
SUMMARY:Water meter
DUE;VALUE=DATE:20261205
RRULE:FREQ=MONTHLY;COUNT=3
BEGIN:VALARM
ACTION:AUDIO
TRIGGER;RELATED=END:-P1D
END:VALARM
END:VTODO
BEGIN:VTODO
UID:span@example.com
SUMMARY:Report
DTSTART:20261201T100000Z
DUE:20261201T120000Z
PRIORITY:2
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Report
TRIGGER:-PT30M
END:VALARM
BEGIN:VALARM
ACTION:DISPLAY
DESCRIPTION:Report
TRIGGER;VALUE=DATE-TIME:20261130T080000Z
END:VALARM
END:VTODO
BEGIN:VTODO
UID:start-only@example.com
SUMMARY:Stretch
DTSTART;VALUE=DATE:20261201
RRULE:FREQ=DAILY;INTERVAL=2
END:VTODO
BEGIN:VJOURNAL
UID:journal@example.com
SUMMARY:Dear diary
END:VJOURNAL
END:VCALENDAR
"""


def test_foreign_vtodos_read_due_zone_dates_rules_and_alarms() -> None:
    bins, meter, report, stretch = ical.parse(FOREIGN, tz=BERLIN)
    assert bins.due == datetime(2026, 12, 1, 9, 0, tzinfo=BERLIN)
    assert (bins.recurrence, bins.zone) == ("FREQ=WEEKLY;UNTIL=20270105T090000", "Europe/Berlin")
    [alarm] = bins.reminders
    assert (alarm.before, alarm.at) == ("PT15M", datetime(2026, 12, 1, 8, 45, tzinfo=BERLIN))
    assert alarm.state.value == "pending"
    assert (meter.due, meter.recurrence, meter.zone) == (date(2026, 12, 5), "FREQ=MONTHLY;COUNT=3",
                                                          None)
    assert [r.before for r in meter.reminders] == ["P1D"]
    # TRIGGER relative to DTSTART (10:00 UTC) fires 09:30 UTC, 2h30 before the 12:00 due.
    assert report.due == datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert (report.recurrence, report.priority) == (None, Priority.HIGH)
    assert [(r.before, r.at) for r in report.reminders] == [
        ("PT2H30M", datetime(2026, 12, 1, 9, 30, tzinfo=UTC)),
        (None, datetime(2026, 11, 30, 8, 0, tzinfo=UTC)),
    ]
    assert (stretch.due, stretch.recurrence) == (date(2026, 12, 1), "FREQ=DAILY;INTERVAL=2")


def test_a_foreign_series_goes_on_in_its_own_zone_after_import(
    tmp_path: Path, clock: Clock
) -> None:
    home = _home(tmp_path / "home.db", clock, timezone="America/New_York")
    result = home.import_text(FOREIGN)
    assert len(result.added) == 4
    bins = next(t for t in _all(home) if t.title == "Bins out")
    clock.now = datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
    complete(home, [bins.id])
    nxt = next(t for t in _all(home) if t.title == "Bins out" and t.status is Status.PENDING)
    assert nxt.due == datetime(2026, 12, 8, 9, 0, tzinfo=BERLIN)
    assert [r.at for r in nxt.reminders] == [datetime(2026, 12, 8, 8, 45, tzinfo=BERLIN)]
    # The series ends at UNTIL: the instance of 2027-01-05 is the last.
    clock.now = datetime(2027, 1, 5, 8, 0, tzinfo=BERLIN)
    [last] = home.skip([nxt.id])
    assert last.due == datetime(2027, 1, 5, 9, 0, tzinfo=BERLIN)
    with pytest.raises(BadInput, match="no further occurrence"):
        home.skip([last.id])
    home.close()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("BEGIN:VTODO\nSUMMARY:x\nEND:VCALENDAR",
         "invalid iCalendar at line 3: BEGIN:VTODO has no END:VTODO"),
        ("BEGIN:VTODO\nSUMMARY:x\nEND:VEVENT\nEND:VTODO",
         "invalid iCalendar at line 5: END:VEVENT without BEGIN:VEVENT"),
        ("BEGIN:VTODO\nSUMMARY:x\nDUE:20261201T090000Z\nRRULE:FREQ=SOMETIMES\nEND:VTODO",
         "invalid iCalendar at line 6 (RRULE): "),
        ("BEGIN:VTODO\nSUMMARY:x\nthis is not a property\nEND:VTODO",
         "invalid iCalendar at line 5: "),
        ("BEGIN:VTODO\nSUMMARY:x\nDUE:20261201T090000Z\nBEGIN:VALARM\nTRIGGER:soon\n"
         "END:VALARM\nEND:VTODO", "invalid iCalendar at line 7 (TRIGGER): "),
        ("BEGIN:VTODO\nUID:u9\nSUMMARY:x\nDUE:20261201T090000Z\nBEGIN:VALARM\nACTION:DISPLAY\n"
         "END:VALARM\nEND:VTODO", "task 1 (uid u9): alarm 1: missing TRIGGER"),
        ("BEGIN:VTODO\nSUMMARY:x\nBEGIN:VALARM\nTRIGGER:-PT5M\nEND:VALARM\nEND:VTODO",
         "task 1: alarm 1: a TRIGGER relative to the due needs DUE or DTSTART"),
        ("BEGIN:VTODO\nSUMMARY:x\nDUE;TZID=Mars/Olympus:20261201T090000\nEND:VTODO",
         "task 1: DUE names the unknown time zone 'Mars/Olympus'"),
        ("BEGIN:VTODO\nSUMMARY:x\nDUE:20261201T090000Z\nRRULE:FREQ=HOURLY\nEND:VTODO",
         "task 1: FREQ=HOURLY is not supported"),
        ("BEGIN:VTODO\nSUMMARY:x\nDUE:20261201T090000Z\nRRULE:FREQ=DAILY\nRRULE:FREQ=WEEKLY\n"
         "END:VTODO", "task 1: RRULE appears 2 times"),
    ],
)
def test_a_broken_file_names_the_line_or_the_task(body: str, expected: str) -> None:
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\n{body}\nEND:VCALENDAR\n"
    with pytest.raises(BadInput) as caught:
        ical.parse(text)
    assert caught.value.message.startswith(expected), caught.value.message
    assert caught.value.exit_code == 2


def test_importing_a_broken_file_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    from tests.cli.helpers import todo_process

    env = {"PATH": "/usr/bin:/bin", "TODO_HOME": str(tmp_path), "TZ": "Europe/Berlin",
           "TODO_USER": "tester", "NO_COLOR": "1"}
    broken = FOREIGN.replace("TRIGGER;RELATED=END:-P1D", "TRIGGER;RELATED=END:-P1Q")
    path = tmp_path / "broken.ics"
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("TRIGGER;RELATED=END:-P1Q") + 1
    proc = todo_process("import", str(path), env=env)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert f"at line {line} (TRIGGER)" in proc.stderr and "Traceback" not in proc.stderr
    listed = todo_process("list", "--status", "all", "--json", env=env)
    assert (listed.returncode, listed.stdout.strip()) == (0, "[]")


def test_a_floating_due_is_wall_time_in_the_importing_users_zone(
    tmp_path: Path, clock: Clock
) -> None:
    home = _home(tmp_path / "home.db", clock, timezone="America/New_York")
    home.import_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//x//x//EN\nBEGIN:VTODO\nUID:f@x\n"
        "SUMMARY:Floating\nDUE:20261201T090000\nRRULE:FREQ=DAILY\nBEGIN:VALARM\n"
        "ACTION:DISPLAY\nDESCRIPTION:x\nTRIGGER:-PT15M\nEND:VALARM\nEND:VTODO\nEND:VCALENDAR\n"
    )
    [task] = _all(home)
    assert task.due == datetime(2026, 12, 1, 9, 0, tzinfo=NEW_YORK)
    assert [r.at for r in task.reminders] == [datetime(2026, 12, 1, 8, 45, tzinfo=NEW_YORK)]
    assert "DTSTART;TZID=America/New_York:20261201T090000" in home.export("ical").splitlines()
    home.close()
