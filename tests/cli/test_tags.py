"""`todo tags` (pending counts) and `todo tags rename OLD NEW` (merging into NEW)."""

from __future__ import annotations

import pytest

from tests.cli.helpers import add, all_tasks, fails, ids, ok

pytestmark = pytest.mark.usefixtures("home")


def test_tags_count_pending_tasks_only() -> None:
    add("a #x #y")
    add("b #x")
    add("c #x #done-only")
    add("d #z")
    ok("done", "3")
    ok("rm", "4")

    assert ok("tags").stdout == "#x  2\n#y  1\n"


def test_no_tags_prints_nothing() -> None:
    add("a")
    assert ok("tags").stdout == ""


def test_rename_moves_the_tag_on_every_task() -> None:
    add("a #work")
    add("b #work #home")
    add("c #home")

    assert ok("tags", "rename", "work", "job").stdout == "Renamed #work to #job on 2 tasks\n"
    tasks = all_tasks()
    assert [t["tags"] for t in tasks.values()] == [["job"], ["home", "job"], ["home"]]
    assert ids("--tag", "job") == [1, 2]
    assert ids("--tag", "work") == []
    assert ok("tags").stdout == "#home  2\n#job   2\n"


def test_rename_merges_into_an_existing_tag() -> None:
    add("a #a #b")
    add("b #a")
    add("c #b")

    assert ok("tags", "rename", "a", "b").stdout == "Renamed #a to #b on 2 tasks\n"
    assert [t["tags"] for t in all_tasks().values()] == [["b"], ["b"], ["b"]]
    assert ok("tags").stdout == "#b  3\n"


def test_rename_accepts_hash_and_case() -> None:
    add("a #work")
    assert ok("tags", "rename", "#Work", "+Job").stdout == "Renamed #work to #job on 1 task\n"
    assert all_tasks()[1]["tags"] == ["job"]


def test_rename_reaches_completed_and_deleted_tasks() -> None:
    add("a #old")
    add("b #old")
    ok("done", "1")
    ok("rm", "2")
    ok("tags", "rename", "old", "new")
    assert [t["tags"] for t in all_tasks().values()] == [["new"], ["new"]]


def test_rename_to_an_invalid_tag_is_exit_2_and_changes_nothing() -> None:
    add("a #home")
    before = all_tasks()
    result = fails(2, "tags", "rename", "home", "9x")
    assert "'9x'" in result.stderr
    assert all_tasks() == before


def test_rename_of_an_unknown_tag_is_exit_1() -> None:
    add("a #home")
    assert "'nosuch'" in fails(1, "tags", "rename", "nosuch", "other").stderr


def test_rename_can_be_undone() -> None:
    add("a #a #b")
    ok("tags", "rename", "a", "b")
    assert ok("undo").stdout == "Undid tag-rename: 1 'a'\n"
    assert all_tasks()[1]["tags"] == ["a", "b"]
