"""Named leases in the database: at most one live holder per name.

A consumer group on the embedded log is one member at a time (whoever holds the group's
lease reads and applies; the others wait), and of several relays one leads. A holder
renews before its lease runs out; a holder that died (kill -9) loses it when it expires,
and the next taker carries on from the committed position. `fence` grows each time the
lease changes hands, so a holder can tell that it was replaced while it was away.

Time is the caller's wall clock, passed in: every process of one deployment shares it.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from typing import NamedTuple

from core.queries import leases as rows
from core.store import Store


class Lease(NamedTuple):  # not a dataclass: ~0.8 ms to create, on every write's path
    """A lease as held: by whom, since which hand-over (`fence`) and until when."""

    name: str
    holder: str
    fence: int
    expires: datetime


def holder_id(role: str) -> str:
    """A name for this process that no other process shares: role, host, pid, a nonce."""
    # os.uname() and os.urandom rather than socket and uuid: those cost `todo add` ~5 ms of
    # imports, and every write takes a lease (the embedded drain).
    return f"{role}@{_host()}:{os.getpid()}:{os.urandom(4).hex()}"


def _host() -> str:
    if hasattr(os, "uname"):  # what socket.gethostname reads on POSIX
        return os.uname().nodename
    import socket

    return socket.gethostname()


class Leases:
    """Takes, renews, reads and gives up leases in one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def acquire(self, name: str, holder: str, ttl_s: float, now: datetime) -> Lease | None:
        """Take `name` for `ttl_s` seconds, or renew it if `holder` has it already.

        Returns the lease, or None while another holder's lease is still live.
        """
        expires = now + timedelta(seconds=ttl_s)
        with self.store.write() as db:
            fence = rows.acquire(db, name, holder, now, expires)
        return None if fence is None else Lease(name, holder, fence, expires)

    def release(self, name: str, holder: str) -> None:
        """Give `name` up at once if `holder` has it, so a waiting member takes over now."""
        with self.store.write() as db:
            rows.release(db, name, holder)

    def current(self, name: str, now: datetime) -> Lease | None:
        """Who holds `name` now (None when nobody's lease is live)."""
        with self.store.read() as db:
            found = rows.current(db, name, now)
        return None if found is None else Lease(name, *found)
