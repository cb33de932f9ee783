"""Saved views (`todo view save|list|rm`, `todo list @NAME`) and the context (`todo context`),
through the real CLI on both stores; the plain (Typer-free) path in a real process."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import TODO_BIN, add, cli_env, fails, ids, ok, show, todo_process


@pytest.fixture(params=["sqlite", "postgresql"])
def store_home(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh TODO_HOME on SQLite, or pointed at a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        home: Path = request.getfixturevalue("home")
        return home
    url = request.getfixturevalue("pg_schema_url")
    monkeypatch.setenv("TODO_DATABASE__URL", url)
    home = request.getfixturevalue("todo_home")
    return home


pytestmark = pytest.mark.usefixtures("store_home")


def _tasks() -> tuple[int, int, int]:
    rent = add("pay rent project:home #bills")["id"]
    weed = add("weed beds project:home/garden #garden")["id"]
    report = add("write report #work !high")["id"]
    return rent, weed, report


def test_save_normalises_lists_and_removes() -> None:
    assert ok("view", "save", "Garden", "project:home", "and", "+garden").stdout == (
        "Saved view garden (project:home +garden)\n")
    ok("view", "save", "urgent", "p:high or (due.before:fri and not +later)")
    assert ok("view", "list").stdout == (
        "  garden  project:home +garden\n"
        "  urgent  p:high or (due.before:fri -later)\n")
    listed = json.loads(ok("view", "list", "--json").stdout)
    assert listed == [
        {"name": "garden", "expression": "project:home +garden", "context": False},
        {"name": "urgent", "expression": "p:high or (due.before:fri -later)", "context": False},
    ]
    ok("view", "save", "garden", "+garden")  # saving again replaces
    assert ok("view", "save", "x", "+a", "-b").stdout == "Saved view x (+a -b)\n"
    ok("view", "rm", "x")
    assert ok("view", "list").stdout.splitlines()[0] == "  garden  +garden"
    assert ok("view", "rm", "garden").stdout == "Removed view garden (+garden)\n"
    assert [v["name"] for v in json.loads(ok("view", "list", "--json").stdout)] == ["urgent"]


def test_bad_names_expressions_and_unknown_views_exit_2() -> None:
    for name in ("none", "-x", "a b", "x" * 65, "@w"):
        fails(2, "view", "save", name, "+a")
    bad = fails(2, "view", "save", "w", "+a", "or")
    assert "column" in bad.stderr and "^" in bad.stderr
    assert "nope" in fails(2, "list", "@nope").stderr
    assert "nope" in fails(2, "count", "@nope").stderr
    assert "nope" in fails(2, "view", "rm", "nope").stderr
    assert "nope" in fails(2, "context", "nope").stderr
    fails(2, "view", "save", "empty", "")


def test_list_and_count_run_a_view_combined_by_and() -> None:
    rent, weed, report = _tasks()
    ok("view", "save", "home", "project:home")
    ok("view", "save", "either", "@home", "or", "+work")
    assert sorted(ids("@home")) == [rent, weed]
    assert ids("@home", "+garden") == [weed]
    assert sorted(ids("@either")) == [rent, weed, report]
    assert ids("@home", "--tag", "bills") == [rent]
    assert ok("count", "@home").stdout == "2\n"
    assert ok("count", "--", "(@home", "or", "p:h)", "-bills").stdout == "2\n"
    ok("view", "save", "done", "status:completed")
    ok("done", str(rent))
    assert ids("@done") == [rent]


def test_export_takes_an_expression_and_a_view() -> None:
    rent, weed, _ = _tasks()
    ok("done", str(rent))
    exported = [task["id"] for task in json.loads(ok("export", "project:home").stdout)]
    assert exported == [rent, weed]  # any status, in id order
    ok("view", "save", "work", "+work")
    assert "write report" in ok("export", "@work", "-f", "todotxt").stdout
    assert "pay rent" not in ok("export", "@work", "-f", "todotxt").stdout
    assert "pay rent" in ok("export", "-f", "todotxt").stdout


def test_context_filters_lists_and_counts_and_fills_adds() -> None:
    rent, weed, report = _tasks()
    ok("view", "save", "garden", "project:home +garden")
    assert ok("context").stdout == "No context\n"
    assert ok("context", "garden").stdout == "Context: garden (project:home +garden)\n"
    assert json.loads(ok("context", "--json").stdout) == {
        "name": "garden", "expression": "project:home +garden", "context": True}
    assert ids() == [weed]
    assert ok("count").stdout == "1\n"
    assert ids("p:h", "or", "+work") == []  # the context is and-ed with all that was typed
    assert ids("--status", "all") == [weed]
    new = add("rake leaves")
    assert (new["project"], new["tags"]) == ("home", ["garden"])
    other = add("fix fence project:work #tools")
    assert (other["project"], other["tags"]) == ("work", ["garden", "tools"])
    assert add("x", "--project", "shed")["project"] == "shed"
    assert "*" in ok("view", "list").stdout.splitlines()[0]
    assert ok("list").stdout.splitlines()[0] != "context: garden (project:home +garden)"
    assert ok("context", "none").stdout == "Context cleared\n"
    assert sorted(ids()) == sorted([rent, weed, report, new["id"], other["id"],
                                    show(new["id"] + 2)["id"]])


def test_removing_the_context_view_ends_the_context() -> None:
    _tasks()
    ok("view", "save", "w", "+work")
    ok("context", "w")
    ok("view", "rm", "w")
    assert ok("context").stdout == "No context\n"
    assert ok("count").stdout == "3\n"


def _env() -> dict[str, str]:
    extra = {"TODO_DATABASE__URL": os.environ["TODO_DATABASE__URL"]} if (
        "TODO_DATABASE__URL" in os.environ) else {}
    return cli_env(Path(os.environ["TODO_HOME"]), **extra)


def test_the_plain_path_applies_the_context(store_home: Path) -> None:
    _tasks()
    bill = add("pay bill today")["id"]
    ok("view", "save", "g", "project:home/garden +garden")
    ok("context", "g")
    env = _env()
    assert todo_process("count", env=env).stdout == "1\n"
    listed = todo_process("list", env=env).stdout
    assert "weed beds" in listed and "pay rent" not in listed
    assert "Added 5" in todo_process("add", "plant", "bulbs", "today", env=env).stdout
    assert (show(5)["project"], show(5)["tags"]) == ("home/garden", ["garden"])
    assert show(bill)["due"] is not None
    today = todo_process(env=env).stdout  # `todo` alone, not on a terminal: Today's list
    assert "plant bulbs" in today and "pay bill" not in today


def test_list_on_a_terminal_shows_the_context_header(store_home: Path) -> None:
    _tasks()
    ok("view", "save", "g", "project:home/garden")
    ok("context", "g")
    leader, follower = pty.openpty()
    with subprocess.Popen([str(TODO_BIN), "list"], stdout=follower, env=_env()) as process:
        os.close(follower)
        process.wait(timeout=60)
    output = os.read(leader, 65536).decode()
    os.close(leader)
    assert output.splitlines()[0] == "context: g (project:home/garden)"
    assert "weed beds" in output
    assert "context:" not in todo_process("list", env=_env()).stdout
