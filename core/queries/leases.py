"""The lease table: named leases, at most one live holder per name."""

from __future__ import annotations

from datetime import datetime

from core.store import Db, read_dt


def acquire(db: Db, name: str, holder: str, now: datetime, expires: datetime) -> int | None:
    """Take `name` until `expires`, or renew it if `holder` has it already; the fence, or
    None while another holder's lease is live."""
    row = db.one(
        "INSERT INTO lease (name, holder, fence, acquired, expires) "
        "VALUES (?, ?, 1, ?, ?) ON CONFLICT (name) DO UPDATE SET "
        "fence = CASE WHEN lease.holder = excluded.holder THEN lease.fence "
        "ELSE lease.fence + 1 END, "
        "acquired = CASE WHEN lease.holder = excluded.holder THEN lease.acquired "
        "ELSE excluded.acquired END, "
        "holder = excluded.holder, expires = excluded.expires "
        "WHERE lease.holder = excluded.holder OR lease.expires <= ? "
        "RETURNING fence",
        (name, holder, db.dt(now), db.dt(expires), db.dt(now)),
    )
    return None if row is None else int(row[0])


def release(db: Db, name: str, holder: str) -> None:
    """Let `holder`'s lease on `name` expire now."""
    db.run("UPDATE lease SET expires = acquired WHERE name = ? AND holder = ?", (name, holder))


LIVE = "FROM lease WHERE name = ? AND expires > ?"
"""The live lease on a name (`?`: the name, then the moment); the drain's state query asks it
too."""


def current(db: Db, name: str, now: datetime) -> tuple[str, int, datetime] | None:
    """(holder, fence, expires) of the live lease on `name`, or None."""
    row = db.one(f"SELECT holder, fence, expires {LIVE}", (name, db.dt(now)))
    if row is None:
        return None
    expires = read_dt(row[2])
    assert expires is not None
    return str(row[0]), int(row[1]), expires
