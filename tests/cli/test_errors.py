"""Errors at the edge: exit 1 for what does not exist, 2 for bad input, 3 for storage;
a message on stderr naming the offending part, no traceback, and nothing written."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.helpers import (
    add,
    all_tasks,
    cli_env,
    fails,
    history,
    ids,
    isolate,
    ok,
    todo_process,
)


@pytest.fixture(scope="module")
def _one_task_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("errors")
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, home)
        add("keep me", "--due", "2027-01-15", "-t", "x")
    return home


@pytest.fixture
def one_task(_one_task_home: Path) -> Iterator[None]:
    """A home shared by tests that must write nothing: task 1 'keep me', nothing else."""
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, _one_task_home)
        yield


@pytest.mark.usefixtures("home")
def test_done_with_one_missing_id_changes_nothing() -> None:
    add("pay rent")
    before = all_tasks()

    result = fails(1, "done", "1", "99")

    assert result.stderr == "error: no task with id 99\n"
    assert all_tasks() == before
    assert ids() == [1]
    assert [line.split()[-1] for line in history(1)] == ["created"]
    # No operation was recorded: undo still finds the add.
    assert ok("undo").stdout == "Undid add: 1 'pay rent'\n"


@pytest.mark.usefixtures("one_task")
def test_every_missing_id_is_named() -> None:
    assert "no tasks with id 5, 6" in fails(1, "rm", "5", "1", "6").stderr
    assert ids() == [1]


@pytest.mark.parametrize(
    "args",
    [["show", "42"], ["edit", "42", "--title", "x"], ["reopen", "42"], ["restore", "42"],
     ["history", "42"], ["rm", "42"], ["done", "42"]],
)
@pytest.mark.usefixtures("one_task")
def test_unknown_id_is_exit_1_naming_the_id(args: list[str]) -> None:
    assert "42" in fails(1, *args).stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["add", "x", "--due", "2026-02-30"], "'2026-02-30'"),
        (["add", "x feb 30"], "'feb 30'"),
        (["add", "x at 25:00"], "'25:00'"),
        (["add", "x", "--due", "someday"], "'someday'"),
        (["add", "x", "-p", "urgent"], "'urgent'"),
        (["add", "x", "--priority", "p9"], "'p9'"),
        (["add", "x", "-t", "9lives"], "'9lives'"),
        (["add", "x", "--tag", "two words"], "'two words'"),
        (["add", ""], "title"),
        (["add", "   "], "title"),
        (["add", "#only #tags !high"], "title"),
        (["add", "x" * 1001], "1000"),
        (["edit", "1", "--due", "2026-13-01"], "'2026-13-01'"),
        (["edit", "1", "-p", "7"], "'7'"),
        (["edit", "1", "--title", "  "], "title"),
        (["edit", "1", "--tag", "-x"], "'-x'"),
        (["list", "--due-before", "someday"], "--due-before"),
        (["list", "--due-after", "2026-02-30"], "'2026-02-30'"),
        (["list", "-p", "x"], "'x'"),
        (["list", "--tag", "bad tag!"], "'bad tag!'"),
        (["count", "--search", "!?"], "'!?'"),
        (["list", "--bogus"], "--bogus"),
        (["add", "x", "--colour", "red"], "--colour"),
        (["list", "--sort", "bogus"], "'bogus'"),
        (["export", "--format", "pdf"], "'pdf'"),
        (["show", "abc"], "task_id"),
        (["done"], "ids"),
        (["add"], "text"),
        (["frobnicate"], "frobnicate"),
    ],
)
@pytest.mark.usefixtures("one_task")
def test_bad_input_is_exit_2_naming_the_part_and_writes_nothing(
    args: list[str], named: str
) -> None:
    before = all_tasks()

    result = fails(2, *args)

    assert named.lower() in result.stderr.lower()
    assert all_tasks() == before
    assert len(history(1)) == 1


@pytest.mark.usefixtures("one_task")
def test_messages_from_the_core_have_one_error_line() -> None:
    result = fails(2, "add", "x", "--due", "2026-02-30")
    assert result.stderr == "error: '2026-02-30' is not a valid date\n"


@pytest.mark.usefixtures("home")
def test_unsupported_database_url_is_a_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_DATABASE__URL", "mysql://db.example/todo")
    result = fails(3, "list")
    assert "mysql" in result.stderr


def test_errors_from_the_real_script_have_no_traceback(home: Path) -> None:
    env = cli_env(home)
    assert todo_process("add", "pay rent", env=env).returncode == 0

    missing = todo_process("done", "1", "99", env=env)
    assert (missing.returncode, missing.stdout) == (1, "")
    assert missing.stderr == "error: no task with id 99\n"

    bad = todo_process("add", "x", "--due", "2026-02-30", env=env)
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "error: '2026-02-30' is not a valid date\n"

    unknown = todo_process("list", "--bogus", env=env)
    assert unknown.returncode == 2
    assert "--bogus" in unknown.stderr
    for proc in (missing, bad, unknown):
        assert "Traceback" not in proc.stderr
    assert ids() == [1]
