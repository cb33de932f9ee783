"""Storage faults injected for real: exit 3 and one sentence naming the database and what to
do, no traceback, and nothing written."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
from pathlib import Path

import pytest

from config.settings import Settings
from core import open_service
from core.errors import StorageError
from core.selection import TaskFilter
from tests.cli.helpers import (
    TODO_BIN,
    add,
    cli_env,
    fails,
    ids,
    one_error_line,
    todo_process,
    todo_unprivileged,
)


def _storage_fault(proc: subprocess.CompletedProcess[str]) -> str:
    assert (proc.returncode, proc.stdout) == (3, ""), proc
    return one_error_line(proc.stderr)


def _readonly_message(db: Path) -> str:
    return (
        f"error: cannot write the database {db}: the file or its folder is read-only; "
        "make both writable for you (chmod u+w) and retry"
    )


def test_a_read_only_database_file_is_exit_3_and_reads_still_work(home: Path) -> None:
    add("keep")
    db = home / "todo.db"
    db.chmod(0o444)
    try:
        proc = todo_unprivileged("add", "x", env=cli_env(home))
        listed = todo_unprivileged("list", env=cli_env(home))
    finally:
        db.chmod(0o644)

    assert _storage_fault(proc) == _readonly_message(db)
    assert listed.returncode == 0 and "keep" in listed.stdout
    assert ids() == [1]


def test_a_read_only_folder_is_exit_3(home: Path) -> None:
    add("keep")
    home.chmod(0o555)
    try:
        proc = todo_unprivileged("done", "1", env=cli_env(home))
    finally:
        home.chmod(0o755)

    # WAL mode keeps its shared-memory file next to the database: even reads need the folder.
    assert _storage_fault(proc) == _readonly_message(home / "todo.db")
    assert ids() == [1]


def _corrupt_table(db: Path, table: str) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # every page in the file itself
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (table,)).fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xde\xad\xbe\xef" * (page_size // 4))


@pytest.mark.parametrize("args", [["list"], ["add", "x"], ["show", "1"], ["done", "1"]])
def test_a_corrupted_page_is_exit_3(home: Path, args: list[str]) -> None:
    for n in range(3):
        add(f"task {n}")
    db = home / "todo.db"
    _corrupt_table(db, "task")

    proc = todo_process(*args, env=cli_env(home))

    assert _storage_fault(proc) == (
        f"error: the database {db} is damaged (database disk image is malformed); "
        "run `todo doctor`, then restore it from a backup"
    )


@pytest.mark.parametrize(
    "args",
    [["list"], ["add", "x", "--remind", "at 2027-01-04 09:00"], ["show", "1"], ["done", "1"]],
)
def test_a_dropped_table_is_exit_3(home: Path, args: list[str]) -> None:
    add("keep", "--due", "2027-01-05 10:00", "--remind", "1h before")
    db = home / "todo.db"
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE reminder")
    conn.close()

    proc = todo_process(*args, env=cli_env(home))

    assert _storage_fault(proc) == (
        f"error: the database {db} lacks part of its schema (no such table: reminder); "
        "restore it from a backup, or move it away to start a new one"
    )


def test_a_file_size_limit_mid_import_is_exit_3_and_imports_nothing(home: Path) -> None:
    add("keep")
    db = home / "todo.db"
    limit = db.stat().st_size

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    lines = "".join(f"(B) imported {n} {'y' * 400}\n" for n in range(2000))
    proc = subprocess.run(
        [str(TODO_BIN), "import", "-"], input=lines, capture_output=True, text=True,
        env=cli_env(home), preexec_fn=small_files, timeout=60,
    )

    error = _storage_fault(proc)
    assert str(db) in error
    assert ids() == [1]


def test_a_full_database_is_a_storage_error_and_writes_nothing(tmp_path: Path) -> None:
    settings = Settings(user="alice", timezone="Europe/Berlin")
    settings.database.url = f"sqlite:///{tmp_path / 'todo.db'}"
    svc = open_service(settings)
    try:
        svc.add_text("keep")
        with svc.store.read() as db:
            pages = db.value("PRAGMA page_count")
            db.raw.execute(f"PRAGMA max_page_count = {pages}")
        lines = "".join(f"(B) imported {n} {'y' * 400}\n" for n in range(2000))

        with pytest.raises(StorageError) as raised:
            svc.import_text(lines)

        assert raised.value.exit_code == 3
        assert raised.value.message == (
            f"the database {tmp_path / 'todo.db'} is full (database or disk is full); "
            "free disk space and retry"
        )
        assert svc.count(TaskFilter(status="all")) == 1
    finally:
        svc.close()


# -- PostgreSQL -------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgres_dropped_table_is_exit_3(
    todo_home: Path, pg_schema_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psycopg

    monkeypatch.setenv("TODO_DATABASE__URL", pg_schema_url)
    add("keep")
    with psycopg.connect(pg_schema_url, autocommit=True) as conn:
        conn.execute("DROP TABLE reminder CASCADE")

    error = one_error_line(fails(3, "list").stderr)

    assert error.startswith("error: the database postgresql://postgres@127.0.0.1:5432/test")
    assert 'lacks part of its schema (relation "reminder" does not exist' in error
    assert error.endswith("restore it from a backup, or move it away to start a new one")


@pytest.mark.postgres
def test_postgres_unreachable_server_is_exit_3(
    todo_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TODO_DATABASE__URL", "postgresql://alice:secret@127.0.0.1:1/todo")

    error = one_error_line(fails(3, "list").stderr)

    assert error.startswith(
        "error: cannot connect to the database postgresql://alice:********@127.0.0.1:1/todo ("
    )
    assert "secret" not in error
    assert error.endswith("check that the server is running and database.url is right")
