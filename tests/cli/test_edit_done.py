"""`todo show`, `edit`, `done`, `reopen`, `rm`, `restore`, several ids at a time."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.cli.helpers import (
    BERLIN,
    add,
    all_tasks,
    day,
    fails,
    ids,
    ok,
    show,
    tasks_json,
)

pytestmark = pytest.mark.usefixtures("home")


def _add_many(*titles: str) -> None:
    for title in titles:
        add(title)


def test_show_prints_every_field() -> None:
    add("pay rent tomorrow #home #finance !high", "--notes", "cash\nonly")
    lines = ok("show", "1").stdout.splitlines()
    fields = {line[:10].strip(): line[10:] for line in lines if not line.startswith(" ")}

    assert fields["ID"] == "1"
    assert fields["Title"] == "pay rent"
    assert fields["Status"] == "pending"
    assert fields["Priority"] == "high"
    assert fields["Tags"] == "#finance #home"
    assert fields["Due"] == f"{day(1)} (tomorrow)"
    created = datetime.strptime(fields["Created"], "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)
    assert abs(datetime.now(BERLIN) - created) < timedelta(minutes=2)
    assert "Completed" not in fields
    assert len(fields["UUID"]) == 36
    assert lines[-3:] == ["Notes", "  cash", "  only"]


def test_show_json_is_the_list_object_in_any_status() -> None:
    add("a")
    ok("rm", "1")
    [listed] = tasks_json("--status", "deleted")
    assert show(1) == listed
    assert listed["status"] == "deleted"


def test_edit_several_ids_at_once() -> None:
    _add_many("a", "b", "c")
    result = ok("edit", "1", "3", "--priority", "high", "--tag", "Work")

    assert result.stdout == "Updated 1 'a'\nUpdated 3 'c'\n"
    tasks = all_tasks()
    assert [(t["priority"], t["tags"]) for t in tasks.values()] == [
        ("high", ["work"]), ("none", []), ("high", ["work"])
    ]
    assert tasks[1]["updated"] >= tasks[1]["created"]


def test_edit_title_notes_and_due() -> None:
    add("old title")
    ok("edit", "1", "--title", "new  title", "--notes", "some notes", "--due", "2027-01-15 08:30")
    task = show(1)
    assert (task["title"], task["notes"]) == ("new title", "some notes")
    assert task["due"] == "2027-01-15T08:30:00+01:00"

    ok("edit", "1", "--due", "tomorrow")
    assert show(1)["due"] == day(1).isoformat()


@pytest.mark.parametrize("word", ["none", "None", "never"])
def test_edit_due_none_clears_the_due(word: str) -> None:
    add("x tomorrow")
    ok("edit", "1", "--due", word)
    assert show(1)["due"] is None
    assert ids("--no-due") == [1]


def test_edit_empty_notes_clears_them() -> None:
    add("x", "--notes", "n")
    ok("edit", "1", "--notes", "")
    assert show(1)["notes"] is None


def test_edit_tag_and_untag() -> None:
    add("x #a #b")
    ok("edit", "1", "--tag", "c", "-t", "#D", "--untag", "a")
    assert show(1)["tags"] == ["b", "c", "d"]
    ok("edit", "1", "--untag", "b", "--untag", "+C")
    assert show(1)["tags"] == ["d"]


def test_edit_priority_short_option_and_json_output() -> None:
    add("x")
    out = json.loads(ok("edit", "1", "-p", "m", "--json").stdout)
    assert [t["priority"] for t in out] == ["medium"]
    assert show(1)["priority"] == "medium"


def test_edit_without_changes_is_bad_input() -> None:
    add("x")
    result = fails(2, "edit", "1")
    assert "nothing to change" in result.stderr


def test_edit_of_a_deleted_task_asks_for_restore_first() -> None:
    add("x")
    ok("rm", "1")
    result = fails(2, "edit", "1", "--title", "y")
    assert "task 1 is deleted" in result.stderr
    assert show(1)["title"] == "x"


def test_done_several_ids() -> None:
    _add_many(*"abcdefgh")
    result = ok("done", "3", "5", "8")

    assert result.stdout == "Completed 3 'c'\nCompleted 5 'e'\nCompleted 8 'h'\n"
    tasks = all_tasks()
    assert [i for i, t in tasks.items() if t["status"] == "completed"] == [3, 5, 8]
    assert all(tasks[i]["completed"] is not None for i in (3, 5, 8))
    assert all(tasks[i]["completed"] is None for i in (1, 2, 4, 6, 7))
    assert ids() == [1, 2, 4, 6, 7]
    assert ids("--status", "completed") == [3, 5, 8]


def test_done_twice_is_bad_input_and_changes_nothing() -> None:
    _add_many("a", "b")
    ok("done", "2")
    before = all_tasks()
    result = fails(2, "done", "1", "2")
    assert "task 2 is already completed" in result.stderr
    assert all_tasks() == before


def test_done_json_output() -> None:
    _add_many("a", "b")
    out = json.loads(ok("done", "1", "2", "--json").stdout)
    assert [(t["id"], t["status"]) for t in out] == [(1, "completed"), (2, "completed")]


def test_reopen_several_ids() -> None:
    _add_many("a", "b", "c")
    ok("done", "1", "2", "3")
    assert ok("reopen", "1", "3").stdout == "Reopened 1 'a'\nReopened 3 'c'\n"
    tasks = all_tasks()
    assert [(t["status"], t["completed"] is None) for t in tasks.values()] == [
        ("pending", True), ("completed", False), ("pending", True)
    ]


def test_reopen_a_pending_task_is_bad_input() -> None:
    add("a")
    assert "task 1 is not completed" in fails(2, "reopen", "1").stderr


def test_rm_several_ids() -> None:
    _add_many("a", "b", "c")
    assert ok("rm", "1", "3").stdout == "Deleted 1 'a'\nDeleted 3 'c'\n"
    assert ids() == [2]
    assert ids("--status", "deleted") == [1, 3]
    assert "task 1 is already deleted" in fails(2, "rm", "1").stderr


def test_restore_brings_back_the_previous_status() -> None:
    _add_many("a", "b", "c")
    ok("done", "2")
    completed_at = show(2)["completed"]
    ok("rm", "1", "2")

    assert ok("restore", "1", "2").stdout == "Restored 1 'a'\nRestored 2 'b'\n"
    tasks = all_tasks()
    assert (tasks[1]["status"], tasks[1]["completed"]) == ("pending", None)
    assert (tasks[2]["status"], tasks[2]["completed"]) == ("completed", completed_at)
    assert ids() == [1, 3]


def test_restore_of_a_task_that_is_not_deleted_is_bad_input() -> None:
    add("a")
    assert "task 1 is not deleted" in fails(2, "restore", "1").stderr


def test_repeated_ids_count_once() -> None:
    add("a")
    assert ok("done", "1", "1").stdout == "Completed 1 'a'\n"


def test_ids_are_never_reused_after_rm() -> None:
    _add_many("a", "b")
    ok("rm", "2")
    assert add("c")["id"] == 3
