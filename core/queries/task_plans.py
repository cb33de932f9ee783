"""The task table's planning columns across tasks: projects (counts, members) and expiry."""

from __future__ import annotations

from datetime import datetime

from core import projects
from core.store import Db

# `until_at <= ?` implies `until_at IS NOT NULL`, so both stores use the partial index
# ix_task_until (few tasks have an until).
EXPIRED = "FROM task WHERE until_at <= ? AND status = 'pending'"
"""The pending tasks whose until has passed (`?`: the moment), over the partial index
ix_task_until; the drain's state query (core.queries.consumers) asks it too."""


def project_counts(db: Db, owner: str) -> dict[str, int]:
    """Pending tasks per stored project path of the owner."""
    rows = db.all(
        "SELECT project, COUNT(*) FROM task WHERE owner = ? AND status = 'pending' "
        "AND project IS NOT NULL GROUP BY project",
        (owner,),
    )
    return {str(path): int(n) for path, n in rows}


def ids_in_project(db: Db, owner: str, project: str) -> list[int]:
    """The ids of the owner's tasks (any status) in `project` or a sub-project, in order."""
    rows = db.all(
        "SELECT id FROM task WHERE owner = ? "
        "AND (project = ? OR project LIKE ? ESCAPE '\\') ORDER BY id",
        (owner, project, projects.like_prefix(project)),
    )
    return [int(i) for (i,) in rows]


def owners_with_expired(db: Db, now: datetime) -> list[str]:
    """Every owner with a pending task whose until is at or before `now`."""
    # Not DISTINCT: SQLite would then walk the (owner, id) index instead of the small
    # partial one; expired tasks are few, and deleted as soon as they are found.
    rows = db.all(f"SELECT owner {EXPIRED}", (db.dt(now),))
    return sorted({str(owner) for (owner,) in rows})


def expired_ids(db: Db, owner: str, now: datetime, limit: int) -> list[int]:
    """The first `limit` ids of the owner's pending tasks whose until has passed."""
    # Sorted here, not in SQL: an ORDER BY id makes SQLite prefer the (owner, id) index and
    # walk all of the owner's tasks (17 ms at 50k) instead of the few with an until.
    rows = db.all(f"SELECT id {EXPIRED} AND owner = ?", (db.dt(now), owner))
    return sorted(int(i) for (i,) in rows)[:limit]
