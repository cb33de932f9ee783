"""The task links: parent_pk (subtasks) and the task_dependency table (blockers)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core.store import Db

# Read with every task (core/queries/tasks.py): the parent's id, whether the task is blocked
# (pending with a pending blocker), whether it blocks a pending task, how many children
# (not deleted) it has. Each is an index probe (PK prefix, ix_task_dependency_blocker,
# ix_task_parent_pk); the EXISTS are skipped for tasks that are not pending.
COLUMNS = (
    "(SELECT p.id FROM task p WHERE p.pk = t.parent_pk), "
    "(t.status = 'pending' AND EXISTS (SELECT 1 FROM task_dependency d JOIN task b "
    "ON b.pk = d.blocker_pk WHERE d.task_pk = t.pk AND b.status = 'pending')), "
    "(t.status = 'pending' AND EXISTS (SELECT 1 FROM task_dependency d JOIN task w "
    "ON w.pk = d.task_pk WHERE d.blocker_pk = t.pk AND w.status = 'pending')), "
    "(SELECT COUNT(*) FROM task c WHERE c.parent_pk = t.pk AND c.status <> 'deleted')"
)


def depends_for_selection(
    db: Db, where_sql: str, params: Sequence[Any]
) -> dict[int, tuple[int, ...]]:
    """Task pk -> the ids of its blockers, ascending, for the tasks matching a WHERE clause."""
    rows = db.all(
        "SELECT d.task_pk, b.id FROM task_dependency d JOIN task t ON t.pk = d.task_pk "
        f"JOIN task b ON b.pk = d.blocker_pk WHERE {where_sql} ORDER BY d.task_pk, b.id",
        params,
    )
    grouped: dict[int, list[int]] = {}
    for pk, blocker in rows:
        grouped.setdefault(int(pk), []).append(int(blocker))
    return {pk: tuple(ids) for pk, ids in grouped.items()}


def states(db: Db, owner: str, ids: Iterable[int]) -> dict[int, str]:
    """Task id -> status, for those of `ids` the owner has."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    rows = db.all(
        f"SELECT id, status FROM task WHERE owner = ? AND id IN ({marks})", [owner, *wanted]
    )
    return {int(i): str(s) for i, s in rows}


def parent_map(db: Db, owner: str) -> dict[int, int]:
    """Child id -> parent id for every subtask of the owner."""
    rows = db.all(
        "SELECT c.id, p.id FROM task c JOIN task p ON p.pk = c.parent_pk WHERE c.owner = ?",
        (owner,),
    )
    return {int(c): int(p) for c, p in rows}


def depends_map(db: Db, owner: str) -> dict[int, list[int]]:
    """Task id -> the ids it depends on, for every task of the owner with a blocker."""
    rows = db.all(
        "SELECT t.id, b.id FROM task_dependency d JOIN task t ON t.pk = d.task_pk "
        "JOIN task b ON b.pk = d.blocker_pk WHERE t.owner = ?",
        (owner,),
    )
    out: dict[int, list[int]] = {}
    for task, blocker in rows:
        out.setdefault(int(task), []).append(int(blocker))
    return out


def set_parent(db: Db, pk: int, parent: int | None) -> None:
    """Make task `parent` (an id of the same owner) the parent of row `pk`; None clears."""
    db.run(
        "UPDATE task SET parent_pk = (SELECT p.pk FROM task p WHERE p.id = ? AND p.owner = "
        "(SELECT o.owner FROM task o WHERE o.pk = ?)) WHERE pk = ?",
        (parent, pk, pk),
    )


def set_depends(db: Db, pk: int, blockers: Sequence[int]) -> None:
    """Make the tasks with these ids (same owner) the blockers of row `pk`."""
    db.run("DELETE FROM task_dependency WHERE task_pk = ?", (pk,))
    if not blockers:
        return
    marks = ", ".join("?" * len(blockers))
    db.run(
        "INSERT INTO task_dependency (task_pk, blocker_pk) SELECT ?, b.pk FROM task b "
        f"WHERE b.id IN ({marks}) AND b.owner = (SELECT o.owner FROM task o WHERE o.pk = ?)",
        (pk, *blockers, pk),
    )


def open_descendants(db: Db, pks: Sequence[int], statuses: Sequence[str]) -> list[int]:
    """The ids of every descendant (children, their children, ...) of rows `pks` whose
    status is one of `statuses`, in id order."""
    if not pks:
        return []
    marks = ", ".join("?" * len(pks))
    wanted = ", ".join("?" * len(statuses))
    rows = db.all(
        "WITH RECURSIVE sub(pk) AS (SELECT c.pk FROM task c WHERE c.parent_pk IN "
        f"({marks}) UNION SELECT c.pk FROM task c JOIN sub ON c.parent_pk = sub.pk) "
        f"SELECT t.id FROM task t JOIN sub ON sub.pk = t.pk WHERE t.status IN ({wanted}) "
        "ORDER BY t.id",
        (*pks, *statuses),
    )
    return [int(i) for (i,) in rows]


def any_pending(db: Db, owner: str, ids: Sequence[int]) -> bool:
    """Whether any of the owner's tasks with these ids is pending."""
    return "pending" in states(db, owner, ids).values()


def unblocked_by(db: Db, blocker_pks: Sequence[int]) -> list[int]:
    """The pks of pending tasks that depend on one of `blocker_pks` and have no pending
    blocker left (call after those blockers were completed)."""
    if not blocker_pks:
        return []
    marks = ", ".join("?" * len(blocker_pks))
    rows = db.all(
        "SELECT DISTINCT t.pk FROM task_dependency d JOIN task t ON t.pk = d.task_pk "
        f"WHERE d.blocker_pk IN ({marks}) AND t.status = 'pending' AND NOT EXISTS "
        "(SELECT 1 FROM task_dependency e JOIN task b ON b.pk = e.blocker_pk "
        "WHERE e.task_pk = t.pk AND b.status = 'pending') ORDER BY t.pk",
        tuple(blocker_pks),
    )
    return [int(pk) for (pk,) in rows]


def children_where(owner: str, task_id: int) -> tuple[str, list[Any]]:
    """A WHERE clause over `task t` for the direct subtasks (not deleted) of a task."""
    return (
        "t.parent_pk = (SELECT p.pk FROM task p WHERE p.owner = ? AND p.id = ?) "
        "AND t.status <> 'deleted'",
        [owner, task_id],
    )


def dependants_where(owner: str, task_id: int) -> tuple[str, list[Any]]:
    """A WHERE clause over `task t` for the tasks (not deleted) that depend on a task."""
    return (
        "t.pk IN (SELECT d.task_pk FROM task_dependency d JOIN task b ON b.pk = d.blocker_pk "
        "WHERE b.owner = ? AND b.id = ?) AND t.status <> 'deleted'",
        [owner, task_id],
    )
