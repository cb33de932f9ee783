"""The embedded drain's common case in one write transaction.

After a write, each consumer group of the embedded log has an event or two waiting and no
worker running. Taking the group's lease, reading, applying, committing the position and
giving the lease back costs a dozen transactions; when a group's events can be applied
inside one transaction, one transaction does for every group. Writers are serialised
database-wide (`core.store`), so while it runs nobody else applies or commits for the
group: its lease need only be found free, not taken. A group whose lease is live is left to
its holder (a `todo worker`, another process's drain), as the lease-taking drain leaves it.
Whatever this cannot apply is left, untouched, to the lease-taking drain
(`services.embedded.drain`), which also dead-letters invalid events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from core.eventlog import entry_of
from core.queries import consumers, leases, outbox, task_plans
from core.store import Db, Store

ApplyIn = Callable[[Db, list[dict[str, Any]]], bool]
"""Applies a group's waiting events inside the caller's write transaction and returns True;
or returns False, or raises: what it wrote is rolled back and the slow path applies them."""


def settle(
    store: Store, owner: str, now: datetime,
    groups: Sequence[tuple[str, str | None, ApplyIn]], batch: int,
) -> list[str] | None:
    """Apply what each of `groups` (group, topic, apply) has waiting, in one write
    transaction, for each group whose lease nobody holds.

    Returns the groups left to the lease-taking drain: more than `batch - 1` events waiting,
    or events `apply` declined. None when `owner` has tasks to expire at `now`: expiry
    writes events of its own, so the caller expires and drains the slow way.
    """
    with store.write() as db:
        if task_plans.expired_ids(db, owner, now, 1):
            return None
        wall = datetime.now(UTC)  # leases and positions run on the wall clock, as workers'
        return [
            group for group, topic, apply in groups
            if not _settled(db, group, topic, apply, wall, batch)
        ]


def _settled(
    db: Db, group: str, topic: str | None, apply: ApplyIn, wall: datetime, batch: int
) -> bool:
    if leases.current(db, f"group:{group}", wall) is not None:
        return True  # its holder applies them
    rows = outbox.read(db, consumers.position(db, group), batch, topic)
    if not rows:
        return True
    if len(rows) == batch:
        return False  # maybe more: the lease-taking drain goes batch by batch
    entries = [entry_of(row) for row in rows]
    # A savepoint per group: one group's failure (an invalid event, a broken table) leaves
    # the others' work standing, as it does when each group has its own transactions.
    db.run("SAVEPOINT drain_group")
    try:
        done = apply(db, [entry.envelope for entry in entries])
        if done:
            consumers.commit(db, group, entries[-1].seq, wall)
    except Exception:  # the lease-taking drain redoes it: dead-letters, or reports it
        done = False
    if not done:
        db.run("ROLLBACK TO SAVEPOINT drain_group")
    db.run("RELEASE SAVEPOINT drain_group")
    return done
