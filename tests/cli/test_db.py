"""`todo db upgrade` and `todo db current`: real processes on a SQLite file and on PostgreSQL,
two upgrades at once included (they must queue on the migration lock, not interleave)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.migrations import HEAD
from core.store import Store

REPO = Path(__file__).resolve().parents[2]
TODO = [sys.executable, "-m", "todo_cli.main"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'todo.db'}"
    pg: str = request.getfixturevalue("pg_schema_url")
    return pg


def env_for(url: str, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TODO_")}
    env.update(TODO_HOME=str(home), TODO_USER="tester", TODO_DATABASE__URL=url, NO_COLOR="1")
    return env


def todo(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TODO, *args], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120, check=False, stdin=subprocess.DEVNULL)


def versions(url: str) -> list[str]:
    store = Store(url, migrate=False)
    try:
        with store.read() as db:
            return [str(row[0]) for row in db.all("SELECT version_num FROM alembic_version")]
    finally:
        store.close()


def test_db_current_is_behind_on_a_new_database_then_current_after_upgrade(
    url: str, tmp_path: Path
) -> None:
    env = env_for(url, tmp_path)
    behind = todo(env, "db", "current")
    assert (behind.returncode, behind.stdout, behind.stderr) == (
        3, f"revision none, head {HEAD} (behind: run todo db upgrade)\n", "")
    as_json = todo(env, "db", "current", "--json")
    assert as_json.returncode == 3
    assert json.loads(as_json.stdout) == {"revision": None, "head": HEAD, "current": False}

    first = todo(env, "db", "upgrade")
    upgraded = f"database upgraded from empty to {HEAD} (head)\n"
    assert (first.returncode, first.stdout) == (0, upgraded)
    again = todo(env, "db", "upgrade")
    assert (again.returncode, again.stdout) == (0, f"database already at {HEAD} (head)\n")
    now = todo(env, "db", "current", "--json")
    assert now.returncode == 0
    assert json.loads(now.stdout) == {"revision": HEAD, "head": HEAD, "current": True}
    assert versions(url) == [HEAD]


def test_two_upgrades_at_once_both_succeed_and_leave_one_revision(
    url: str, tmp_path: Path
) -> None:
    env = env_for(url, tmp_path)
    runs = [subprocess.Popen([*TODO, "db", "upgrade"], cwd=REPO, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)]
    results = [(run.wait(120), *run.communicate()) for run in runs]
    assert [code for code, _out, _err in results] == [0, 0], results
    said = sorted(out for _code, out, _err in results)
    assert said == [f"database already at {HEAD} (head)\n",
                    f"database upgraded from empty to {HEAD} (head)\n"], results
    assert versions(url) == [HEAD]
    assert todo(env, "db", "current").returncode == 0


def test_db_current_on_an_unreachable_server_is_a_storage_error(tmp_path: Path) -> None:
    done = todo(env_for("postgresql://127.0.0.1:1/none", tmp_path), "db", "current")
    assert done.returncode == 3
    assert done.stderr.startswith("error: cannot connect to the database postgresql://127.0.0.1:1")
    assert "Traceback" not in done.stderr
