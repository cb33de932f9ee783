"""The real `todo` script and real processes: version, plain output, what gets imported,
and concurrent writers on one database."""

from __future__ import annotations

import json
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from tests.cli.helpers import PYTHON, cli_env, ids, ok, run, tasks_json, todo_process
from todo_cli import __version__

# Our agent package and keyring too: only `todo chat`, `todo mcp` and `config set-key` load them.
SDKS = ("textual", "google.genai", "confluent_kafka", "mcp", "agent", "keyring",
        "prometheus_client", "httpx", "icalendar", "psycopg")
# Rich would come with Typer's rich help (off: rich_markup_mode=None); the rrule with
# recurrence, which a plain add or list does not use.
HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "pydantic", "rich", "pygments", "dateutil")
PLAIN = ("list", "list +work p:h", "add x", "count", "export", "--version", "count --status all",
         "list --tree",
         "tags --json", "history 1 --json", "audit --json", "reminders --json",
         "config show --json", "db current")

_IMPORT_PROBE = textwrap.dedent(
    """
    import json, sys
    sys.argv = ["todo", *json.loads(sys.argv[1])]
    from todo_cli.main import main
    try:
        main()
    except SystemExit as exc:
        code = exc.code or 0
    else:
        code = 0
    sys.stderr.write("EXIT " + json.dumps(code) + "\\n")
    # A module todo_cli.lazy.defer_stdlib left unloaded is a stand-in, not an import.
    loaded = [n for n, m in sys.modules.items() if type(m).__name__ != "_Deferred"]
    sys.stderr.write("MODULES " + json.dumps(sorted(loaded)) + "\\n")
    """
)


def test_version_in_process() -> None:
    result = ok("--version")
    assert result.stdout == f"todo {__version__}\n"


def test_version_in_a_subprocess(todo_home: Path) -> None:
    proc = todo_process("--version", env=cli_env(todo_home))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"todo {__version__}\n", "")
    assert not (todo_home / "todo.db").exists()


@pytest.mark.usefixtures("todo_home")
def test_version_with_a_command_still_answers() -> None:
    assert run("--version", "list").stdout == f"todo {__version__}\n"


def test_subprocess_add_then_list(todo_home: Path) -> None:
    env = cli_env(todo_home)
    added = todo_process("add", "pay rent tomorrow #home !high", env=env)
    assert (added.returncode, added.stdout, added.stderr) == (0, "Added 1 'pay rent'\n", "")

    listed = todo_process("list", "--json", env=env)
    assert listed.returncode == 0
    [task] = json.loads(listed.stdout)
    assert (task["title"], task["tags"], task["priority"]) == ("pay rent", ["home"], "high")
    # The in-process runner sees what the process wrote.
    assert ids() == [1]


def test_piped_output_is_plain_even_when_colour_is_allowed(home: Path) -> None:
    env = cli_env(home, TERM="xterm-256color")
    del env["NO_COLOR"]
    assert todo_process("add", "x today #t !h", env=env).returncode == 0
    listed = todo_process("list", env=env)
    shown = todo_process("show", "1", env=env)
    error = todo_process("show", "9", env=env)

    assert listed.stdout.split() == ["1", "H", "today", "x", "#t"]  # no header when piped
    assert "Title     x\n" in shown.stdout
    assert error.stderr == "error: no task with id 9\n"
    for proc in (listed, shown, error):
        assert "\x1b" not in proc.stdout + proc.stderr


def test_import_from_a_pipe(home: Path) -> None:
    env = cli_env(home)
    proc = todo_process("import", "-", env=env, input="(A) first\nsecond +x\n")
    assert (proc.returncode, proc.stdout) == (0, "Imported 2 tasks (todotxt); 0 already present\n")
    assert [(t["title"], t["tags"]) for t in tasks_json()] == [("first", []), ("second", ["x"])]


# -- what plain commands import ---------------------------------------------------------------


