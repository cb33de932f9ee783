"""Recurring tasks through the CLI: `add ... every ...`, `--every`, `done`, `skip`, `recur`.

The CLI reads the real clock, so expected dues are computed here from the current date in
Berlin (the zone the fixtures set); where a due depends on "now", it is computed just before
and just after the command, and either value is accepted (a run across midnight stays green).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import (
    BERLIN,
    add,
    all_tasks,
    around,
    berlin_iso,
    day,
    describe,
    fails,
    history_kinds,
    ids,
    ok,
    run,
    show,
    tasks_json,
)

pytestmark = pytest.mark.usefixtures("home")

MON, WED, FRI = 0, 2, 4




def _on_or_after(start: date, weekdays: set[int]) -> date:
    """The first day on or after `start` that falls on one of `weekdays` (0 = Monday)."""
    d = start
    while d.weekday() not in weekdays:
        d += timedelta(days=1)
    return d


def _done_json(*task_ids: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = json.loads(ok("done", *map(str, task_ids), "--json").stdout)
    return out


def _repeats_line(task_id: int) -> list[str]:
    """The `Repeats` row of `todo show ID` and the lines indented under it."""
    lines = ok("show", str(task_id)).stdout.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith("Repeats"))
    rows = [lines[start][10:]]
    rows += [line[10:] for line in lines[start + 1:] if line.startswith(" " * 10)]
    return rows


# -- setting a rule when adding ------------------------------------------------------------


def test_quick_add_every_mon_wed_and_fri_at_7am() -> None:
    def first_gym_day(now: datetime) -> str:
        d = _on_or_after(now.date(), {MON, WED, FRI})
        if datetime.combine(d, time(7), tzinfo=BERLIN) < now:
            d = _on_or_after(d + timedelta(days=1), {MON, WED, FRI})
        return berlin_iso(d, 7)

    task, expected_due = around(lambda: add("gym every mon, wed and fri at 7am"), first_gym_day)

    assert task["title"] == "gym"
    assert task["recurrence"] == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
    assert task["recurrence_from"] == "due"
    assert task["due"] in expected_due
    assert show(1) == task
    assert _repeats_line(1) == ["every Mon, Wed and Fri at 07:00  (FREQ=WEEKLY;BYDAY=MO,WE,FR)"]


def test_list_describes_recurring_tasks_in_words() -> None:
    add("gym every mon, wed and fri at 7am")
    add("one-off", "--due", day(30).isoformat())
    lines = ok("list", "--sort", "id").stdout.splitlines()
    assert len(lines) == 2
    assert "  every Mon, Wed and Fri  gym" in lines[0]
    assert lines[1].endswith("  one-off")
    assert "every" not in lines[1]


def test_every_option_every_2_weeks() -> None:
    task, expected_due = around(
        lambda: add("water the cactus", "--every", "every 2 weeks"),
        lambda now: now.date().isoformat(),  # an all-day rule starts today
    )
    assert (task["title"], task["recurrence"]) == ("water the cactus", "FREQ=WEEKLY;INTERVAL=2")
    assert task["recurrence_from"] == "due"
    assert task["due"] in expected_due
    assert _repeats_line(1) == ["every 2 weeks  (FREQ=WEEKLY;INTERVAL=2)"]


def test_every_option_keeps_the_due_given_with_it() -> None:
    start = day(3)
    task = add("backup", "--every", "every 2 weeks", "--due", start.isoformat())
    assert task["due"] == start.isoformat()
    [done, following] = _done_json(1)
    assert (done["status"], following["due"]) == ("completed", (start + timedelta(14)).isoformat())


def test_every_bang_repeats_from_completion() -> None:
    task = add("y every! 3 days", "--due", day(10).isoformat())
    assert task["recurrence"] == "FREQ=DAILY;INTERVAL=3"
    assert task["recurrence_from"] == "completion"
    assert task["due"] == day(10).isoformat()
    assert _repeats_line(1) == ["every! 3 days (from completion)  (FREQ=DAILY;INTERVAL=3)"]

    # Done early: the next one counts from today, not from the due.
    done_tasks, expected = around(
        lambda: _done_json(1), lambda now: (now.date() + timedelta(days=3)).isoformat()
    )
    [done, following] = done_tasks
    assert done["status"] == "completed"
    assert following["due"] in expected
    assert following["recurrence_from"] == "completion"


def test_every_option_with_an_unknown_phrase_adds_nothing() -> None:
    result = fails(2, "add", "x", "--every", "every blursday")
    assert "'every blursday'" in result.stderr
    assert ok("count", "--status", "all").stdout == "0\n"


# -- completing ----------------------------------------------------------------------------


def test_done_prints_the_completion_and_the_next_instance() -> None:
    add("water plants every day", "--due", day(3).isoformat())
    result = ok("done", "1")
    assert result.stdout == "Completed 1 'water plants'\n  next: 2 'water plants' due in 4 days\n"
    assert ids() == [2]
    assert show(2)["due"] == day(4).isoformat()


def _sql(home: Path, statement: str) -> None:
    db = sqlite3.connect(home / "todo.db")
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()


def test_a_failing_consumer_warns_and_the_next_command_that_writes_catches_up(
    home: Path,
) -> None:
    add("water plants every day", "--due", day(3).isoformat())
    _sql(home, "CREATE TRIGGER audit_down BEFORE INSERT ON audit "
               "BEGIN SELECT RAISE(ABORT, 'audit is down'); END")
    result = run("done", "1")
    assert result.exit_code == 0, describe(("done", "1"), result)
    assert result.stdout == "Completed 1 'water plants'\n"
    assert result.stderr.startswith("warning: background processing deferred (")
    assert "audit is down" in result.stderr and result.stderr.count("\n") == 1
    assert ids() == [2]  # the recurrence consumer ran before the audit one failed
    _sql(home, "DROP TRIGGER audit_down")
    ok("add", "after the fix")  # nothing on stderr: the audit consumer caught up
    assert history_kinds(1) == ["created", "completed"]


def test_done_json_returns_the_completed_task_then_the_new_instance() -> None:
    monday = _on_or_after(day(2), {MON})
    original = add("gym every mon, wed and fri at 7am #sport !high", "--due", monday.isoformat())
    assert original["due"] == berlin_iso(monday, 7)

    [done, following] = _done_json(1)

    assert (done["id"], done["status"]) == (1, "completed")
    assert done["completed"] is not None
    assert following["id"] == 2
    assert following["status"] == "pending"
    assert following["completed"] is None
    assert following["due"] == berlin_iso(monday + timedelta(days=2), 7)
    assert following["uuid"] != done["uuid"]
    for key in ("title", "priority", "tags", "recurrence", "recurrence_from"):
        assert following[key] == original[key], key
    assert show(2) == following
    assert tasks_json() == [following]


def test_completing_the_same_occurrence_again_after_reopen_adds_no_second_instance() -> None:
    add("stretch every day", "--due", day(2).isoformat())
    ok("done", "1")
    ok("reopen", "1")
    assert ids() == [1, 2]

    again = _done_json(1)

    assert [(t["id"], t["status"]) for t in again] == [(1, "completed")]
    assert list(all_tasks()) == [1, 2]
    assert ids() == [2]


def test_undo_after_done_removes_the_new_instance() -> None:
    add("stretch every day", "--due", day(2).isoformat())
    ok("done", "1")
    assert ids() == [2]

    ok("undo")

    assert ids() == [1]
    assert show(1)["status"] == "pending"
    assert show(2)["status"] == "deleted"

    # Completing once more brings back the instance made the first time, with its id.
    again = _done_json(1)
    assert [(t["id"], t["status"]) for t in again] == [(1, "completed"), (2, "pending")]
    assert again[1]["due"] == day(3).isoformat()
    assert list(all_tasks()) == [1, 2]


def test_for_n_times_ends_the_series() -> None:
    add("pill every day for 2 times", "--due", day(2).isoformat())
    assert show(1)["recurrence"] == "FREQ=DAILY;COUNT=2"
    assert [t["id"] for t in _done_json(1)] == [1, 2]
    assert [t["id"] for t in _done_json(2)] == [2]
    assert ids() == []
    assert list(all_tasks()) == [1, 2]


def test_a_series_keeps_its_wall_time_across_a_dst_change() -> None:
    switch = day(2)
    while _offset(switch) == _offset(switch - timedelta(days=1)):
        switch += timedelta(days=1)
    eve = switch - timedelta(days=1)
    add("run every day at 9am", "--due", eve.isoformat())
    assert show(1)["due"] == berlin_iso(eve, 9)

    [_, following] = _done_json(1)

    assert following["due"] == berlin_iso(switch, 9)
    assert following["due"][-6:] != berlin_iso(eve, 9)[-6:]  # the offset did change


def _offset(d: date) -> timedelta | None:
    return datetime.combine(d, time(12), tzinfo=BERLIN).utcoffset()


def test_a_series_keeps_its_zone_when_the_user_travels() -> None:
    start = day(3)
    add("call home every day at 9am", "--due", start.isoformat())
    result = run("done", "1", "--json", env={"TZ": "America/New_York"})
    assert result.exit_code == 0, describe(("done", "1", "--json"), result)

    [_, following] = json.loads(result.stdout)

    assert following["due"].endswith(("-05:00", "-04:00"))  # shown in the user's zone now
    next_due = datetime.fromisoformat(following["due"])
    assert next_due == datetime.combine(start + timedelta(days=1), time(9), tzinfo=BERLIN)


# -- skipping ------------------------------------------------------------------------------


def test_skip_moves_the_due_to_the_next_occurrence() -> None:
    monday = _on_or_after(day(1), {MON})
    add("standup every mon, wed and fri at 9am", "--due", monday.isoformat())

    assert ok("skip", "1").stdout == "Skipped to next: 1 'standup'\n"

    task = show(1)
    assert task["due"] == berlin_iso(monday + timedelta(days=2), 9)
    assert (task["status"], task["recurrence"]) == ("pending", "FREQ=WEEKLY;BYDAY=MO,WE,FR")
    assert list(all_tasks()) == [1]

    [skipped] = json.loads(ok("skip", "1", "--json").stdout)
    assert skipped["due"] == berlin_iso(monday + timedelta(days=4), 9)


def test_undo_of_skip_brings_the_due_back_and_done_still_makes_the_next_instance() -> None:
    start = day(3)
    add("floss every day", "--due", start.isoformat())
    ok("skip", "1")
    assert ok("undo").stdout == "Undid skip: 1 'floss'\n"
    assert show(1)["due"] == start.isoformat()

    done_tasks = _done_json(1)

    assert [(t["id"], t["status"], t["due"]) for t in done_tasks] == [
        (1, "completed", start.isoformat()),
        (2, "pending", (start + timedelta(days=1)).isoformat()),
    ]
    assert ids() == [2]


def test_moving_a_skipped_task_back_and_completing_it_makes_the_next_instance() -> None:
    start = day(3)
    add("floss every day", "--due", start.isoformat())
    ok("skip", "1")
    ok("edit", "1", "--due", start.isoformat())

    done_tasks = _done_json(1)

    assert [(t["id"], t["due"]) for t in done_tasks] == [
        (1, start.isoformat()), (2, (start + timedelta(days=1)).isoformat())
    ]


def test_skip_of_a_task_that_does_not_repeat_is_bad_input() -> None:
    add("once", "--due", day(2).isoformat())
    before = show(1)
    assert "task 1 does not repeat" in fails(2, "skip", "1").stderr
    assert show(1) == before


# -- changing or ending the rule -----------------------------------------------------------


def test_recur_changes_the_rule_from_this_instance_on() -> None:
    monday = _on_or_after(day(1), {MON})
    add("report every monday at 9am", "--due", monday.isoformat())
    assert show(1)["recurrence"] == "FREQ=WEEKLY;BYDAY=MO"

    [task] = json.loads(ok("recur", "1", "every friday", "--json").stdout)

    assert task["recurrence"] == "FREQ=WEEKLY;BYDAY=FR"
    assert task["recurrence_from"] == "due"
    assert task["due"] == berlin_iso(monday + timedelta(days=4), 9)
    assert show(1) == task

    [_, following] = _done_json(1)
    assert following["recurrence"] == "FREQ=WEEKLY;BYDAY=FR"
    assert following["due"] == berlin_iso(monday + timedelta(days=11), 9)


def test_recur_prints_a_confirmation_and_can_switch_to_from_completion() -> None:
    add("mow the lawn", "--due", day(2).isoformat())
    assert ok("recur", "1", "every! 10 days").stdout == "Repeating 1 'mow the lawn'\n"
    task = show(1)
    assert (task["recurrence"], task["recurrence_from"]) == ("FREQ=DAILY;INTERVAL=10", "completion")
    assert task["due"] == day(2).isoformat()


def test_recur_gives_a_task_without_a_due_its_first_occurrence() -> None:
    add("take out the bins")
    task, expected = around(
        lambda: json.loads(ok("recur", "1", "every friday", "--json").stdout)[0],
        lambda now: _on_or_after(now.date(), {FRI}).isoformat(),
    )
    assert task["recurrence"] == "FREQ=WEEKLY;BYDAY=FR"
    assert task["due"] in expected


def test_recur_clear_ends_the_series() -> None:
    add("gym every mon, wed and fri at 7am", "--due", day(2).isoformat())
    due = show(1)["due"]

    assert ok("recur", "1", "--clear").stdout == "Ended series of 1 'gym'\n"

    task = show(1)
    assert (task["recurrence"], task["recurrence_from"], task["due"]) == (None, None, due)
    assert "every Mon" not in ok("list").stdout
    assert [t["id"] for t in _done_json(1)] == [1]
    assert list(all_tasks()) == [1]


def test_recur_needs_a_rule_or_clear_but_not_both() -> None:
    add("x every day", "--due", day(2).isoformat())
    before = show(1)
    assert "--clear" in fails(2, "recur", "1").stderr
    assert "--clear" in fails(2, "recur", "1", "every week", "--clear").stderr
    assert show(1) == before


def test_recur_with_an_unknown_phrase_names_it_and_changes_nothing() -> None:
    add("x every day", "--due", day(2).isoformat())
    before = show(1)
    result = fails(2, "recur", "1", "every blursday")
    assert "'every blursday'" in result.stderr
    assert show(1) == before


def test_recur_of_an_unknown_task_is_not_found() -> None:
    assert "no task with id 7" in fails(1, "recur", "7", "every day").stderr


def test_edit_every_none_ends_the_series() -> None:
    add("x every day", "--due", day(2).isoformat())
    [task] = json.loads(ok("edit", "1", "--every", "none", "--json").stdout)
    assert (task["recurrence"], task["recurrence_from"]) == (None, None)
    assert task["due"] == day(2).isoformat()
    assert [t["id"] for t in _done_json(1)] == [1]
    assert list(all_tasks()) == [1]


def test_edit_every_sets_a_rule() -> None:
    monday = _on_or_after(day(1), {MON})
    add("x", "--due", monday.isoformat())
    ok("edit", "1", "--every", "every wednesday")
    task = show(1)
    assert task["recurrence"] == "FREQ=WEEKLY;BYDAY=WE"
    assert task["due"] == (monday + timedelta(days=2)).isoformat()


# -- describing ----------------------------------------------------------------------------


def test_every_month_on_the_31st_warns_that_short_months_are_skipped() -> None:
    task = add("pay bills every month on the 31st")
    assert task["recurrence"] == "FREQ=MONTHLY;BYMONTHDAY=31"
    assert task["due"].endswith("-31")

    repeats = _repeats_line(1)
    assert repeats[0] == "every month on the 31st  (FREQ=MONTHLY;BYMONTHDAY=31)"
    [note] = repeats[1:]
    assert note.startswith("note: months without a 31st are skipped")
    assert "last day of the month" in note


@pytest.mark.parametrize(
    ("start", "nth", "skipped"),
    [("2027-01-31", "31st", "(Feb, Apr, Jun, Sep and Nov)"), ("2027-01-30", "30th", "(Feb)"),
     ("2027-01-29", "29th", "(Feb, except in leap years)")],
)
def test_every_month_from_a_late_day_says_which_months_it_skips(
    start: str, nth: str, skipped: str
) -> None:
    added = ok("add", "pay rent", "--due", start, "--every", "every month").stdout.splitlines()
    assert added[0] == "Added 1 'pay rent'"
    [note] = added[1:]
    assert note.startswith(f"  note: months without a {nth} are skipped {skipped}; ")
    assert note.endswith("say 'every last day of the month' to hit every month-end")
    assert _repeats_line(1)[1:] == [note.strip()]
    # The 28th is in every month: nothing to say.
    assert ok("add", "x", "--due", "2027-01-28", "--every", "every month").stdout == "Added 2 'x'\n"
    assert "note:" not in ok("show", "2").stdout


def test_every_last_day_of_the_month_has_no_note() -> None:
    task = add("pay bills every last day of the month")
    assert task["recurrence"] == "FREQ=MONTHLY;BYMONTHDAY=-1"
    assert _repeats_line(1) == ["every last day of the month  (FREQ=MONTHLY;BYMONTHDAY=-1)"]
    assert "note:" not in ok("show", "1").stdout
