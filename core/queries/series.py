"""The recurrence bookkeeping columns of the task table (series, occurrence, start, zone)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.store import Db

if TYPE_CHECKING:
    from core.recurrence.instances import Series


def of(db: Db, pk: int) -> Series:
    """The recurrence bookkeeping of task `pk`."""
    row = db.one(
        "SELECT series_id, occurrence, recur_start, zone FROM task WHERE pk = ?", (pk,)
    )
    from core.recurrence.instances import Series  # loaded by the writes that need it

    return Series(*row)


def by_uuid(db: Db, owner: str) -> dict[str, Series]:
    """The series bookkeeping of every recurring task of the owner, by task uuid."""
    rows = db.all(
        "SELECT uuid, series_id, occurrence, recur_start, zone FROM task "
        "WHERE owner = ? AND series_id IS NOT NULL",
        (owner,),
    )
    from core.recurrence.instances import Series

    return {uuid: Series(*rest) for uuid, *rest in rows}


def pk_of_occurrence(db: Db, owner: str, series_id: str, occurrence: str) -> int | None:
    """The task that is this occurrence of the series, if one was ever created."""
    value = db.value(
        "SELECT pk FROM task WHERE owner = ? AND series_id = ? AND occurrence = ?",
        (owner, series_id, occurrence),
    )
    return None if value is None else int(value)


def write(db: Db, pk: int, series: Series) -> None:
    """Store `series` as task `pk`'s bookkeeping."""
    db.run(
        "UPDATE task SET recur_start = ?, zone = ?, series_id = ?, occurrence = ? "
        "WHERE pk = ?",
        (series.recur_start, series.zone, series.series_id, series.occurrence, pk),
    )
