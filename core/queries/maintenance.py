"""Health and upkeep statements: integrity checks and the planner's statistics."""

from __future__ import annotations

from core.store import Db, Store


def integrity(db: Db) -> list[str] | None:
    """SQLite's quick_check findings (["ok"] when sound); None on PostgreSQL, where a
    round trip to the server is the whole check."""
    if db.dialect == "postgresql":
        db.value("SELECT 1")
        return None
    return [str(r[0]) for r in db.all("PRAGMA quick_check")]


def optimize(store: Store) -> None:
    """Let the database refresh its planner statistics for the queries this connection ran.

    SQLite keeps none until asked (`PRAGMA optimize` analyzes only what would help, in tens
    of milliseconds); without them filters pick poor indexes and take several times longer
    on 50k tasks. PostgreSQL's autovacuum keeps its own statistics: nothing to do there.
    """
    if store.dialect != "sqlite":
        return
    with store.write() as db:
        db.run("PRAGMA optimize")
