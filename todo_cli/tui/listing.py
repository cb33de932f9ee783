"""A list of tasks in display order, with their ids beside it in an array.

Narrowing 50k tasks by a filter, and finding a task's row, are then loops in C (`map` over
bound methods, `sorted`, `array.index`) instead of Python loops over task objects, and the
arrays are nothing the garbage collector has to walk.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import repeat

from core.schemas import TaskRead


class Listing:
    """Tasks in the order shown, and `ids[i] == tasks[i].id`."""

    __slots__ = ("_rank", "ids", "tasks")

    def __init__(self, tasks: Sequence[TaskRead], ids: array[int]) -> None:
        self.tasks = tasks
        self.ids = ids
        self._rank: dict[int, int] | None = None  # id -> row, built on first use

    @classmethod
    def of(cls, tasks: Sequence[TaskRead]) -> Listing:
        """The listing of `tasks`, in their order."""
        return cls(tasks, array("q", [t.id for t in tasks]))

    def __len__(self) -> int:
        return len(self.tasks)

    def row_of(self, task_id: int) -> int | None:
        """Where task `task_id` is in this listing, if it is."""
        try:
            return self.ids.index(task_id)
        except ValueError:
            return None

    def rows_of(self, ids: Iterable[int]) -> array[int]:
        """The rows of the tasks `ids` that are in this listing, in this listing's order
        (ids not in it are left out: compare the lengths to know)."""
        if self._rank is None:
            self._rank = dict(zip(self.ids, range(len(self.ids)), strict=True))
        rows = sorted(map(self._rank.get, ids, repeat(-1)))  # -1: not in this listing
        return array("q", rows[bisect_left(rows, 0):])

    def pick(self, rows: array[int]) -> Listing:
        """The listing of `rows` (from `rows_of`), in order."""
        if len(rows) == len(self.tasks):  # rows are distinct: that is every row
            return self
        return Listing(list(map(self.tasks.__getitem__, rows)),
                       array("q", map(self.ids.__getitem__, rows)))

    def head(self, limit: int | None) -> Listing:
        """The first `limit` rows (all of them for None)."""
        if limit is None or limit >= len(self.tasks):
            return self
        return Listing(self.tasks[:limit], self.ids[:limit])


EMPTY = Listing((), array("q"))
"""No tasks."""
