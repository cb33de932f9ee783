"""The task links: parent_pk (subtasks) and the task_dependency table (blockers)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from core.store import Db


class Links(NamedTuple):
    """One task's links as read with it (core/queries/tasks.py).

    A NamedTuple: every command loads this class, and a dataclass costs ~0.5 ms to create.
    """

    parent: int | None = None
    depends: tuple[int, ...] = ()
    blocked: bool = False
    blocking: bool = False
    children: int = 0


def for_selection(db: Db, where_sql: str, params: Sequence[Any]) -> dict[int, Links]:
    """Task pk -> its links, for the tasks matching a WHERE clause over `task t` that have
    any (a parent, blockers, children, or a pending task they block)."""
    # Four queries over the selection, each joining only the few linked rows: at 50k tasks
    # a tenth of them linked, about half the cost of four correlated subqueries per row.
    parents, children = _tree(db, where_sql, params)
    blocking, depends, blocked = _dependencies(db, where_sql, params)
    return {
        pk: Links(parents.get(pk), depends.get(pk, ()), pk in blocked, pk in blocking,
                  children.get(pk, 0))
        for pk in {*parents, *children, *blocking, *depends}
    }


def _tree(db: Db, where_sql: str, params: Sequence[Any]) -> tuple[dict[int, int], ...]:
    """(pk -> parent id, pk -> number of children not deleted) over the selection."""
    # A store without any subtask skips both queries after one probe of ix_task_parent_pk.
    if not db.value("SELECT EXISTS (SELECT 1 FROM task WHERE parent_pk IS NOT NULL)"):
        return {}, {}
    parents = _pairs(db, "SELECT t.pk, p.id FROM task t JOIN task p ON "
                     f"p.pk = t.parent_pk WHERE {where_sql}", params)
    children = _pairs(db, "SELECT c.parent_pk, COUNT(*) FROM task c JOIN task t ON "
                      f"t.pk = c.parent_pk WHERE {where_sql} AND c.status <> 'deleted' "
                      "GROUP BY c.parent_pk", params)
    return parents, children


def _dependencies(
    db: Db, where_sql: str, params: Sequence[Any]
) -> tuple[set[int], dict[int, tuple[int, ...]], set[int]]:
    """(pks blocking a pending task, pk -> blocker ids, pks blocked) over the selection."""
    if not db.value("SELECT EXISTS (SELECT 1 FROM task_dependency)"):
        return set(), {}, set()
    blocking = {int(pk) for (pk,) in db.all(
        "SELECT DISTINCT d.blocker_pk FROM task_dependency d JOIN task t ON "
        f"t.pk = d.blocker_pk JOIN task w ON w.pk = d.task_pk WHERE {where_sql} "
        "AND t.status = 'pending' AND w.status = 'pending'", params)}
    return (blocking, *_depends(db, where_sql, params))


def _pairs(db: Db, sql: str, params: Sequence[Any]) -> dict[int, int]:
    return {int(a): int(b) for a, b in db.all(sql, params)}


def _depends(
    db: Db, where_sql: str, params: Sequence[Any]
) -> tuple[dict[int, tuple[int, ...]], set[int]]:
    """Task pk -> its blockers' ids (ascending), and the pks of the pending tasks with a
    pending blocker."""
    rows = db.all(
        "SELECT d.task_pk, b.id, t.status, b.status FROM task_dependency d JOIN task t "
        f"ON t.pk = d.task_pk JOIN task b ON b.pk = d.blocker_pk WHERE {where_sql} "
        "ORDER BY d.task_pk, b.id",
        params,
    )
    grouped: dict[int, list[int]] = {}
    blocked: set[int] = set()
    for pk, blocker, status, blocker_status in rows:
        grouped.setdefault(int(pk), []).append(int(blocker))
        if status == "pending" and blocker_status == "pending":
            blocked.add(int(pk))
    return {pk: tuple(ids) for pk, ids in grouped.items()}, blocked


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


def uuids_of_ids(db: Db, owner: str, ids: Iterable[int]) -> dict[int, str]:
    """Task id -> uuid, for those of `ids` the owner has."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    rows = db.all(
        f"SELECT id, uuid FROM task WHERE owner = ? AND id IN ({marks})", [owner, *wanted]
    )
    return {int(i): str(u) for i, u in rows}


def ids_of_uuids(db: Db, owner: str, uuids: Iterable[str]) -> dict[str, int]:
    """uuid -> task id, for those of `uuids` the owner has."""
    wanted = sorted(set(uuids))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    rows = db.all(
        f"SELECT uuid, id FROM task WHERE owner = ? AND uuid IN ({marks})", [owner, *wanted]
    )
    return {str(u): int(i) for u, i in rows}
