"""Full garbage collections wait for the user's pauses; young ones stay automatic."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from todo_cli.tui.collector import AWAY_S, IDLE_S, MAX_DEFERRED, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Node:
    """Something that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def collector() -> Iterator[tuple[IdleCollector, Clock]]:
    clock = Clock()
    taken = IdleCollector(clock)
    before = gc.get_threshold()
    taken.start()
    taken.freeze()  # as the app does once its tasks are loaded
    yield taken, clock
    taken.stop()
    gc.unfreeze()  # leave the test process as it was
    assert gc.get_threshold() == before


def test_start_switches_automatic_full_collections_off(
    collector: tuple[IdleCollector, Clock],
) -> None:
    young, middle, full = gc.get_threshold()
    assert full > 1_000_000 and young > 0 and middle > 0


def test_a_full_collection_waits_for_a_pause_then_freezes_what_survived(
    collector: tuple[IdleCollector, Clock],
) -> None:
    taken, clock = collector
    gc.collect(1)  # a young collection: now a full one has something to look at
    taken.touched()
    clock.now += IDLE_S / 2
    assert taken.tick() is None and gc.get_count()[2] > 0
    clock.now += IDLE_S
    frozen = gc.get_freeze_count()
    assert taken.tick() == "full"
    assert gc.get_count()[2] == 0 and gc.get_freeze_count() >= frozen
    assert taken.tick() is None  # nothing new since


def test_a_user_who_never_pauses_still_gets_collections(
    collector: tuple[IdleCollector, Clock],
) -> None:
    taken, _ = collector
    for _ in range(MAX_DEFERRED):
        gc.collect(1)
    taken.touched()
    assert taken.tick() == "full"


def test_garbage_among_frozen_objects_goes_when_the_user_is_away(
    collector: tuple[IdleCollector, Clock],
) -> None:
    taken, clock = collector
    first, second = Node(), Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    taken.freeze()  # the cycle is frozen while still in use
    del first, second
    gc.collect()
    assert gone() is not None  # a frozen cycle survives every ordinary collection
    clock.now += AWAY_S
    assert taken.tick() == "sweep"
    assert gone() is None
    clock.now += AWAY_S
    assert taken.tick() is None  # one sweep per absence


def test_nothing_happens_before_start_or_before_the_load_is_frozen() -> None:
    clock = Clock()
    idle = IdleCollector(clock)
    gc.collect(1)
    clock.now += AWAY_S
    assert idle.tick() is None
    idle.start()
    try:
        assert idle.tick() is None  # still loading: that walk would be the costliest
    finally:
        idle.stop()
