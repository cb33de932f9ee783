"""Closing a SQLite store refreshes the planner's statistics at a cost that does not grow
with the number of tasks (core.store.Store.close)."""

from __future__ import annotations

from pathlib import Path

from core.store import _UNMEASURED, Store

# SQLite virtual-machine instructions per progress callback: one, since a close that only
# asks PRAGMA optimize what it would do runs a handful.
_STEP = 1


def _insert_tasks(store: Store, n: int) -> None:
    rows = [("alice", i, f"uuid-{i}", f"task {i}", "pending", 0, "2026-01-01 00:00:00", 1)
            for i in range(1, n + 1)]
    with store.write() as db:
        db.many(
            "INSERT INTO task (owner, id, uuid, title, status, priority, created, updated,"
            " version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row[:7], row[6], row[7]) for row in rows],
        )


def _close_steps(path: Path, tasks: int) -> int:
    """VM instructions (in units of _STEP) that closing takes after a query on `tasks` tasks,
    on the third close: the first ones may analyze in full, as they should."""
    url = f"sqlite:///{path}"
    store = Store(url)
    _insert_tasks(store, tasks)
    store.close()
    for _ in range(3):
        store = Store(url)
        with store.read() as db:
            db.value("SELECT count(*) FROM task WHERE owner = ? AND status = ?",
                     ("alice", "pending"))
        steps = _count_steps(store)
        store.close()
    return steps.n


def test_closing_costs_the_same_at_any_size(tmp_path: Path) -> None:
    # Every close used to run a full ANALYZE of `task` (its empty partial index never got
    # statistics), so closing after 6000 tasks took ~3x the work of 2000.
    small = _close_steps(tmp_path / "small.db", 2_000)
    large = _close_steps(tmp_path / "large.db", 6_000)
    assert small > 0  # the probe sees the close's work
    assert large < small * 1.5, (small, large)


def test_statistics_stay_measured_and_expiry_uses_its_index(tmp_path: Path) -> None:
    # The row added for the empty partial index must not cost the planner its real figures:
    # the expiry query (core: tasks whose `until` has passed) still reads ix_task_until.
    _close_steps(tmp_path / "t.db", 3_000)
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    with store.read() as db:
        stat = db.value("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_task_owner_status_due'")
        plan = db.all("EXPLAIN QUERY PLAN SELECT id FROM task WHERE until_at <= ?"
                      " AND status = 'pending' AND owner = 'alice'", ("2026-01-01",))
    store.close()
    assert stat.split()[0] == "3000"
    assert "ix_task_until" in " ".join(str(row) for row in plan)


def test_a_close_with_nothing_to_analyze_skips_the_empty_index_check(tmp_path: Path) -> None:
    # The third close has nothing to analyze: it asks PRAGMA optimize what it would do and
    # stops there, without the check for empty partial indexes (~0.15 ms a command).
    closing = _close_steps(tmp_path / "t.db", 3_000)
    store = Store(f"sqlite:///{tmp_path / 't.db'}")
    steps = _count_steps(store)
    store._raw.execute(_UNMEASURED, ("task",)).fetchall()
    store._raw.set_progress_handler(None, _STEP)
    store.close()
    assert steps.n > 0
    assert closing < steps.n, (closing, steps.n)


def _pending_count(store: Store) -> None:
    with store.read() as db:
        db.value("SELECT count(*) FROM task WHERE owner = ? AND status = ?", ("alice", "pending"))


def test_an_empty_table_is_analyzed_once_then_again_when_it_grows(tmp_path: Path) -> None:
    # ANALYZE writes no statistics for an empty table, so every close of a new database used
    # to analyze `task` again; the noted rows stop that until it holds real rows.
    url = f"sqlite:///{tmp_path / 'new.db'}"
    store = Store(url)
    _pending_count(store)
    store.close()
    store = Store(url)
    _pending_count(store)
    assert store._raw.execute("PRAGMA optimize(0xffff)").fetchall() == []
    _insert_tasks(store, 100)
    _pending_count(store)
    store.close()
    store = Store(url)
    with store.read() as db:
        stat = db.value("SELECT stat FROM sqlite_stat1 WHERE idx = 'ix_task_owner_status_due'")
    store.close()
    assert stat.split()[0] == "100"


class _Steps:
    """How many SQLite virtual-machine steps (in units of _STEP) ran since it was installed."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> int:
        self.n += 1
        return 0  # carry on


def _count_steps(store: Store) -> _Steps:
    steps = _Steps()
    store._raw.set_progress_handler(steps, _STEP)
    return steps
