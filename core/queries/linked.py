"""The tasks whose derived link fields a change to other tasks may have changed: the
live feed (core/live.py) reads them again with the changed ones."""

from __future__ import annotations

from collections.abc import Sequence

from core.store import Db


def linked_pks(db: Db, pks: Sequence[int]) -> list[int]:
    """The pks of the tasks linked to rows `pks`: those depending on them (their `blocked`
    follows the blockers' status), their blockers (`blocking`) and their parents
    (`children`). Each part is an index probe (task_dependency's PK and blocker index,
    task's PK)."""
    if not pks:
        return []
    marks = ", ".join("?" * len(pks))
    rows = db.all(
        f"SELECT task_pk FROM task_dependency WHERE blocker_pk IN ({marks}) "
        f"UNION SELECT blocker_pk FROM task_dependency WHERE task_pk IN ({marks}) "
        f"UNION SELECT parent_pk FROM task WHERE pk IN ({marks}) AND parent_pk IS NOT NULL",
        (*pks, *pks, *pks),
    )
    return [int(pk) for (pk,) in rows]
