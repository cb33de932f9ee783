"""Reminder deliveries, claimed in the database before they are sent.

One row per (reminder event, channel). A notify worker claims the row for a lease (holder,
`lease_until`), renews the lease while the send runs, and marks the row delivered when the
channel took the message. Another worker finds the row delivered (nothing to do) or held
(it waits: the holder is sending). A holder that died mid-send loses the claim when the
lease runs out, and the next claimer sends again, with the same event id as idempotency key:
at most one repeat, and `attempts` shows it.

Time is the caller's wall clock, passed in, as for `core.leases`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from core.store import Store

ClaimState = Literal["claimed", "delivered", "busy"]


@dataclass(frozen=True, slots=True)
class Claim:
    """What claiming gave: `claimed` (send it; `attempts` > 1 is a repeat), `delivered`
    (already sent), or `busy` (another holder's claim is live: it is being sent)."""

    state: ClaimState
    attempts: int = 0


def claim(
    store: Store, event_id: str, channels: Sequence[str], holder: str, lease_s: float,
    now: datetime,
) -> dict[str, Claim]:
    """Claim sending `event_id` on each of `channels` for `lease_s` seconds (one
    transaction); what each claim gave, by channel."""
    until = now + timedelta(seconds=lease_s)
    out = {}
    with store.write() as db:
        for channel in channels:
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
            if row is not None:
                out[channel] = Claim("claimed", int(row[0]))
                continue
            delivered = db.value(
                "SELECT delivered FROM delivery WHERE event_id = ? AND channel = ?",
                (event_id, channel),
            )
            out[channel] = Claim("busy") if delivered is None else Claim("delivered")
    return out


def renew(
    store: Store, claims: Sequence[tuple[str, str]], holder: str, lease_s: float, now: datetime
) -> list[tuple[str, str]]:
    """Extend `holder`'s live claims on these (event, channel) pairs; returns those lost."""
    until = now + timedelta(seconds=lease_s)
    lost = []
    with store.write() as db:
        for event_id, channel in claims:
            row = db.one(
                "UPDATE delivery SET lease_until = ? WHERE event_id = ? AND channel = ? "
                "AND holder = ? AND delivered IS NULL RETURNING 1",
                (db.dt(until), event_id, channel, holder),
            )
            if row is None:
                lost.append((event_id, channel))
    return lost


def mark_delivered(store: Store, event_id: str, channel: str, now: datetime) -> None:
    """Record that the channel took the message (whoever holds the claim: it went out)."""
    with store.write() as db:
        db.run(
            "UPDATE delivery SET delivered = ?, lease_until = NULL "
            "WHERE event_id = ? AND channel = ? AND delivered IS NULL",
            (db.dt(now), event_id, channel),
        )


def release(store: Store, event_id: str, channel: str, holder: str) -> None:
    """Give up a claim whose send failed, so a later attempt may claim it at once."""
    with store.write() as db:
        db.run(
            "UPDATE delivery SET holder = NULL, lease_until = NULL "
            "WHERE event_id = ? AND channel = ? AND holder = ? AND delivered IS NULL",
            (event_id, channel, holder),
        )


def delivered_channels(store: Store, event_id: str) -> set[str]:
    """The channels a reminder event has been delivered on."""
    with store.read() as db:
        rows = db.all(
            "SELECT channel FROM delivery WHERE event_id = ? AND delivered IS NOT NULL",
            (event_id,),
        )
    return {str(channel) for (channel,) in rows}
