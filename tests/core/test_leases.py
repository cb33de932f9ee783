"""Leases on both stores: one live holder, renewal, expiry after a crash, hand-over, release."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.leases import Leases, holder_id
from core.store import Store

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_one_live_holder_at_a_time(db_url: str) -> None:
    store = Store(db_url)
    leases = Leases(store)
    first = leases.acquire("group:notify", "a", 10, T0)
    assert first is not None and first.fence == 1
    assert leases.acquire("group:notify", "b", 10, T0 + timedelta(seconds=5)) is None
    current = leases.current("group:notify", T0 + timedelta(seconds=5))
    assert current is not None and current.holder == "a"
    store.close()


def test_renewal_keeps_the_fence_and_extends(db_url: str) -> None:
    store = Store(db_url)
    leases = Leases(store)
    leases.acquire("relay", "a", 10, T0)
    renewed = leases.acquire("relay", "a", 10, T0 + timedelta(seconds=8))
    assert renewed is not None and renewed.fence == 1
    # Still a's at 15 s: the renewal moved the expiry to 18 s.
    assert leases.acquire("relay", "b", 10, T0 + timedelta(seconds=15)) is None
    store.close()


def test_an_expired_lease_changes_hands_with_a_new_fence(db_url: str) -> None:
    store = Store(db_url)
    leases = Leases(store)
    leases.acquire("relay", "a", 10, T0)
    taken = leases.acquire("relay", "b", 10, T0 + timedelta(seconds=10))
    assert taken is not None and taken.holder == "b" and taken.fence == 2
    # The old holder, back from a pause, cannot renew what it lost.
    assert leases.acquire("relay", "a", 10, T0 + timedelta(seconds=11)) is None
    store.close()


def test_release_hands_over_at_once_and_only_by_its_holder(db_url: str) -> None:
    store = Store(db_url)
    leases = Leases(store)
    leases.acquire("group:audit", "a", 60, T0)
    leases.release("group:audit", "b")  # not b's to give up
    assert leases.acquire("group:audit", "b", 60, T0 + timedelta(seconds=1)) is None
    leases.release("group:audit", "a")
    assert leases.current("group:audit", T0 + timedelta(seconds=1)) is None
    taken = leases.acquire("group:audit", "b", 60, T0 + timedelta(seconds=1))
    assert taken is not None and taken.fence == 2
    store.close()


def test_names_are_independent_and_holder_ids_unique(db_url: str) -> None:
    store = Store(db_url)
    leases = Leases(store)
    assert leases.acquire("group:audit", "a", 60, T0) is not None
    assert leases.acquire("group:recurrence", "b", 60, T0) is not None
    assert len({holder_id("notify") for _ in range(50)}) == 50
    store.close()
