"""The promise of issue 11, as a property: whatever the arguments, files and config, every
command ends with a documented exit code, never a traceback, and a failed command leaves the
database as it was (same rows in every table, outbox included).

Commands and their options are read from the Typer app, so a new command or option is
fuzzed without touching this file. Left out: what runs until stopped or needs a terminal or
the network (`tui`, `chat`, `mcp`, the worker loops), and what writes outside TODO_HOME
(`worker install-systemd`, `config set-key`).
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.helpers import describe, isolate, ok, run
from todo_cli.app import app

EXIT_CODES = {0, 1, 2, 3, 4}
"""The documented exit codes (README): ok, not found, bad input, storage, the model."""

SKIPPED = {
    ("tui",), ("chat",), ("mcp",), ("worker", "relay"), ("worker", "recurrence"),
    ("worker", "audit"), ("worker", "notify"), ("worker", "all"),
    ("worker", "install-systemd"), ("config", "set-key"),
}


def _commands(cmd: click.Command, path: tuple[str, ...] = ()) -> Iterator[
    tuple[tuple[str, ...], click.Command]
]:
    if path and path not in SKIPPED:
        yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = [(path, cmd) for path, cmd in _commands(typer.main.get_command(app))]

# -- values ---------------------------------------------------------------------------------

WORDS = [
    "tomorrow", "fri", "at 5pm", "every day", "every! 2 weeks", "every month on the 31st",
    "remind me 1h before", "remind at 9999-12-31 23:59", "#tag", "+x", "!high", "p1", "due",
    "in 3 days", "in -3 days", "in 99999999999 years", "9999-12-31 23:59", "0001-01-01",
    "2026-02-30", "25:00", "until dec 31", "for 5 times", "1h", "0m", "P1D", "none", "all",
    "high", "todo.task.created", "1", "2", "3", "0", "-1", "9" * 25, "9" * 5000, "",
    " ", "\x00", "\x1b[31m", "\u202e", "\udcff", "\ud800", "é", "c++", '"quoted"', "--", "-",
]
text = st.one_of(
    st.sampled_from(WORDS),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map(" ".join),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=30),
)
numbers = st.one_of(
    st.integers(-3, 8).map(str),
    st.integers(19, 5000).map(lambda n: "9" * n),
    st.sampled_from(["1.5", "0x10", "1e3", "abc", ""]),
)
JSON_BITS = [
    '[{"title": "imported", "due": "9999-12-31T23:59:00+01:00"}]',
    '[{"title": "ok", "tags": ["a"], "priority": "high"}]',
    '[{"description": "tw", "status": "pending", "entry": "20261101T090000Z"}]',
    '{"title": 5}', "[" * 5000, '{"a":' * 3000, "[1, 2, 3]", '[{"title": "x", "due": 1}]',
    "BEGIN:VCALENDAR\nBEGIN:VTODO\nSUMMARY:x\nDUE:99991231T235900Z\nEND:VTODO\nEND:VCALENDAR\n",
    "BEGIN:VCALENDAR\n" + "BEGIN:VTODO\n" * 2000,
    "(A) 2026-11-01 call +home due:2027-01-20\nx 2026-11-20 done thing\n",
    "(A) bad date due:2026-02-30\n", "hello world\nnot a task list\n",
]
file_contents = st.one_of(
    st.sampled_from(JSON_BITS),
    st.text(st.characters(codec=None, exclude_categories=("Cs",)), max_size=200),
    st.binary(max_size=200),
)
CONFIG_BITS = [
    'user = "fuzz"\n', 'timezone = "Mars/Olympus"\n', "[database]\nbusy_timeout_ms = \"x\"\n",
    "[reminders]\nall_day_time = \"25:00\"\n", "unknown = 1\n", "[kafka]\npartitions = -1\n",
    "this is = not toml [\n", '[notify]\nchannels = "pigeon"\n',
]
configs = st.integers(0, 5).flatmap(  # mostly none: a bad config fails every command alike
    lambda n: st.none() if n else st.one_of(st.sampled_from(CONFIG_BITS), st.binary(max_size=60))
)


@st.composite
def invocations(draw: st.DrawFn, files: Path) -> list[str]:
    """A command and a random selection of its parameters with random values."""
    path, cmd = draw(st.sampled_from(COMMANDS))
    args = list(path)
    for param in cmd.params:
        if isinstance(param, click.Option) and not draw(st.booleans()):
            continue
        values = draw(st.lists(_value(param, files), min_size=1,
                               max_size=3 if param.nargs == -1 or _multiple(param) else 1))
        for value in values:
            if isinstance(param, click.Option):
                flag = draw(st.sampled_from(param.opts))
                args += [flag] if param.is_flag else [flag, value]
            else:
                args.append(value)
    if draw(st.integers(0, 9)) == 0:
        args.insert(draw(st.integers(len(path), len(args))), draw(text))  # a stray argument
    return args


def _multiple(param: click.Parameter) -> bool:
    return bool(getattr(param, "multiple", False))


def _value(param: click.Parameter, files: Path) -> st.SearchStrategy[str]:
    kind = param.type
    if isinstance(param, click.Option) and param.is_flag:
        return st.just("")
    if isinstance(kind, click.Choice):
        return st.one_of(st.sampled_from([str(c) for c in kind.choices]), text)
    if isinstance(kind, (click.types.IntParamType, click.IntRange)):
        return numbers
    if isinstance(kind, click.Path):
        return _paths(files)
    return text


def _paths(files: Path) -> st.SearchStrategy[str]:
    """A path to a file with random content, a folder, or a place that does not exist."""

    def written(content: str | bytes) -> str:
        target = Path(tempfile.mkstemp(dir=files)[1])
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        return str(target)

    return st.one_of(
        file_contents.map(written),
        st.sampled_from([str(files), str(files / "missing" / "x.json"), "-", "/dev/null"]),
    )


# -- the database before and after ----------------------------------------------------------

SEED = [
    ["add", "pay rent every month on the 1st at 9am remind me 1 day before #home !high"],
    ["add", "call mom", "--due", "2027-01-05 10:00", "--remind", "1h before"],
    ["add", "read book +leisure", "--notes", "chapter 3"],
    ["add", "water plants every day"],
    ["done", "4"],
    ["rm", "3"],
]
"""Tasks of every kind: due, timed, recurring, with reminders, done, deleted."""


def sqlite_dump(db: Path) -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )]
        rows = {t: sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{t}"')) for t in tables}
    conn.close()
    return rows


def pg_dump(url: str) -> dict[str, list[str]]:
    """Every row of every table of the schema `url` uses, as text, in a stable order."""
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )]
        return {t: sorted(repr(r) for r in conn.execute(f'SELECT * FROM "{t}"'))
                for t in tables}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with the SEED tasks, copied afresh for each example."""
    home = tmp_path_factory.mktemp("fuzz-template")
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, home)
        for args in SEED:
            ok(*args)
    return home


SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])


@SETTINGS
@given(data=st.data())
def test_no_input_ends_in_a_traceback_or_a_half_write(
    template: Path, tmp_path: Path, data: st.DataObject
) -> None:
    case = Path(tempfile.mkdtemp(dir=tmp_path))
    home = case / "home"
    shutil.copytree(template, home)
    _one_example(data, case, _env(home), lambda: sqlite_dump(home / "todo.db"))
    shutil.rmtree(case)


@pytest.mark.postgres
@settings(SETTINGS, max_examples=60)
@given(data=st.data())
def test_no_input_ends_in_a_traceback_or_a_half_write_on_postgres(
    pg_seeded: str, tmp_path: Path, data: st.DataObject
) -> None:
    # One schema for every example: commands that succeed change it for the next ones, which
    # is fine, since each example compares only its own before and after.
    case = Path(tempfile.mkdtemp(dir=tmp_path))
    home = case / "home"
    home.mkdir()
    _one_example(data, case, {**_env(home), "TODO_DATABASE__URL": pg_seeded},
                 lambda: pg_dump(pg_seeded))
    shutil.rmtree(case)


@pytest.fixture
def pg_seeded(pg_schema_url: str, tmp_path: Path) -> str:
    """A PostgreSQL schema holding the SEED tasks."""
    env = {**_env(tmp_path), "TODO_DATABASE__URL": pg_schema_url}
    for args in SEED:
        assert run(*args, env=env).exit_code == 0
    return pg_schema_url


def _one_example(
    data: st.DataObject, case: Path, env: dict[str, Any], dump: Callable[[], Any]
) -> None:
    home, files = Path(env["TODO_HOME"]), case / "files"
    files.mkdir()
    config: bytes | str | None = data.draw(configs, label="config.toml")
    if config is not None:
        target = home / "config.toml"
        target.write_bytes(config) if isinstance(config, bytes) else target.write_text(config)
    args = data.draw(invocations(files), label="args")
    before = dump()

    with contextlib.chdir(case):  # relative paths (`export -o -`) land in the case folder
        result = run(*args, input="", env=env)

    shown = describe(tuple(args), result)
    assert result.exit_code in EXIT_CODES, shown
    assert "Traceback" not in result.output, shown
    # The edge's last resort (exit 1, "unexpected failure") is documented, but always a bug.
    assert "unexpected failure" not in result.stderr, shown
    assert result.exception is None or isinstance(result.exception, SystemExit), shown
    if result.exit_code != 0:
        assert dump() == before, shown


def _env(home: Path) -> dict[str, Any]:
    return {"TODO_HOME": str(home), "TZ": "Europe/Berlin", "TODO_USER": "tester",
            "NO_COLOR": "1", "TODO_DATABASE__URL": None, "TODO_DEBUG": None}


def test_every_command_is_fuzzed_or_deliberately_left_out() -> None:
    found = {path for path, _ in _commands(typer.main.get_command(app))}
    assert {"add", "list", "edit", "import", "export", "doctor"} <= {p[0] for p in found}
    assert len(COMMANDS) >= 25