@pytest.fixture(scope="module")
def loaded_modules(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """For each plain command, the modules loaded by a fresh process running it.

    The database is migrated first, so no command needs Alembic.
    """
    home = tmp_path_factory.mktemp("imports")
    env = cli_env(home)
    # As a user runs it: the tests' event-schema check (jsonschema) is no part of a command,
    # and the owner is the login name.
    env.pop("TODO_CHECK_EVENT_SCHEMAS", None)
    env.pop("TODO_USER", None)
    assert todo_process("add", "migrate first", env=env).returncode == 0
    found: dict[str, list[str]] = {}
    for command in PLAIN:
        proc = subprocess.run(
            [PYTHON, "-c", _IMPORT_PROBE, json.dumps(command.split())],
            capture_output=True, text=True, env=env, timeout=60, cwd=home,
        )
        assert proc.returncode == 0, proc.stderr
        lines = proc.stderr.splitlines()
        assert "EXIT 0" in lines, proc.stderr
        line = next(x for x in lines if x.startswith("MODULES "))
        found[command] = json.loads(line.removeprefix("MODULES "))
    return found


def _matching(modules: list[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == r or m.startswith(r + ".") for r in roots))


@pytest.mark.parametrize("command", PLAIN)
def test_plain_commands_import_no_sdk(loaded_modules: dict[str, list[str]], command: str) -> None:
    assert "todo_cli.main" in loaded_modules[command]
    assert _matching(loaded_modules[command], SDKS) == []


@pytest.mark.parametrize("command", PLAIN)
def test_plain_commands_import_no_orm_or_pydantic(
    loaded_modules: dict[str, list[str]], command: str
) -> None:
    roots = {r.split(".")[0] for r in _matching(loaded_modules[command], HEAVY)}
    assert sorted(roots) == []


@pytest.mark.parametrize("command", ["list", "count", "count --status all"])
def test_reads_load_only_the_reading_use_cases(
    loaded_modules: dict[str, list[str]], command: str
) -> None:
    # The facade imports a use case where it is called: a list or count must not pay for
    # quick add, import/export, undo, audit or the recurrence and reminder use cases, nor
    # the result types and the recurrence maths (series, rules) that only writes need. The
    # views use case is read for the context, which every list and count applies.
    used = _matching(loaded_modules[command], ("core.usecases", "core.quickadd", "core.audit",
                                               "core.deliveries", "core.formats.todotxt",
                                               "core.formats.ical", "dateutil",
                                               "core.results",
                                               "core.recurrence"))
    assert used == ["core.usecases", "core.usecases.reading", "core.usecases.views"]


@pytest.mark.parametrize(
    ("command", "owner"),
    [("list", "tasks"), ("add x", "tasks"), ("count --status all", "tasks"),
     ("tags --json", "tags"),
     ("history 1 --json", "history"), ("db current", "db")],
)
def test_a_command_imports_only_the_module_that_owns_it(
    loaded_modules: dict[str, list[str]], command: str, owner: str
) -> None:
    # todo_cli.app dispatches on the command's name (REGISTRARS): the other command
    # modules, and what they import, are not loaded.
    commands = _matching(loaded_modules[command], ("todo_cli.commands",))
    assert commands == sorted(["todo_cli.commands", "todo_cli.commands.options",
                               f"todo_cli.commands.{owner}"]), command


@pytest.mark.parametrize("command",
                         ["list", "list +work p:h", "add x", "count", "export", "list --tree"])
def test_plain_commands_run_without_typer(
    loaded_modules: dict[str, list[str]], command: str
) -> None:
    # Nothing to parse: todo_cli.plain calls the command function, ~25 ms of imports saved.
    assert _matching(loaded_modules[command], ("typer", "click", "todo_cli.app")) == []
    assert "todo_cli.plain" in loaded_modules[command]


# What start-up no longer pays for (issue 14, 50 ms): inspect and what it loads (dataclasses
# imports it, todo_cli.lazy.defer_stdlib leaves it unloaded), shutil (only a terminal asks
# for its width), uuid and platform (core.ids), socket (os.uname), getpass and termios (the
# login name, which the probe leaves todo to find: config.settings.login_name), pathlib
# with urllib.parse (paths are os.path text), platformdirs (config.paths: XDG by hand).
STARTUP_STDLIB = ("inspect", "ast", "dis", "tokenize", "shutil", "uuid", "platform", "socket",
                  "subprocess", "getpass", "termios", "pathlib", "urllib.parse", "platformdirs",
                  "ipaddress")


@pytest.mark.parametrize("command", ["list", "list +work p:h", "add x", "count", "export"])
def test_plain_commands_skip_the_start_up_stdlib(
    loaded_modules: dict[str, list[str]], command: str
) -> None:
    assert _matching(loaded_modules[command], STARTUP_STDLIB) == []


def test_typer_commands_do_not_load_subprocess(loaded_modules: dict[str, list[str]]) -> None:
    # Typer imports it for launch and completion; the entry point defers it (todo_cli.lazy).
    assert "typer" in loaded_modules["count --status all"]
    assert "subprocess" not in loaded_modules["count --status all"]


# The write path a read does not load (issue 14): the events and the outbox, operations,
# consumers and series rows (core.unit_of_work imports them where it writes), and the kept
# fields (core.queries.tasks decodes them, with json, only for a task that keeps some; the
# probe itself imports json, so json cannot be pinned here).
WRITE_PATH = ("core.events", "core.ids", "core.queries.consumers", "core.queries.operations",
              "core.queries.outbox", "core.queries.series", "core.kept")


@pytest.mark.parametrize("command", ["list", "list +work p:h", "count", "count --status all",
                                     "list --tree"])
def test_reads_load_no_write_path(loaded_modules: dict[str, list[str]], command: str) -> None:
    assert _matching(loaded_modules[command], WRITE_PATH) == []


def test_an_add_loads_the_write_path(loaded_modules: dict[str, list[str]]) -> None:
    # The other side of the test above: the probe sees these modules when they load.
    assert _matching(loaded_modules["add x"], WRITE_PATH) == sorted(
        set(WRITE_PATH) - {"core.queries.series"})


@pytest.mark.parametrize("command", ["list", "count"])
def test_reads_load_no_formats_or_validation(
    loaded_modules: dict[str, list[str]], command: str
) -> None:
    # The JSON shapes, import formats and write-side validation load on --json and writes.
    assert _matching(loaded_modules[command], ("core.formats", "core.validation")) == []


def test_a_plain_add_loads_no_repeat_grammar_reminder_use_cases_or_results(
    loaded_modules: dict[str, list[str]],
) -> None:
    # `todo add x` neither repeats nor reminds: the repeat and reminder grammars, the series
    # bookkeeping, the reminder use cases and the result types load only when a line asks for
    # them (or a history is read); its event's JSON shape needs none of the import formats'
    # machinery, nor an add without links the cycle checks (issue 14: ~5 ms of the add's ~8).
    add = loaded_modules["add x"]
    assert "core.quickadd" in add and "core.usecases.tasks" in add  # the add did run
    assert _matching(add, ("core.recurrence", "core.reminders", "core.usecases.reminders",
                           "core.deliveries", "core.results", "core.links")) == []
    assert _matching(add, ("core.formats",)) == ["core.formats", "core.formats.task_shape"]


def test_export_loads_no_write_path(loaded_modules: dict[str, list[str]]) -> None:
    # The SQL renders the JSON: no quick add, write use cases, recurrence or validation.
    assert _matching(loaded_modules["export"], ("core.usecases", "core.quickadd",
                                                "core.recurrence", "core.validation",
                                                "core.results")) == [
        "core.usecases", "core.usecases.reading", "core.usecases.transfer"]


def test_the_probe_sees_imports(loaded_modules: dict[str, list[str]]) -> None:
    # The list really ran a command: the store and sqlite were loaded, typer too.
    assert "core.store" in loaded_modules["list"]
    assert "sqlite3" in loaded_modules["add x"]
    assert "typer" not in loaded_modules["--version"]
    assert "typer" in loaded_modules["count --status all"]


# -- concurrency ------------------------------------------------------------------------------

_WORKER = textwrap.dedent(
    """
    import os, sys, time
    worker, go = sys.argv[1], sys.argv[2]
    from todo_cli.main import main
    while not os.path.exists(go):
        time.sleep(0.005)
    codes = []
    for n in range(10):
        sys.argv = ["todo", "add", f"worker {worker} task {n}"]
        try:
            main()
        except SystemExit as exc:
            codes.append(exc.code or 0)
        else:
            codes.append(0)
    print("CODES", *codes)
    """
)


def test_four_concurrent_writers_on_one_home(todo_home: Path, tmp_path: Path) -> None:
    """4 processes, each adding 10 tasks through the real entry point, all at once, starting
    on a database that does not exist yet (so they also race to create the schema)."""
    env = cli_env(todo_home)
    go = tmp_path / "go"
    workers = [
        subprocess.Popen(
            [PYTHON, "-c", _WORKER, str(w), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
        )
        for w in range(4)
    ]
    time.sleep(0.3)
    go.touch()
    outputs = [w.communicate(timeout=120) for w in workers]

    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        assert "locked" not in err and "busy" not in err, err
        assert err == "", err
        assert out.splitlines()[-1] == "CODES" + " 0" * 10, out
        assert sum(line.startswith("Added ") for line in out.splitlines()) == 10

    tasks = tasks_json("--status", "all", "--sort", "id")
    assert len(tasks) == 40
    assert [t["id"] for t in tasks] == list(range(1, 41))
    assert len({t["uuid"] for t in tasks}) == 40
    assert sorted(t["title"] for t in tasks) == sorted(
        f"worker {w} task {n}" for w in range(4) for n in range(10)
    )
    reported = sorted(int(line.split()[1]) for out, _ in outputs for line in out.splitlines()
                      if line.startswith("Added "))
    assert reported == list(range(1, 41))

