"""`todo add WORDS`, `list WORDS`, `ls`, `count WORDS` and `export` run without Typer
(todo_cli/plain.py): the same output, errors and exit codes as through the Typer app, and only
when nothing needs parsing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.helpers import PYTHON, TODO_BIN, cli_env
from todo_cli import plain

# The Typer app, as `todo` ran every command before the plain path existed.
_THROUGH_TYPER = (
    "import sys\nfrom todo_cli.app import app_for\napp_for(sys.argv[1:])(prog_name='todo')"
)
# Each line runs in order on both paths, so later lines see what earlier ones wrote.
SCRIPT: list[list[str | bytes]] = [
    ["count"],
    ["list"],
    ["add", "pay rent tomorrow at 9am #home !high"],
    ["add", "call", "mum", "+family", "p2"],
    ["add", "water plants every 3 days remind me 1 hour before"],
    ["add", "täglich", "émigré", "日本語", "'quoted'", "#a-b"],
    ["add", ""],  # an empty title: the same error either way
    ["add", "x every 0 days"],  # a quick-add error: exit 2 and one line on stderr
    ["add", b"bad \xff byte"],  # not UTF-8: refused before any command runs
    ["list"],
    ["ls"],
    ["count"],
    # A filter expression: the same command function with the words as its expression.
    ["list", "+home", "p:h"],
    ["ls", "+family"],
    ["count", "+family", "or", "+home"],
    ["list", "p:nonsense"],  # an expression error: the same message and exit code
    ["count", "(", "+home"],
    # The on/off flags of plain.FLAGS, anywhere among the words.
    ["list", "--tree"],
    ["list", "+home", "--tree", "p:h"],
    ["count", "--json"],
    ["count", "+family", "--json"],
]


def _run(argv: list[str | bytes], home: Path, typer_app: bool) -> tuple[int, str, str]:
    head: list[str | bytes] = [PYTHON, "-c", _THROUGH_TYPER] if typer_app else [str(TODO_BIN)]
    proc = subprocess.run(
        [*head, *argv], capture_output=True, env=cli_env(home), timeout=60, cwd=home
    )
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_the_plain_path_prints_what_typer_prints(home: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(home, other)
    for argv in SCRIPT:
        plain_result = _run(argv, home, typer_app=False)
        typer_result = _run(argv, other, typer_app=True)
        assert plain_result == typer_result, argv
    assert _run(["count"], home, typer_app=False)[1] == "4\n"  # the script really added tasks
    # `export` reads only, so both paths export the same database and must match byte for byte.
    exported = _run(["export"], home, typer_app=False)
    assert exported == _run(["export"], home, typer_app=True)
    assert exported[0] == 0 and exported[1].count('"uuid"') == 4


@pytest.mark.parametrize(
    "args",
    [["add", "x"], ["add", "pay", "rent", "#home"], ["list"], ["ls"], ["count"], ["export"],
     ["list", "extra"], ["list", "+work", "p:h"], ["count", "+home", "or", "+work"],
     ["add", "--json", "x"], ["list", "+work", "--json"], ["count", "--json"],
     ["list", "--tree"], ["ls", "--tree", "--json", "+work"]],
)
def test_plain_arguments_take_the_plain_path(args: list[str]) -> None:
    assert plain.command_for(args) is not None


@pytest.mark.parametrize(
    "args",
    [[], ["add"], ["add", "--json"], ["add", "x", "-p", "high"], ["add", "--", "-x"],
     ["add", "-"], ["list", "--tag", "work"], ["list", "+work", "--jsn"], ["count", "--tree"],
     ["ls", "+work", "--"], ["list", "--tree=yes"], ["export", "--json"],
     ["count", "--help"], ["export", "-f", "ical"], ["export", "x"], ["show", "1"], ["done", "1"],
     ["--version"], ["add", "x", "--help"]],
)
def test_anything_to_parse_goes_to_typer(args: list[str]) -> None:
    assert plain.command_for(args) is None


@pytest.mark.parametrize(("name", "flag"),
                         [(name, flag) for name, flags in plain.FLAGS.items() for flag in flags])
def test_each_plain_flag_is_an_on_off_option_of_the_command(name: str, flag: str) -> None:
    from typer.main import get_command

    from todo_cli.app import app_for

    group = get_command(app_for([name]))
    command = group.commands[name]  # type: ignore[attr-defined]
    [option] = [p for p in command.params if flag in p.opts]
    assert option.name == plain.FLAGS[name][flag]
    assert (option.is_flag, option.secondary_opts, option.default) == (True, [], False)


def test_plain_json_flags_print_json(home: Path) -> None:
    import json

    code, out, _ = _run(["add", "--json", "pay", "rent", "#home"], home, typer_app=False)
    assert code == 0 and json.loads(out)["title"] == "pay rent"
    code, out, _ = _run(["list", "+home", "--json"], home, typer_app=False)
    assert code == 0 and [t["tags"] for t in json.loads(out)] == [["home"]]


def test_shell_completion_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(plain.COMPLETION_ENV, "bash_complete")
    assert plain.command_for(["list"]) is None


def test_an_exit_raised_by_the_command_keeps_its_code(home: Path) -> None:
    # A command may end itself with typer.Exit(code) (Click is loaded by then); the plain
    # path exits with that code, as Click would, instead of reporting an unexpected failure.
    import typer

    def ends_with_exit() -> None:
        raise typer.Exit(3)

    assert plain.run(ends_with_exit, ["count"]) == 3


def test_a_command_error_is_one_line_and_its_exit_code(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = plain.command_for(["add", "x every 0 days"])
    assert command is not None
    assert plain.run(command, ["add", "x every 0 days"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
