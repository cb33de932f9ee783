"""The embedded drain's common case in one write transaction.

After a write, each consumer group of the embedded log has an event or two waiting and no
worker running. Taking the group's lease, reading, applying, committing the position and
giving the lease back costs a dozen transactions; when the groups' events can be applied
inside one transaction, one transaction does for every group. Writers are serialised
database-wide (`core.store`), so while it runs nobody else applies or commits for a group:
its lease need only be found free, not taken. A group whose lease is live is left to its
holder (a `todo worker`, another process's drain), as the lease-taking drain leaves it.
Whatever this cannot apply is left, untouched, to the lease-taking drain
(`services.embedded.drain`), which also dead-letters invalid events.

It runs after every write of every interface, so it is kept to a handful of statements and
to this module plus the audit recorder: the consumers' own modules, the log and the leases
load only on the lease-taking way. It knows what each embedded group does with an event in
the common case: the recurrence group needs only completions (which take the lease-taking
way, to create the next instance through the service), the audit group records every event.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from core import events
from core.queries import consumers, outbox
from core.store import Db, Store

RECURRENCE = "recurrence"
AUDIT = "audit"
GROUPS: tuple[tuple[str, str | None], ...] = ((RECURRENCE, events.TASK_TOPIC), (AUDIT, None))
"""The embedded log's consumer groups, in the order they are drained, and their topics."""
BATCH = 500
"""Events a member of an embedded group reads at a time."""


class _Declined(Exception):
    """An apply failed: the transaction is rolled back and the lease-taking drain redoes it."""


def settle(
    store: Store, owner: str, now: datetime, batch: int = BATCH
) -> list[str] | None:
    """Apply what each of `GROUPS` has waiting, in one write transaction, for each group
    whose lease nobody holds.

    Returns the groups left to the lease-taking drain: more than `batch - 1` events waiting,
    a completion (recurrence), or an apply that failed (then every group: nothing was
    written, there being no savepoint per group to pay for). None when `owner` has tasks
    to expire at `now`: expiry writes events of its own, so the caller expires and drains
    the slow way.
    """
    names = [group for group, _topic in GROUPS]
    try:
        with store.write() as db:
            wall = datetime.now(UTC)  # leases and positions run on the wall clock, as workers'
            expired, positions = consumers.drain_state(db, names, wall, owner, now)
            if expired:
                return None
            free = [p for p in positions if p is not None]
            if not free:
                return []  # their holders apply them
            rows = outbox.read(db, min(free), batch, None)
            left, done, record = _plan(rows, positions, batch)
            if record:
                _record_audit(db, [outbox.envelope_of(row) for row in record], now)
            consumers.commit_many(db, done, wall)
            return left
    except _Declined:
        return names


def _plan(
    rows: list[outbox.Row], positions: list[int | None], batch: int
) -> tuple[list[str], list[tuple[str, int]], list[outbox.Row]]:
    """(groups left, (group, position) to commit, rows for the audit to record)."""
    left: list[str] = []
    done: list[tuple[str, int]] = []
    record: list[outbox.Row] = []
    for (group, topic), position in zip(GROUPS, positions, strict=True):
        if position is None:
            continue  # its holder applies them
        mine = [r for r in rows if r[0] > position and outbox.in_topic(r[2], topic)]
        if not mine:
            continue
        if len(rows) == batch or (group == RECURRENCE and _completes(mine)):
            left.append(group)  # maybe more / the next instance: the lease-taking way
            continue
        if group == AUDIT:
            record = mine
        done.append((group, int(mine[-1][0])))
    return left, done, record


def _completes(rows: list[outbox.Row]) -> bool:
    return any(row[2] == events.COMPLETED for row in rows)


def _record_audit(db: Db, envelopes: list[dict[str, Any]], now: datetime) -> None:
    from core.audit_record import record_in

    try:
        record_in(db, envelopes, AUDIT, now)
    except Exception as exc:  # an invalid event, a broken table: dead-letter it, or report
        raise _Declined from exc
