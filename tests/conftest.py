"""Shared fixtures: real SQLite files and the real PostgreSQL server, a fixed clock.

When CI is set, a missing PostgreSQL (or Taskwarrior) is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import settings as hypothesis_settings

from config.settings import Settings
from core import open_service
from core.service import TaskService

# CI searches the same examples on every run (derandomized, no example database), so a red
# build is reproducible and never depends on a local .hypothesis cache; locally the search is
# random, to keep finding new cases.
hypothesis_settings.register_profile(
    "ci", derandomize=True, deadline=None, print_blob=True, database=None
)
hypothesis_settings.register_profile("dev", derandomize=False)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

# Every event any test (or a process it starts) appends to the outbox is validated against the
# JSON Schema of its type (core/events.py check_schema).
os.environ["TODO_CHECK_EVENT_SCHEMAS"] = "1"

PG_URL = os.environ.get("TODO_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
BERLIN = ZoneInfo("Europe/Berlin")


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3):
            return None
    except Exception as exc:
        return str(exc)


_PG_PROBLEM = _pg_available()


def require_postgres() -> None:
    """Skip when PostgreSQL is down, but fail under CI, where it must be running."""
    if _PG_PROBLEM is None:
        return
    message = f"PostgreSQL at {PG_URL} is not reachable: {_PG_PROBLEM}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def require_taskwarrior() -> str:
    """The path of the real `task` binary; skip without it, but fail under CI, which installs
    it (scripts/services.sh)."""
    found = shutil.which("task")
    if found is not None:
        return found
    message = "Taskwarrior (`task`) is not installed: apt-get install taskwarrior"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A database URL on the real PostgreSQL server, in a fresh schema dropped afterwards."""
    require_postgres()
    import psycopg

    schema = "t_" + uuid.uuid4().hex[:12]
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'todo.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@dataclass
class Clock:
    """A settable clock: tests move time explicitly."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now = self.now + timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    """Sunday 2026-11-22 10:00 in Berlin."""
    return Clock(datetime(2026, 11, 22, 10, 0, tzinfo=BERLIN))


def make_settings(url: str, user: str = "alice", timezone: str = "Europe/Berlin") -> Settings:
    """Settings pointing at `url`, for tests that build services directly."""
    settings = Settings(user=user, timezone=timezone)
    settings.database.url = url
    return settings


@pytest.fixture
def svc(db_url: str, clock: Clock) -> Iterator[TaskService]:
    """A service for user alice on the test database, driven by the fixed clock."""
    service = open_service(make_settings(db_url), clock=clock)
    yield service
    service.close()


@pytest.fixture
def todo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An isolated TODO_HOME with a fixed zone, for CLI tests; the user's files are untouched."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TODO_HOME", str(home))
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setenv("TODO_USER", "tester")
    monkeypatch.delenv("TODO_DATABASE__URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return home


def drain(service: TaskService) -> list:  # type: ignore[type-arg]
    """Run the embedded recurrence and audit consumers, as the CLI does after each command."""
    from services.embedded import run_inline

    return run_inline(service)


def complete(service: TaskService, ids: list[int]) -> list:  # type: ignore[type-arg]
    """Complete tasks and let the consumers run: the completed tasks, then new instances."""
    done = service.complete(ids)
    return [*done, *drain(service)]
