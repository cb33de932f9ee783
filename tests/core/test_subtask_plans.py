"""The subtask lookups stay index probes when no task has a parent: ANALYZE then rates
ix_task_parent_pk useless, and SQLite's planner scanned the whole table once per task
(`todo export` at 10k took 9 s instead of 0.1 s)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from core.filterlang import parse
from core.queries.filter_expr import compile_expr
from core.queries.task_json import task_json_lines
from core.store import Store
from tests.core.test_store_close import _insert_tasks

_STEP = 1000


def _steps(path: Path, tasks: int, query: str) -> int:
    """VM instructions (in units of _STEP) one query takes over `tasks` parentless tasks."""
    store = Store(f"sqlite:///{path}")
    _insert_tasks(store, tasks)
    with store.write() as db:
        db.run("ANALYZE")
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    with store.read() as db:
        store._raw.set_progress_handler(count, _STEP)
        if query == "export":
            task_json_lines(db, "t.owner = ?", ("alice",), UTC)
        else:
            sql, params = compile_expr(parse(query), datetime(2026, 1, 1, tzinfo=UTC), db)
            db.all(f"SELECT t.id FROM task t WHERE {sql}", params)
        store._raw.set_progress_handler(None, 0)
    store.close()
    return steps


def test_export_grows_linearly_without_subtasks(tmp_path: Path) -> None:
    small = _steps(tmp_path / "s.db", 1_000, "export")
    large = _steps(tmp_path / "l.db", 4_000, "export")
    assert 0 < large < small * 6, (small, large)  # linear is 4x; a scan per task was 16x


def test_has_subtasks_grows_linearly_without_subtasks(tmp_path: Path) -> None:
    small = _steps(tmp_path / "s.db", 1_000, "has:subtasks")
    large = _steps(tmp_path / "l.db", 4_000, "has:subtasks")
    assert 0 < large < small * 6, (small, large)
