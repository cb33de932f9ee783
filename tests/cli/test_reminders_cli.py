"""Reminders through the CLI: quick add, `--remind`, `remind`, `reminders`, `snooze`, `dismiss`.

No worker runs here, so no reminder fires: a reminder whose time has passed (on a task due in
the past) stands in for a fired one, since dismiss and snooze treat both alike. Expected times
are computed from the current date in Berlin; where one depends on "now", it is computed just
before and just after the command and either value is accepted.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from tests.cli.helpers import (
    BERLIN,
    add,
    around,
    berlin_iso,
    day,
    fails,
    ok,
    show,
)

pytestmark = pytest.mark.usefixtures("home")





def _at(d: date, hour: int, minute: int = 0) -> str:
    """A due or reminder time as typed on the command line: "2026-11-25 18:00"."""
    return f"{d.isoformat()} {hour:02d}:{minute:02d}"


def _rem(at: str, before: str | None, state: str = "pending") -> dict[str, Any]:
    return {"at": at, "before": before, "state": state}


def _reminders(task_id: int) -> list[dict[str, Any]]:
    reminders: list[dict[str, Any]] = show(task_id)["reminders"]
    return reminders


def _reminder_list(*options: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(ok("reminders", "--json", *options).stdout)
    return rows


def _add_overdue(title: str) -> str:
    """A task due two days ago at 10:00 with a relative reminder (1h before) long passed."""
    task = add(f"{title} remind me 1h before", "--due", _at(day(-2), 10))
    [reminder] = task["reminders"]
    assert reminder == _rem(berlin_iso(day(-2), 9), "PT1H")
    return str(task["id"])


# -- adding ------------------------------------------------------------------------------


def test_quick_add_reminder_before_the_due() -> None:
    task, tomorrow = around(
        lambda: add("dentist tomorrow at 10:30 remind me 1h before"),
        lambda now: now.date() + timedelta(days=1),
    )
    d = next(d for d in tomorrow if task["due"] == berlin_iso(d, 10, 30))

    assert task["title"] == "dentist"
    assert task["reminders"] == [_rem(berlin_iso(d, 9, 30), "PT1H")]
    assert show(1) == task
    reminders_row = next(line for line in ok("show", "1").stdout.splitlines()
                         if line.startswith("Reminders"))
    assert reminders_row == f"Reminders {d} 09:30  1h before  pending"
    assert ok("list").stdout.rstrip("\n").endswith("dentist ⏰")


def test_remind_option_is_repeatable_and_sorted() -> None:
    task = add("call mum", "--due", _at(day(3), 18), "--remind", "30m before",
               "--remind", "1 day before")
    assert task["title"] == "call mum"
    assert task["reminders"] == [
        _rem(berlin_iso(day(2), 18), "P1D"),
        _rem(berlin_iso(day(3), 17, 30), "PT30M"),
    ]


def test_relative_reminder_on_an_all_day_task_counts_from_nine() -> None:
    task = add("renew passport", "--due", day(4).isoformat(), "--remind", "1 day before")
    assert task["reminders"] == [_rem(berlin_iso(day(3), 9), "P1D")]


def test_relative_reminder_without_a_due_is_refused_and_nothing_is_written() -> None:
    result = fails(2, "add", "x remind me 30m before")
    assert "needs a due date" in result.stderr
    assert "needs a due date" in fails(2, "add", "x", "--remind", "30m before").stderr
    assert ok("count", "--status", "all").stdout == "0\n"


def test_remind_adds_an_absolute_reminder() -> None:
    add("report remind me 1h before", "--due", _at(day(3), 10))

    def three_pm(now: datetime) -> str:
        d = now.date() if now < datetime.combine(now.date(), time(15), tzinfo=BERLIN) else (
            now.date() + timedelta(days=1))
        return berlin_iso(d, 15)

    result, expected = around(lambda: ok("remind", "1", "at", "3pm"), three_pm)

    assert result.stdout == "Reminder added to 1 'report'\n"
    [absolute, relative] = _reminders(1)
    assert absolute["at"] in expected
    assert (absolute["before"], absolute["state"]) == (None, "pending")
    assert relative == _rem(berlin_iso(day(3), 9), "PT1H")


def test_remind_on_a_given_day_and_json_output() -> None:
    add("report")
    [task] = json.loads(ok("remind", "1", day(2).isoformat(), "8am", "--json").stdout)
    assert task["reminders"] == [_rem(berlin_iso(day(2), 8), None)]
    assert _reminders(1) == task["reminders"]


def test_remind_with_a_bad_phrase_names_it_and_changes_nothing() -> None:
    add("report", "--due", _at(day(3), 10))
    before = show(1)
    assert "'sometime soon' is not a reminder" in fails(2, "remind", "1", "sometime soon").stderr
    assert "in the past" in fails(2, "remind", "1", _at(day(-1), 10)).stderr
    assert show(1) == before


def test_relative_remind_on_a_task_without_a_due_is_refused() -> None:
    add("report")
    before = show(1)
    assert "needs a due date" in fails(2, "remind", "1", "30m", "before").stderr
    assert show(1) == before


def test_undo_removes_an_added_reminder() -> None:
    add("report", "--due", _at(day(3), 10))
    ok("remind", "1", "2h", "before")
    assert _reminders(1) == [_rem(berlin_iso(day(3), 8), "PT2H")]
    assert ok("undo").stdout == "Undid edit: 1 'report'\n"
    assert _reminders(1) == []


# -- listing -------------------------------------------------------------------------------


def test_reminders_lists_upcoming_ones_soonest_first() -> None:
    add("later remind me 1h before", "--due", _at(day(5), 10))      # day 5 09:00
    add("sooner remind me 30m before", "--due", _at(day(2), 10))    # day 2 09:30
    add("no due")
    ok("remind", "3", _at(day(3), 8))                               # day 3 08:00
    add("done already remind me 1h before", "--due", _at(day(1), 12))
    ok("done", "4")

    lines = ok("reminders").stdout.splitlines()

    expected = [
        (f"{day(2)} 09:30 (", ")  2 sooner  30m before"),
        (f"{day(3)} 08:00 (", ")  3 no due  at"),
        (f"{day(5)} 09:00 (", ")  1 later  1h before"),
    ]
    assert len(lines) == len(expected), lines
    for line, (start, end) in zip(lines, expected, strict=True):
        assert line.startswith(start) and line.endswith(end), line

    assert _reminder_list() == [
        {"task": 2, "title": "sooner", "at": berlin_iso(day(2), 9, 30), "before": "PT30M",
         "state": "pending", "task_uuid": show(2)["uuid"]},
        {"task": 3, "title": "no due", "at": berlin_iso(day(3), 8), "before": None,
         "state": "pending", "task_uuid": show(3)["uuid"]},
        {"task": 1, "title": "later", "at": berlin_iso(day(5), 9), "before": "PT1H",
         "state": "pending", "task_uuid": show(1)["uuid"]},
    ]


def test_reminders_with_none_prints_nothing() -> None:
    add("x")
    assert ok("reminders").stdout == ""
    assert _reminder_list() == []


def test_reminders_all_shows_dismissed_ones_and_those_of_completed_tasks() -> None:
    late = _add_overdue("late")
    add("done already remind me 1h before", "--due", _at(day(4), 12))
    ok("done", "2")
    ok("dismiss", late)

    assert ok("reminders").stdout == ""
    assert _reminder_list() == []

    lines = ok("reminders", "--all").stdout.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith(f"{day(-2)} 09:00 (")
    assert lines[0].endswith(")  1 late  1h before [dismissed]")
    assert lines[1].endswith(")  2 done already  1h before")
    assert [(r["task"], r["state"]) for r in _reminder_list("--all")] == [
        (1, "dismissed"), (2, "pending")
    ]
    assert [r["task"] for r in _reminder_list("-a")] == [1, 2]


# -- dismissing and snoozing -----------------------------------------------------------------


def test_dismiss_marks_what_is_due_and_keeps_future_ones() -> None:
    late = _add_overdue("late")
    ok("remind", late, _at(day(2), 8))

    assert ok("dismiss", late).stdout == "Dismissed reminders of 1 'late'\n"

    assert _reminders(1) == [
        _rem(berlin_iso(day(-2), 9), "PT1H", "dismissed"),
        _rem(berlin_iso(day(2), 8), None, "pending"),
    ]
    assert [r["at"] for r in _reminder_list()] == [berlin_iso(day(2), 8)]


def test_dismiss_with_nothing_fired_is_exit_1_and_changes_nothing() -> None:
    add("future remind me 1h before", "--due", _at(day(3), 10))
    add("none at all")
    before = show(1)

    assert "task 1 has no reminder to dismiss" in fails(1, "dismiss", "1").stderr
    assert "task 2 has no reminder to dismiss" in fails(1, "dismiss", "2").stderr
    assert show(1) == before
    assert show(2)["reminders"] == []


def test_dismiss_twice_is_exit_1() -> None:
    late = _add_overdue("late")
    ok("dismiss", late)
    after = show(1)
    assert "has no reminder to dismiss" in fails(1, "dismiss", late).stderr
    assert show(1) == after


def test_snooze_dismisses_what_is_due_and_reminds_again_later() -> None:
    late = _add_overdue("late")

    result, expected = around(
        lambda: json.loads(ok("snooze", late, "1h", "--json").stdout),
        lambda now: now.replace(microsecond=0) + timedelta(hours=1),
    )

    [task] = result
    [old, again] = task["reminders"]
    assert old == _rem(berlin_iso(day(-2), 9), "PT1H", "dismissed")
    assert (again["before"], again["state"]) == (None, "pending")
    assert min(expected) <= datetime.fromisoformat(again["at"]) <= max(expected)
    assert _reminders(1) == task["reminders"]
    assert [r["at"] for r in _reminder_list()] == [again["at"]]


def test_snooze_defaults_to_ten_minutes_and_confirms() -> None:
    add("x", "--due", _at(day(2), 10))
    result, expected = around(
        lambda: ok("snooze", "1"),
        lambda now: now.replace(microsecond=0) + timedelta(minutes=10),
    )
    assert result.stdout == "Snoozed 1 'x'\n"
    [again] = _reminders(1)
    assert min(expected) <= datetime.fromisoformat(again["at"]) <= max(expected)


def test_snooze_with_a_bad_duration_changes_nothing() -> None:
    late = _add_overdue("late")
    before = show(1)
    assert "'soon' is not a duration" in fails(2, "snooze", late, "soon").stderr
    assert show(1) == before


# -- moving the due ------------------------------------------------------------------------


def test_changing_the_due_moves_relative_reminders_and_keeps_absolute_ones() -> None:
    add("call", "--due", _at(day(3), 18), "--remind", "1 day before")
    ok("remind", "1", _at(day(2), 8))
    assert _reminders(1) == [
        _rem(berlin_iso(day(2), 8), None),
        _rem(berlin_iso(day(2), 18), "P1D"),
    ]

    ok("edit", "1", "--due", _at(day(6), 19, 15))

    assert _reminders(1) == [
        _rem(berlin_iso(day(2), 8), None),
        _rem(berlin_iso(day(5), 19, 15), "P1D"),
    ]

    ok("edit", "1", "--due", "none")
    assert _reminders(1) == [_rem(berlin_iso(day(2), 8), None)]


def test_moving_the_due_ahead_makes_a_dismissed_relative_reminder_pending_again() -> None:
    late = _add_overdue("late")
    ok("dismiss", late)
    ok("edit", late, "--due", _at(day(4), 10))
    assert _reminders(1) == [_rem(berlin_iso(day(4), 9), "PT1H", "pending")]


def test_the_next_instance_inherits_relative_reminders_only() -> None:
    monday = day(3) + timedelta(days=(7 - day(3).weekday()) % 7)
    add("gym every monday at 9am remind me 1 day before", "--due", monday.isoformat())
    ok("remind", "1", _at(monday - timedelta(days=2), 20))

    [done, following] = json.loads(ok("done", "1", "--json").stdout)

    assert len(done["reminders"]) == 2
    next_monday = monday + timedelta(days=7)
    assert following["due"] == berlin_iso(next_monday, 9)
    assert following["reminders"] == [_rem(berlin_iso(next_monday - timedelta(days=1), 9), "P1D")]
    assert [r["task"] for r in _reminder_list()] == [2]


def test_skip_moves_relative_reminders_with_the_due() -> None:
    wednesday = day(2) + timedelta(days=(2 - day(2).weekday()) % 7)
    add("rr every wednesday at 9am remind me 15m before", "--due", wednesday.isoformat())
    ok("skip", "1")
    next_wednesday = wednesday + timedelta(days=7)
    assert show(1)["due"] == berlin_iso(next_wednesday, 9)
    assert _reminders(1) == [_rem(berlin_iso(next_wednesday, 8, 45), "PT15M")]
