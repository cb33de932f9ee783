"""One leader among several processes of a role, on a named lease in the database.

The relay uses it so that two relays never publish the same rows, and each consumer group on
the embedded log so that one member applies at a time (lease `group:<group>`): the leader
renews its lease every ttl/3; the others look every ttl/3 and take it once the leader
released it (SIGTERM) or it expired (kill -9, a stalled process, a lost database).

A term is one unbroken stretch of holding the lease. Work done under a term counts only if
the term was still unbroken when the work finished (`unbroken`): the lease was renewed in
time (the local deadline, the moment before the last renewal was asked for plus the ttl, has
not passed) and the database still names this holder with the same fence.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

from core.leases import Lease, Leases


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Leader:
    """Takes, keeps and gives up the lease `name` for `holder`."""

    def __init__(
        self,
        leases: Leases,
        name: str,
        holder: str,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.leases = leases
        self.name = name
        self.holder = holder
        self.ttl_s = ttl_s
        self._clock = clock
        self._wall = wall
        self._lease: Lease | None = None
        self._renewed = 0.0
        self._deadline = 0.0
        self.term = 0

    @property
    def renew_every_s(self) -> float:
        """How often the leader renews, and how often a follower tries to take over."""
        return self.ttl_s / 3

    def hold(self) -> bool:
        """Renew the lease when a third of the ttl has passed (or take it if it is free);
        True while this process leads. A lapse starts a new term."""
        started = self._clock()
        if self._lease is not None and started - self._renewed < self.renew_every_s:
            return started < self._deadline
        now = self._wall()
        if self._lease is None:  # a follower reads first: writers queue on one lock
            current = self.leases.current(self.name, now)
            if current is not None and current.holder != self.holder:
                return False
        lease = self.leases.acquire(self.name, self.holder, self.ttl_s, now)
        if lease is None:
            self._drop()
            return False
        if self._lease is None or lease.fence != self._lease.fence or started >= self._deadline:
            self.term += 1
        self._lease, self._renewed, self._deadline = lease, started, started + self.ttl_s
        return True

    def unbroken(self, term: int) -> bool:
        """This process has led without a break since `term` started, and still does: the
        local deadline has not passed, and the database still names this holder with the
        same fence (which also catches another process whose wall clock runs ahead)."""
        if self._lease is None or term != self.term or self._clock() >= self._deadline:
            return False
        now = self.leases.current(self.name, self._wall())
        if now is None or now.holder != self.holder or now.fence != self._lease.fence:
            self._drop()  # the next `hold` asks the database again
            return False
        return True

    @property
    def fence(self) -> int | None:
        """While leading: the hand-over the lease is held since (None: not leading)."""
        return None if self._lease is None else self._lease.fence

    def current(self) -> str | None:
        """Who holds the lease now (None: nobody)."""
        lease = self.leases.current(self.name, self._wall())
        return None if lease is None else lease.holder

    def release(self) -> None:
        """Give the lease up so that a follower takes over at once."""
        if self._lease is not None:
            self.leases.release(self.name, self.holder)
        self._drop()

    def _drop(self) -> None:
        if self._lease is not None:
            self.term += 1
        self._lease = None
