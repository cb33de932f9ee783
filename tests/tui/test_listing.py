"""Listings: tasks in display order with their ids in an array; narrowing by ids keeps the
order, leaves out what the listing lacks, and says so by the length."""

from __future__ import annotations

from datetime import UTC, datetime

from core.priorities import Priority
from core.schemas import Status, TaskRead
from todo_cli.tui.listing import EMPTY, Listing

WHEN = datetime(2026, 11, 22, tzinfo=UTC)


def task(id_: int) -> TaskRead:
    return TaskRead(id=id_, uuid=f"u{id_}", title=f"t{id_}", notes=None, status=Status.PENDING,
                    priority=Priority.NONE, tags=(), due=None, created=WHEN, updated=WHEN,
                    completed=None)


ORDER = Listing.of([task(i) for i in (5, 3, 9, 1, 7)])


def test_rows_of_keep_the_listing_order_and_skip_unknown_ids() -> None:
    rows = ORDER.rows_of([7, 5, 42, 1])
    assert list(rows) == [0, 3, 4]  # 42 is not in it: three rows for four ids
    picked = ORDER.pick(rows)
    assert [t.id for t in picked.tasks] == [5, 1, 7] == list(picked.ids)


def test_every_row_picked_is_the_listing_itself() -> None:
    assert ORDER.pick(ORDER.rows_of([1, 3, 5, 7, 9])) is ORDER


def test_row_of_and_head() -> None:
    assert (ORDER.row_of(9), ORDER.row_of(2)) == (2, None)
    assert [t.id for t in ORDER.head(2).tasks] == [5, 3] and ORDER.head(None) is ORDER
    assert len(EMPTY) == 0 and EMPTY.row_of(1) is None
    assert list(EMPTY.rows_of([1])) == []
