"""`todo doctor` on SQLite and PostgreSQL: exit 0 when healthy, 3 when a check fails."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.cli.helpers import add, describe, ok, run


@pytest.fixture
def db_home(todo_home: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A TODO_HOME whose database is `db_url` (each test runs on SQLite and PostgreSQL)."""
    monkeypatch.setenv("TODO_DATABASE__URL", db_url)
    return db_url


def _execute(url: str, sql: str) -> None:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.split(":///", 1)[1]) as conn:
            conn.execute(sql)
        conn.close()
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute(sql)


def _report(code: int) -> dict[str, Any]:
    result: Result = run("doctor", "--json")
    assert result.exit_code == code, describe(("doctor", "--json"), result)
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["status"] for c in report["checks"]}


def test_a_healthy_setup_is_exit_0(db_home: str) -> None:
    add("x", "--due", "2027-01-05 10:00", "--remind", "1h before")

    report = _report(0)
    text = ok("doctor").stdout.splitlines()

    assert report["healthy"] is True
    assert _statuses(report) == {
        "config": "ok", "integrity": "ok", "schema": "ok", "tables": "ok", "backlog": "ok",
        "dead letters": "ok",
    }
    assert text[-1] == "healthy"
    assert all(line.startswith("ok  ") for line in text[:-1])


def test_a_dropped_table_fails(db_home: str) -> None:
    add("x")
    _execute(db_home, "DROP TABLE reminder")

    report = _report(3)

    tables = next(c for c in report["checks"] if c["name"] == "tables")
    assert tables["status"] == "fail"
    assert "lacks tables reminder;" in tables["detail"]


def test_a_schema_from_a_newer_todo_fails_and_an_older_one_warns(db_home: str) -> None:
    add("x")
    _execute(db_home, "UPDATE alembic_version SET version_num = '9999'")
    newer = next(c for c in _report(3)["checks"] if c["name"] == "schema")
    _execute(db_home, "UPDATE alembic_version SET version_num = '0004'")
    older = next(c for c in _report(0)["checks"] if c["name"] == "schema")

    assert newer["status"] == "fail" and "written by a newer todo" in newer["detail"]
    assert older["status"] == "warn" and "the next command migrates it" in older["detail"]


def test_tables_without_a_schema_revision_fail(db_home: str) -> None:
    add("x")
    _execute(db_home, "DROP TABLE alembic_version")

    schema = next(c for c in _report(3)["checks"] if c["name"] == "schema")

    assert schema["status"] == "fail"
    assert "has tables but no schema revision (table alembic_version)" in schema["detail"]


def test_dead_letters_and_an_unpublished_outbox_warn(
    db_home: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add("x")
    add("y")
    _execute(db_home, 'INSERT INTO dead_letter (group_name, topic, partition, "offset", error, '
                      "payload, time) VALUES ('audit', 'log', 0, 1, 'boom', NULL, "
                      "'2026-12-01 10:00:00')")
    monkeypatch.setenv("TODO_KAFKA__BOOTSTRAP_SERVERS", "127.0.0.1:1")  # never contacted

    report = _report(0)

    checks = {c["name"]: c for c in report["checks"]}
    assert checks["dead letters"]["status"] == "warn"
    assert checks["dead letters"]["detail"].startswith("1 events a consumer gave up on")
    assert checks["backlog"]["status"] == "warn"
    assert checks["backlog"]["detail"].startswith("2 events not yet published to Kafka")


def test_bad_settings_fail_without_touching_the_database(todo_home: Path) -> None:
    (todo_home / "config.toml").write_text("[database]\nurl_typo = 'x'\n", encoding="utf-8")

    report = _report(3)

    assert report["checks"][0] == {
        "name": "config", "status": "fail",
        "detail": f"unknown setting 'database.url_typo' in {todo_home / 'config.toml'}",
    }
    assert not (todo_home / "todo.db").exists()


def test_a_bad_timezone_setting_fails(todo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_TIMEZONE", "Mars/Olympus")
    detail = _report(3)["checks"][0]["detail"]
    assert detail == "unknown timezone 'Mars/Olympus' in setting 'timezone'"


def test_a_corrupted_page_fails_the_integrity_check(home: Path) -> None:
    for n in range(3):
        add(f"task {n}")
    db = home / "todo.db"
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'task'").fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * size)
        fh.write(b"\x00\xff" * (size // 2))

    report = _report(3)
    text = run("doctor")

    integrity = next(c for c in report["checks"] if c["name"] == "integrity")
    assert integrity["status"] == "fail"
    assert str(db) in integrity["detail"]
    assert text.exit_code == 3
    assert "FAIL  integrity" in text.stdout
    assert text.stdout.splitlines()[-1] == "problems found: see FAIL above"


def test_an_unreachable_server_fails(todo_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TODO_DATABASE__URL", "postgresql://postgres@127.0.0.1:1/test")
    database = _report(3)["checks"][1]
    assert database["name"] == "database" and database["status"] == "fail"
    assert database["detail"].startswith(
        "cannot connect to the database postgresql://postgres@127.0.0.1:1/test"
    )
