"""The tree view's order (todo_cli/tui/tree.py): children under their parents, in the
listing's order; a child whose parent is not listed at the top level."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from zoneinfo import ZoneInfo

from core.priorities import Priority
from core.schemas import Status, TaskRead
from todo_cli.tui.listing import Listing
from todo_cli.tui.tree import tree

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def task(task_id: int, parent: int | None = None) -> TaskRead:
    return TaskRead(
        id=task_id, uuid=f"u-{task_id}", title=f"t{task_id}", notes=None,
        status=Status.PENDING, priority=Priority.NONE, tags=(), due=None, created=NOW,
        updated=NOW, completed=None, parent=parent,
    )


def shown(tasks: list[TaskRead]) -> tuple[list[int], dict[int, int]]:
    listing, depths = tree(Listing.of(tasks), attrgetter("parent"))
    assert list(listing.ids) == [t.id for t in listing.tasks]
    return list(listing.ids), depths


def test_children_follow_their_parent_in_the_listing_order() -> None:
    tasks = [task(5, parent=1), task(1), task(2), task(4, parent=5), task(3, parent=1)]
    assert shown(tasks) == ([1, 5, 4, 3, 2], {5: 1, 4: 2, 3: 1})


def test_a_child_whose_parent_is_not_listed_is_top_level() -> None:
    assert shown([task(2, parent=9), task(3)]) == ([2, 3], {})


def test_without_subtasks_the_listing_is_the_same_object() -> None:
    listing = Listing.of([task(1), task(2)])
    assert tree(listing, attrgetter("parent")) == (listing, {})


def test_a_cycle_core_should_have_refused_still_shows_every_task() -> None:
    ids, _ = shown([task(1, parent=2), task(2, parent=1), task(3)])
    assert sorted(ids) == [1, 2, 3]


def test_a_deep_chain_does_not_recurse() -> None:
    chain = [task(1)] + [task(n, parent=n - 1) for n in range(2, 5001)]
    ids, depths = shown(list(reversed(chain)))
    assert ids == list(range(1, 5001)) and depths[5000] == 4999
