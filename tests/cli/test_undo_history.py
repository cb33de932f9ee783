"""`todo undo` (the unit is one command) and `todo history ID` (old -> new per field)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.helpers import (
    add,
    all_tasks,
    fails,
    history,
    history_kinds,
    ids,
    ok,
    show,
)

pytestmark = pytest.mark.usefixtures("home")

STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"


def test_nothing_to_undo_is_exit_1() -> None:
    assert fails(1, "undo").stderr == "error: nothing to undo\n"


def test_undo_add_removes_the_task_from_lists() -> None:
    add("a")
    add("b")
    assert ok("undo").stdout == "Undid add: 2 'b'\n"
    assert ids() == [1]
    assert ids("--status", "deleted") == [2]


def test_undo_done_of_several_ids_is_one_step() -> None:
    add("a")
    add("b")
    ok("done", "1", "2")
    out = ok("undo").stdout
    assert out.startswith("Undid done:")
    assert "'a'" in out and "'b'" in out
    assert [(t["status"], t["completed"]) for t in all_tasks().values()] == [
        ("pending", None), ("pending", None)
    ]


def test_undo_edit_restores_every_field() -> None:
    original = add("a tomorrow #x !low", "--notes", "n")
    ok("edit", "1", "--title", "b", "--notes", "m", "--due", "2027-01-15 09:00", "-p", "high",
       "--tag", "y", "--untag", "x")
    assert ok("undo").stdout == "Undid edit: 1 'a'\n"

    now = show(1)
    for key in ("title", "notes", "due", "priority", "tags", "status", "completed"):
        assert now[key] == original[key], key


def test_undo_rm_brings_tasks_back() -> None:
    add("a")
    add("b")
    ok("done", "2")
    ok("rm", "1", "2")
    ok("undo")
    assert [t["status"] for t in all_tasks().values()] == ["pending", "completed"]


def test_undo_import_removes_what_it_added(tmp_path: Path) -> None:
    add("mine")
    sample = tmp_path / "in.txt"
    sample.write_text("first line\nsecond line\n", encoding="utf-8")
    ok("import", "--format", "todotxt", str(sample))
    assert ids() == [1, 2, 3]

    assert ok("undo").stdout.startswith("Undid import:")
    assert ids() == [1]


def test_repeated_undo_walks_back_then_runs_out() -> None:
    add("a")
    add("b")
    ok("done", "1")
    ok("edit", "2", "--title", "B")

    assert ok("undo").stdout == "Undid edit: 2 'b'\n"
    assert ok("undo").stdout == "Undid done: 1 'a'\n"
    assert show(1)["status"] == "pending"
    assert ok("undo").stdout == "Undid add: 2 'b'\n"
    assert ok("undo").stdout == "Undid add: 1 'a'\n"
    assert ids() == []
    fails(1, "undo")


def test_undo_reverts_the_last_command_even_after_later_reads() -> None:
    add("a")
    ok("list")
    ok("show", "1")
    ok("export")
    assert ok("undo").stdout == "Undid add: 1 'a'\n"


def test_undo_after_an_import_that_added_nothing_still_undoes_the_import(
    tmp_path: Path,
) -> None:
    sample = tmp_path / "in.txt"
    sample.write_text("first line\nsecond line\n", encoding="utf-8")
    ok("import", "--format", "todotxt", str(sample))
    assert "Imported 0 tasks" in ok("import", "--format", "todotxt", str(sample)).stdout

    out = ok("undo").stdout
    # The second import changed nothing; undo should revert the last real change.
    assert out.startswith("Undid import:"), out
    assert ids() == []


def test_history_shows_creation_and_completion_with_old_and_new() -> None:
    add("a")
    ok("done", "1")
    completed = show(1)["completed"]
    lines = history(1)

    assert re.fullmatch(rf"{STAMP}  created", lines[0])
    assert re.fullmatch(rf"{STAMP}  completed", lines[1])
    assert lines[2:] == [
        "    status: pending -> completed",
        f"    completed: - -> {completed}",
    ]


def test_history_of_an_edit_lists_each_changed_field() -> None:
    add("a #x")
    ok("edit", "1", "--title", "b", "-p", "high", "--due", "2027-01-15", "--tag", "y")
    lines = history(1)
    assert history_kinds(1) == ["created", "updated"]
    assert sorted(lines[2:]) == sorted([
        "    title: a -> b",
        "    priority: none -> high",
        "    tags: #x -> #x #y",
        "    due: - -> 2027-01-15",
    ])


def test_history_records_delete_restore_and_undo() -> None:
    add("a")
    ok("rm", "1")
    ok("restore", "1")
    ok("undo")
    assert history_kinds(1) == ["created", "deleted", "restored", "deleted"]
    assert "    status: pending -> deleted" in history(1)


def test_history_calls_restoring_a_completed_task_restored() -> None:
    add("a")
    ok("done", "1")
    ok("rm", "1")
    ok("restore", "1")
    assert show(1)["status"] == "completed"
    assert history_kinds(1) == ["created", "completed", "deleted", "restored"]


def test_history_is_oldest_first_and_json_free() -> None:
    add("a")
    ok("edit", "1", "--title", "b")
    ok("edit", "1", "--title", "c")
    lines = history(1)
    assert [line for line in lines if "title" in line] == [
        "    title: a -> b", "    title: b -> c"
    ]
    with pytest.raises(json.JSONDecodeError):
        json.loads("\n".join(lines))
