"""Issue 15 on the CLI: projects (quick add, options, list, tree, rename) and the wait,
scheduled and until dates. Measured first: `todo add buy milk project:home` kept
"project:home" in the title with exit 0, and `wait:fri` was silently ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.cli.helpers import add, berlin_iso, fails, ids, ok, show, tasks_json, today

pytestmark = pytest.mark.usefixtures("home")


def _next_weekday(weekday: int) -> int:
    return (weekday - today().weekday()) % 7 or 7


def test_project_in_quick_add_is_the_project_not_title() -> None:
    task = add("buy milk project:home")
    assert task["title"] == "buy milk"
    assert task["project"] == "home"
    assert show(task["id"])["project"] == "home"


def test_taskwarrior_and_short_project_forms() -> None:
    assert add("a pro:home")["project"] == "home"
    assert add("b proj:home/garden")["project"] == "home/garden"
    assert add("c ^home/garden")["project"] == "home/garden"
    assert add("d ^ e")["title"] == "d ^ e"


def test_wait_in_quick_add_is_kept_and_hides_the_task() -> None:
    friday = today() + timedelta(days=_next_weekday(4))
    task = add("call bob wait:fri")
    assert task["title"] == "call bob"
    assert task["wait"] == berlin_iso(friday, 0)
    visible = add("visible")
    assert ids() == [visible["id"]]
    assert ids("--waiting") == [task["id"]]


def test_scheduled_and_until_dates() -> None:
    task = add("paint fence sch:tomorrow until:tomorrow")
    tomorrow = today() + timedelta(days=1)
    assert task["scheduled"] == tomorrow.isoformat()
    # until a day means to the end of it: the start of the next day.
    assert task["until"] == berlin_iso(tomorrow + timedelta(days=1), 0)


def test_options_set_the_fields() -> None:
    task = add("x", "--project", "work/q4", "--wait", "2030-01-02", "--scheduled",
               "2030-01-03", "--until", "2030-01-04")
    assert task["project"] == "work/q4"
    assert task["wait"] == berlin_iso(today().replace(2030, 1, 2), 0)
    assert task["scheduled"] == "2030-01-03"
    assert task["until"] == berlin_iso(today().replace(2030, 1, 5), 0)


def test_a_bad_date_field_names_it() -> None:
    result = fails(2, "add", "x", "wait:blursday")
    assert "wait" in result.stderr and "blursday" in result.stderr


def test_a_bad_project_names_the_empty_part() -> None:
    result = fails(2, "add", "x", "--project", "home//garden")
    assert "empty part" in result.stderr


def test_edit_sets_and_clears_project_and_dates_undoably() -> None:
    task = add("x")
    ok("edit", str(task["id"]), "--project", "home", "--wait", "2030-01-02",
       "--scheduled", "2030-01-03", "--until", "2030-01-04")
    edited = show(task["id"])
    assert (edited["project"], edited["scheduled"]) == ("home", "2030-01-03")
    ok("edit", str(task["id"]), "--no-project", "--no-wait", "--no-scheduled", "--no-until")
    cleared = show(task["id"])
    assert [cleared[k] for k in ("project", "wait", "scheduled", "until")] == [None] * 4
    ok("undo")
    assert show(task["id"])["project"] == "home"


def test_list_project_includes_sub_projects_only() -> None:
    home = add("a project:home")["id"]
    garden = add("b project:home/garden")["id"]
    add("c project:homework")
    add("d")
    assert ids("--project", "home") == [home, garden]
    assert ids("--project", "home/garden") == [garden]


def test_today_includes_tasks_scheduled_today_or_earlier() -> None:
    scheduled = add("s sch:today")["id"]
    add("later sch:tomorrow")
    assert scheduled in ids("--today")
    assert len(ids("--today")) == 1


def test_show_prints_the_fields() -> None:
    task = add("x project:home sch:2030-01-03 wait:2030-01-01 until:2030-01-05")
    out = ok("show", str(task["id"])).stdout
    assert "Project   home\n" in out
    assert "Wait      2030-01-01\n" in out
    assert "Scheduled 2030-01-03\n" in out
    # until a day is stored as the next day's start, and shown as the day typed.
    assert "Until     2030-01-05 (end of day)\n" in out


def test_projects_tree_with_counts_and_rename_in_one_undo() -> None:
    add("a project:home")
    add("b project:home/garden")
    add("c project:home/garden")
    data = tasks_json_projects()
    assert data == [{"name": "home", "project": "home", "pending": 1, "total": 3, "children": [
        {"name": "garden", "project": "home/garden", "pending": 2, "total": 2, "children": []},
    ]}]
    ok("projects", "rename", "home", "house")
    assert [t["project"] for t in tasks_json()] == ["house", "house/garden", "house/garden"]
    ok("undo")
    assert [t["project"] for t in tasks_json()] == ["home", "home/garden", "home/garden"]


def tasks_json_projects() -> object:
    import json

    return json.loads(ok("projects", "--json").stdout)


def test_todo_alone_shows_tasks_scheduled_today_or_earlier() -> None:
    add(f"planned sch:{today() - timedelta(days=1)}")
    add("not yet sch:tomorrow")
    out = ok().stdout
    assert "planned" in out and "not yet" not in out


def test_projects_json_refused_on_rename() -> None:
    add("a project:home")
    fails(2, "projects", "--json", "rename", "home", "x")
    assert ok("projects").stdout.splitlines() == ["home  1"]


def test_the_expression_is_waiting_lists_waiting_tasks() -> None:
    waiting = add("w wait:fri +work")["id"]
    plain = add("p +work")["id"]
    assert ids("is:waiting") == [waiting]
    assert sorted(ids("is:waiting or +work")) == [waiting, plain]
    assert ids("+work") == [plain]
    assert ids("--project", "x") == []
