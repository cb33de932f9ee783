"""Issue 15 on the CLI: subtasks (--parent, done --with-children, rm, list --tree, show)
and dependencies (--depends, --no-depends, cycles, the blocked mark)."""

from __future__ import annotations

import pytest

from tests.cli.helpers import add, all_tasks, fails, ok, show, tasks_json

pytestmark = pytest.mark.usefixtures("home")


def test_add_with_parent_and_depends_and_json_carries_the_links() -> None:
    add("paint the fence")
    add("buy brush")
    child = add("buy paint", "--parent", "1", "--depends", "2")
    assert (child["parent"], child["depends"], child["blocked"]) == (1, [2], True)
    assert show(1)["children"] == 1
    listed = {t["id"]: t for t in tasks_json()}
    assert (listed[3]["parent"], listed[3]["blocked"], listed[2]["blocked"]) == (1, True, False)


def test_edit_sets_and_clears_the_links() -> None:
    for title in ("a", "b", "c"):
        add(title)
    ok("edit", "3", "--parent", "1", "--depends", "1,2")
    assert (show(3)["parent"], show(3)["depends"]) == (1, [1, 2])
    ok("edit", "3", "--no-parent", "--no-depends")
    assert (show(3)["parent"], show(3)["depends"], show(3)["blocked"]) == (None, [], False)
    err = fails(2, "edit", "3", "--depends", "1", "--no-depends").stderr
    assert "--depends or --no-depends" in err
    assert "'x' is not a task id" in fails(2, "edit", "3", "--depends", "1,x").stderr


def test_cycles_are_refused_naming_the_cycle() -> None:
    for title in ("a", "b"):
        add(title)
    ok("edit", "2", "--depends", "1")
    assert "dependency cycle: 1 -> 2 -> 1" in fails(2, "edit", "1", "--depends", "2").stderr
    ok("edit", "2", "--parent", "1")
    assert "1 -> 2 -> 1" in fails(2, "edit", "1", "--parent", "2").stderr
    assert "no task with id 9" in fails(2, "add", "x", "--parent", "9").stderr


def test_done_refuses_a_parent_with_open_children_unless_with_children() -> None:
    add("move")
    add("pack", "--parent", "1")
    add("label boxes", "--parent", "2")
    err = fails(2, "done", "1").stderr
    assert "open subtasks: 2, 3" in err and "--with-children" in err
    assert show(1)["status"] == "pending"
    out = ok("done", "1", "--with-children").stdout
    assert "pack" in out and "label boxes" in out
    assert [t["status"] for t in all_tasks().values()] == ["completed"] * 3
    ok("undo")
    assert [t["status"] for t in all_tasks().values()] == ["pending"] * 3


def test_rm_deletes_the_children_and_undo_brings_all_back() -> None:
    add("trip")
    add("book", "--parent", "1")
    add("other")
    ok("rm", "1")
    assert {i: t["status"] for i, t in all_tasks().items()} == {
        1: "deleted", 2: "deleted", 3: "pending"}
    ok("undo")
    assert {t["status"] for t in all_tasks().values()} == {"pending"}


def test_list_tree_indents_children_and_marks_blocked_rows() -> None:
    add("garden")
    add("errand")
    add("dig", "--parent", "1", "--depends", "2")
    add("plant", "--parent", "3")
    lines = ok("list", "--tree", "--sort", "id").stdout.splitlines()
    titles = [line[12:] for line in lines]  # after "ID  P  Due  " (2 + 2 + 1 + 2 + 3 + 2)
    assert titles == ["garden", "└ dig [blocked]", "  └ plant", "errand"]
    # A child whose parent is not listed shows at the top level.
    only = ok("list", "--tree", "dig or plant").stdout.splitlines()
    assert [line[12:] for line in only] == ["dig [blocked]", "└ plant"]


def test_show_lists_parent_children_blockers_and_what_it_blocks() -> None:
    add("release")
    add("notes", "--parent", "1")
    add("build")
    ok("edit", "1", "--depends", "3")
    add("announce", "--depends", "1")
    out = ok("show", "1").stdout
    assert "Subtasks  2  notes" in out
    assert "Depends   3  build" in out
    assert "Blocks    4  announce" in out
    assert "Blocked   yes" in out
    assert "Parent    1  release" in ok("show", "2").stdout
