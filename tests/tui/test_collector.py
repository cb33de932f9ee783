"""Full garbage collections wait for the user's pauses; young ones stay automatic."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from todo_cli.tui.collector import IDLE_S, MAX_DEFERRED, IdleCollector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def collector() -> Iterator[tuple[IdleCollector, Clock]]:
    clock = Clock()
    taken = IdleCollector(clock)
    before = gc.get_threshold()
    taken.start()
    yield taken, clock
    taken.stop()
    assert gc.get_threshold() == before


def test_start_switches_automatic_full_collections_off_and_stop_restores_them(
    collector: tuple[IdleCollector, Clock],
) -> None:
    young, middle, full = gc.get_threshold()
    assert full > 1_000_000 and young > 0 and middle > 0


def test_a_full_collection_waits_for_a_pause(collector: tuple[IdleCollector, Clock]) -> None:
    taken, clock = collector
    gc.collect(1)  # a young collection: now a full one has something to look at
    taken.touched()
    clock.now += IDLE_S / 2
    assert not taken.tick() and gc.get_count()[2] > 0
    clock.now += IDLE_S
    assert taken.tick() and taken.full_collections == 1
    assert gc.get_count()[2] == 0
    assert not taken.tick()  # nothing new since


def test_a_user_who_never_pauses_still_gets_collections(
    collector: tuple[IdleCollector, Clock],
) -> None:
    taken, _ = collector
    for _ in range(MAX_DEFERRED):
        gc.collect(1)
    taken.touched()
    assert taken.tick() and taken.full_collections == 1


def test_nothing_happens_before_start() -> None:
    idle = IdleCollector(Clock())
    gc.collect(1)
    assert not idle.tick()
