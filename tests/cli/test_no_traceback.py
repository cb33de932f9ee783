"""Inputs that used to end in a traceback: each now ends in one error line and a documented
exit code (2 bad input, 1 an unexpected failure), and writes nothing."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import (
    TODO_BIN,
    add,
    all_tasks,
    cli_env,
    fails,
    history,
    ok,
    one_error_line,
    run,
    todo_process,
    todo_unprivileged,
)

pytestmark = pytest.mark.usefixtures("home")


def test_history_and_audit_show_changed_reminders() -> None:
    add("call bob", "--due", "2027-01-05 10:00", "--remind", "1h before")
    ok("edit", "1", "--due", "2027-01-06 10:00")  # the relative reminder follows the due
    ok("remind", "1", "at 2027-01-04 09:00")

    changes = [line for line in history(1) if "reminders:" in line]
    audit = [line for line in ok("audit").stdout.splitlines() if "reminders:" in line]

    assert changes[0] == (
        "    reminders: 2027-01-05T09:00:00+01:00 (1h before, pending) -> "
        "2027-01-06T09:00:00+01:00 (1h before, pending)"
    )
    assert "2027-01-04T09:00:00+01:00 (at, pending)" in changes[1]
    assert audit == changes


def test_skip_onto_an_occurrence_that_has_an_instance_is_refused() -> None:
    add("water plants every day at 9am")
    ok("done", "1")  # makes task 2, the next occurrence
    ok("reopen", "1")
    before = all_tasks()

    error = one_error_line(fails(2, "skip", "1").stderr)

    assert error == (
        "error: task 1's next occurrence is already task 2 (pending): "
        "complete or delete task 1 instead"
    )
    assert all_tasks() == before


@pytest.mark.parametrize(
    "args",
    [
        ["add", "x", "--due", "9999-12-31 23:59"],
        ["add", "x due 9999-12-31"],
        ["add", "x", "--due", "1899-12-31"],
        ["add", "x", "--due", "3000-01-01"],
        ["add", "x every day until 9999-12-31"],
        ["list", "--due-before", "9999-12-31"],
        ["audit", "--since", "0001-01-01"],
    ],
)
def test_dates_outside_the_range_are_refused(args: list[str]) -> None:
    error = one_error_line(fails(2, *args).stderr)
    assert "dates go from 1900-01-01 to 2999-12-31" in error
    assert all_tasks() == {}
    ok("export")


def test_the_last_and_first_day_of_the_range_are_fine() -> None:
    assert add("late", "--due", "2999-12-31 23:59")["due"] == "2999-12-31T23:59:00+01:00"
    assert add("early", "--due", "1900-01-01")["due"] == "1900-01-01"
    exported = json.loads(ok("export").stdout)
    assert [t["title"] for t in exported] == ["late", "early"]


@pytest.mark.parametrize(
    "task",
    [
        {"title": "x", "due": "9999-12-31T23:59:00+01:00"},
        {"title": "x", "due": "0001-01-01"},
        {"title": "x", "created": "9999-12-31T23:59:00+00:00"},
        {"title": "x", "reminders": [{"at": "9999-12-31T23:59:00+01:00", "before": None,
                                      "state": "pending"}]},
    ],
)
def test_imported_dates_outside_the_range_are_refused(
    tmp_path: Path, task: dict[str, object]
) -> None:
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    assert "dates go from 1900-01-01" in one_error_line(fails(2, "import", str(path)).stderr)
    ok("export")
    assert all_tasks() == {}


def test_an_icalendar_due_at_the_end_of_year_9999_is_refused(tmp_path: Path) -> None:
    # Found by tests/cli/test_fuzz.py: converting it to local time overflowed.
    path = tmp_path / "tasks.ics"
    path.write_text("BEGIN:VCALENDAR\nBEGIN:VTODO\nSUMMARY:x\nDUE:99991231T235900Z\n"
                    "END:VTODO\nEND:VCALENDAR\n", encoding="utf-8")
    assert one_error_line(fails(2, "import", str(path)).stderr) == (
        "error: task 1 ('x'): due 9999-12-31T23:59:00+00:00 is out of range: "
        "dates go from 1900-01-01 to 2999-12-31; nothing was imported"
    )
    assert all_tasks() == {}


def test_a_snooze_beyond_any_date_is_refused() -> None:
    add("x", "--due", "2027-01-05")
    before = all_tasks()
    one_error_line(fails(2, "snooze", "1", "99999999d").stderr)
    one_error_line(fails(2, "snooze", "1", "500000d").stderr)
    assert all_tasks() == before


@pytest.mark.parametrize("digits", [20, 5000])
@pytest.mark.parametrize(
    "args",
    [["show", "{n}"], ["done", "1", "{n}"], ["history", "{n}"], ["edit", "{n}", "--title", "y"],
     ["remind", "{n}", "at 3pm"], ["recur", "{n}", "daily"], ["list", "--limit", "{n}"],
     ["list", "--upcoming", "{n}"], ["audit", "-n", "{n}"]],
)
def test_huge_numbers_are_bad_input(args: list[str], digits: int) -> None:
    add("x")
    before = all_tasks()
    number = "9" * digits
    result = fails(2, *[a.replace("{n}", number) for a in args])
    assert "Invalid value" in result.stderr
    assert all_tasks() == before


@pytest.mark.parametrize(
    "text",
    ["[" * 100_000, '{"a":' * 100_000, "[" * 100_000 + "]" * 100_000],
    ids=["open-arrays", "open-objects", "closed-arrays"],
)
def test_deeply_nested_json_is_bad_input(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    error = one_error_line(fails(2, "import", str(path)).stderr)
    assert error == "error: invalid JSON: arrays or objects nested too deeply for a task list"


def test_invalid_utf8_in_arguments_is_bad_input(home: Path) -> None:
    env = cli_env(home)
    proc = todo_process("add", "caf\udce9 \udcff", env=env)  # the bytes b"caf\xe9 \xff"
    assert proc.returncode == 2
    assert one_error_line(proc.stderr) == (
        r"error: argument 2 (caf\xe9 \xff) is not valid UTF-8 text"
    )
    assert all_tasks() == {}


def test_import_of_text_that_is_not_utf8_is_bad_input(home: Path, tmp_path: Path) -> None:
    latin1 = "(A) café +x\n".encode("latin-1")
    piped = subprocess.run([str(TODO_BIN), "import", "-"], input=latin1, capture_output=True,
                           env=cli_env(home), timeout=60)
    path = tmp_path / "latin1.txt"
    path.write_bytes(latin1)

    assert piped.returncode == 2
    assert one_error_line(piped.stderr.decode()) == (
        "error: standard input is not UTF-8 text (byte 7); save it as UTF-8"
    )
    assert one_error_line(fails(2, "import", str(path)).stderr) == (
        f"error: {path} is not UTF-8 text (byte 7); save it as UTF-8"
    )
    assert all_tasks() == {}


def test_a_setting_in_the_environment_that_is_not_utf8_is_named(home: Path) -> None:
    proc = todo_process("add", "x", env=cli_env(home, TODO_USER="caf\udce9"))
    assert proc.returncode == 2
    assert one_error_line(proc.stderr) == (
        r"error: environment variable TODO_USER (caf\xe9) is not valid UTF-8 text"
    )
    assert all_tasks() == {}


@pytest.mark.parametrize(
    "args", [["add", "a\ud800b"], ["add", "x", "--notes", "\udfff"], ["list", "-s", "\ud83d"]]
)
def test_lone_surrogates_are_bad_input(args: list[str]) -> None:
    assert "is not valid UTF-8 text" in one_error_line(fails(2, *args).stderr)
    assert all_tasks() == {}


def test_export_to_a_missing_folder_or_a_folder_is_bad_input(tmp_path: Path) -> None:
    add("x")
    missing = tmp_path / "nope" / "out.json"
    assert one_error_line(fails(2, "export", "-o", str(missing)).stderr) == (
        f"error: cannot write --output {missing}: No such file or directory"
    )
    assert one_error_line(fails(2, "export", "-o", str(tmp_path)).stderr) == (
        f"error: cannot write --output {tmp_path}: Is a directory"
    )
    assert not missing.parent.exists()


def test_export_to_an_unwritable_file_is_bad_input(home: Path, tmp_path: Path) -> None:
    add("x")
    target = tmp_path / "out.json"
    target.write_text("keep\n", encoding="utf-8")
    target.chmod(0o444)

    proc = todo_unprivileged("export", "-o", str(target), env=cli_env(home))

    assert proc.returncode == 2
    error = one_error_line(proc.stderr)
    assert error == f"error: cannot write --output {target}: Permission denied"
    assert target.read_text(encoding="utf-8") == "keep\n"


def test_a_config_file_that_is_not_utf8_is_named(home: Path) -> None:
    (home / "config.toml").write_bytes(b'user = "caf\xe9"\n')
    error = one_error_line(fails(2, "list").stderr)
    assert error == (
        f"error: the config file {home / 'config.toml'} is not UTF-8 text (byte 11); "
        "save it as UTF-8"
    )


def test_a_config_file_that_cannot_be_read_is_named(home: Path) -> None:
    (home / "config.toml").mkdir()
    error = one_error_line(fails(2, "list").stderr)
    assert error == f"error: cannot read the config file {home / 'config.toml'}: Is a directory"


def test_todo_home_that_is_a_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("x\n", encoding="utf-8")
    monkeypatch.setenv("TODO_HOME", str(afile))
    error = one_error_line(fails(2, "list").stderr)
    assert error == f"error: TODO_HOME={afile} is a file, not a folder: point it at a folder"


@pytest.mark.parametrize(
    "text",
    ["Dear Anna,\nthanks for the letter.\nSee you soon\n", "def f(x):\n    return x\n",
     "[urgent] call Bob\n", "# README\n\nSee https://example.com for more.\n"],
)
def test_import_refuses_a_file_that_is_clearly_no_known_format(tmp_path: Path, text: str) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(text, encoding="utf-8")

    error = one_error_line(fails(2, "import", str(path)).stderr)

    assert "json, taskwarrior, todotxt, ical" in error
    assert "--format todotxt" in error
    assert all_tasks() == {}
    forced = ok("import", "--format", "todotxt", str(path)).stdout
    assert forced.startswith("Imported ") and "(todotxt)" in forced


def test_import_still_detects_todotxt_with_its_marks(tmp_path: Path) -> None:
    path = tmp_path / "todo.txt"
    path.write_text("(A) call plumber\nbuy milk +errands\nplain line\n", encoding="utf-8")
    assert ok("import", str(path)).stdout == "Imported 3 tasks (todotxt); 0 already present\n"


def test_an_unexpected_failure_is_one_line_with_exit_1(home: Path) -> None:
    # A database written by an older version that let a due at the very end of year 9999 in.
    add("x", "--due", "2027-01-05 10:00")
    with sqlite3.connect(home / "todo.db") as db:
        db.execute("UPDATE task SET due_at = '9999-12-31 22:59:00.000000'")
    env = cli_env(home)

    proc = todo_process("export", env=env)
    debug = todo_process("export", env={**env, "TODO_DEBUG": "1"})

    assert (proc.returncode, proc.stdout) == (1, "")
    # Export samples the zone's offsets every 12 hours from the first instant (a created
    # time, so the time of day the test runs) on; whether the last sample is past the year
    # 9999 in UTC or only in Berlin decides which of the two errors Python raises.
    assert re.fullmatch(
        r"error: unexpected failure \((ValueError: year 10000 is out of range|"
        r"OverflowError: date value out of range)\); this is a bug: TODO_DEBUG=1 shows where",
        one_error_line(proc.stderr),
    )
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr
    assert run("list").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [["import", "a\x00b"], ["export", "--output", "a\x00b"]],
    ids=["import", "export"],
)
def test_a_file_name_with_a_nul_byte_is_bad_input(args: list[str]) -> None:
    # Found by the CLI fuzz test: the OS refuses such a name with ValueError, not OSError.
    result = fails(2, *args)
    assert "NUL" in result.stderr
