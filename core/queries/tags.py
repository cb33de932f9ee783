"""The task_tag table: the tags of tasks, and tags across tasks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.store import Db


def for_selection(db: Db, where_sql: str, params: Sequence[Any]) -> dict[int, tuple[str, ...]]:
    """Task pk -> its tags, sorted, for the tasks matching a WHERE clause over `task t`."""
    # One query for all tags of the selection beats one query per task by far at 50k rows.
    tag_rows = db.all(
        "SELECT g.task_pk, g.tag FROM task_tag g JOIN task t ON t.pk = g.task_pk "
        f"WHERE {where_sql} ORDER BY g.task_pk, g.tag",
        params,
    )
    grouped: dict[int, list[str]] = {}
    for pk, tag in tag_rows:
        grouped.setdefault(pk, []).append(tag)
    return {pk: tuple(tags) for pk, tags in grouped.items()}


def insert(db: Db, pk: int, tags: Sequence[str]) -> None:
    """Add these tags to task `pk`."""
    if tags:
        db.many("INSERT INTO task_tag (task_pk, tag) VALUES (?, ?)", [(pk, t) for t in tags])


def replace(db: Db, pk: int, tags: Sequence[str]) -> None:
    """Make these the tags of task `pk`."""
    db.run("DELETE FROM task_tag WHERE task_pk = ?", (pk,))
    insert(db, pk, tags)


def in_use(db: Db, owner: str) -> list[tuple[str, int]]:
    """Every tag on a pending task of the owner, with how many pending tasks carry it."""
    rows = db.all(
        "SELECT g.tag, COUNT(*) FROM task_tag g JOIN task t ON t.pk = g.task_pk "
        "WHERE t.owner = ? AND t.status = 'pending' GROUP BY g.tag ORDER BY g.tag",
        (owner,),
    )
    return [(tag, int(n)) for tag, n in rows]


def task_ids_with(db: Db, owner: str, tag: str) -> list[int]:
    """The ids of the owner's tasks (any status) carrying `tag`, in id order."""
    rows = db.all(
        "SELECT t.id FROM task t JOIN task_tag g ON g.task_pk = t.pk "
        "WHERE t.owner = ? AND g.tag = ? ORDER BY t.id",
        (owner, tag),
    )
    return [int(i) for (i,) in rows]
