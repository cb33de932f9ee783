"""The CLI against the real PostgreSQL server (TODO_DATABASE__URL), a handful of flows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import (
    add,
    all_tasks,
    berlin_iso,
    day,
    fails,
    history_kinds,
    ids,
    ok,
    tasks_json,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_home(todo_home: Path, pg_schema_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TODO_DATABASE__URL", pg_schema_url)
    return todo_home


def test_add_list_search_and_filters(pg_home: Path) -> None:
    task = add("pay rent tomorrow 9am #home !high", "--notes", "landlord wants cash")
    add("water plants #home", "--due", str(day(-1)))
    add("read book")

    assert task["due"] == berlin_iso(day(1), 9)
    assert ids() == [2, 1, 3]
    assert ids("--search", "landl") == [1]
    assert ids("--search", "pay ren") == [1]
    assert ids("--tag", "home", "-p", "high") == [1]
    assert ids("--overdue") == [2]
    assert ids("--no-due") == [3]
    assert ids("--upcoming", "1") == [1]
    assert ok("count").stdout == "3\n"
    assert ok("tags").stdout == "#home  2\n"
    assert not (pg_home / "todo.db").exists()


def test_several_ids_are_all_or_nothing(pg_home: Path) -> None:
    add("a")
    add("b")
    before = all_tasks()
    assert fails(1, "done", "1", "99").stderr == "error: no task with id 99\n"
    assert all_tasks() == before

    ok("done", "1", "2")
    ok("rm", "2")
    ok("restore", "2")
    assert [t["status"] for t in all_tasks().values()] == ["completed", "completed"]
    assert history_kinds(1) == ["created", "completed"]


def test_undo_and_tag_rename(pg_home: Path) -> None:
    add("a #x #y")
    add("b #x")
    ok("tags", "rename", "x", "y")
    assert [t["tags"] for t in all_tasks().values()] == [["y"], ["y"]]
    ok("undo")
    assert [t["tags"] for t in all_tasks().values()] == [["x", "y"], ["x"]]
    ok("undo")
    ok("undo")
    assert ids() == []
    fails(1, "undo")


def test_export_from_postgres_imports_into_sqlite_identically(
    pg_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add("pay rent #home !high", "--due", "2027-01-15", "--notes", "cash")
    add("dentist", "--due", "2027-01-16 09:30")
    add("done thing")
    ok("done", "3")
    exported = ok("export").stdout
    dump = tmp_path / "dump.json"
    dump.write_text(exported, encoding="utf-8")

    monkeypatch.delenv("TODO_DATABASE__URL")
    assert ok("import", str(dump)).stdout == "Imported 3 tasks (json); 0 already present\n"
    assert ok("export").stdout == exported
    assert (pg_home / "todo.db").exists()
    assert json.loads(exported)[1]["due"] == "2027-01-16T09:30:00+01:00"


def test_config_show_names_the_environment(pg_home: Path, pg_schema_url: str) -> None:
    line = next(x for x in ok("config", "show").stdout.splitlines()
                if x.startswith("database.url"))
    assert pg_schema_url in line
    assert line.endswith("env TODO_DATABASE__URL")
    assert tasks_json() == []
