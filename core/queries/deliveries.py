"""The delivery table: one row per (reminder event, channel), claimed under a lease."""

from __future__ import annotations

from datetime import datetime

from core.store import Db


def claim(
    db: Db, event_id: str, channel: str, holder: str, until: datetime, now: datetime
) -> int | None:
    """Claim the (event, channel) row for `holder` until `until` if it is neither delivered
    nor held by a live lease; the attempt number, or None when not claimed."""
    row = db.one(
        "INSERT INTO delivery (event_id, channel, holder, lease_until, attempts) "
        "VALUES (?, ?, ?, ?, 1) ON CONFLICT (event_id, channel) DO UPDATE SET "
        "holder = excluded.holder, lease_until = excluded.lease_until, "
        "attempts = delivery.attempts + 1 "
        "WHERE delivery.delivered IS NULL "
        "AND (delivery.lease_until IS NULL OR delivery.lease_until <= ?) "
        "RETURNING attempts",
        (event_id, channel, holder, db.dt(until), db.dt(now)),
    )
    return None if row is None else int(row[0])


def is_delivered(db: Db, event_id: str, channel: str) -> bool:
    """Whether the (event, channel) row says delivered."""
    delivered = db.value(
        "SELECT delivered FROM delivery WHERE event_id = ? AND channel = ?",
        (event_id, channel),
    )
    return delivered is not None


def renew(db: Db, event_id: str, channel: str, holder: str, until: datetime) -> bool:
    """Extend `holder`'s live claim to `until`; False if it no longer holds it."""
    row = db.one(
        "UPDATE delivery SET lease_until = ? WHERE event_id = ? AND channel = ? "
        "AND holder = ? AND delivered IS NULL RETURNING 1",
        (db.dt(until), event_id, channel, holder),
    )
    return row is not None


def mark_delivered(db: Db, event_id: str, channel: str, now: datetime) -> None:
    """Record that the channel took the message."""
    db.run(
        "UPDATE delivery SET delivered = ?, lease_until = NULL "
        "WHERE event_id = ? AND channel = ? AND delivered IS NULL",
        (db.dt(now), event_id, channel),
    )


def release(db: Db, event_id: str, channel: str, holder: str) -> None:
    """Drop `holder`'s undelivered claim."""
    db.run(
        "UPDATE delivery SET holder = NULL, lease_until = NULL "
        "WHERE event_id = ? AND channel = ? AND holder = ? AND delivered IS NULL",
        (event_id, channel, holder),
    )


def delivered_channels(db: Db, event_id: str) -> set[str]:
    """The channels a reminder event has been delivered on."""
    rows = db.all(
        "SELECT channel FROM delivery WHERE event_id = ? AND delivered IS NOT NULL",
        (event_id,),
    )
    return {str(channel) for (channel,) in rows}
