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

from core.queries import deliveries as rows
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
            attempts = rows.claim(db, event_id, channel, holder, until, now)
            if attempts is not None:
                out[channel] = Claim("claimed", attempts)
            elif rows.is_delivered(db, event_id, channel):
                out[channel] = Claim("delivered")
            else:
                out[channel] = Claim("busy")
    return out


def renew(
    store: Store, claims: Sequence[tuple[str, str]], holder: str, lease_s: float, now: datetime
) -> list[tuple[str, str]]:
    """Extend `holder`'s live claims on these (event, channel) pairs; returns those lost."""
    until = now + timedelta(seconds=lease_s)
    with store.write() as db:
        return [(event_id, channel) for event_id, channel in claims
                if not rows.renew(db, event_id, channel, holder, until)]


def mark_delivered(store: Store, event_id: str, channel: str, now: datetime) -> None:
    """Record that the channel took the message (whoever holds the claim: it went out)."""
    with store.write() as db:
        rows.mark_delivered(db, event_id, channel, now)


def release(store: Store, event_id: str, channel: str, holder: str) -> None:
    """Give up a claim whose send failed, so a later attempt may claim it at once."""
    with store.write() as db:
        rows.release(db, event_id, channel, holder)


def delivered_channels(store: Store, event_id: str) -> set[str]:
    """The channels a reminder event has been delivered on."""
    with store.read() as db:
        return rows.delivered_channels(db, event_id)
