"""Filters on priority and tags answered from the loaded tasks, without a query.

Once every pending task is loaded, which of them carry a tag or have a priority is known:
kept per sort order as a byte per row (1 where it holds), such a filter is an AND of a few
of these masks, done on them as big integers, then the rows where the result is 1; all of it
in C, well under a millisecond at 50k rows. SQL takes 10 to 20 ms for `--tag home -p m`,
which is most of a key press's budget. The masks mean what `queries.task_filter.where_for` means
(a test holds the two to the same answers); any other criterion goes to SQL.

A filter-language expression is compiled to masks too (core.filterlang's tree): tags,
priority and status by the masks above, `and`/`or`/`not` as `&`/`|`/`~`, and the other terms
(project, dates, overdue, has:due) as the rows where core.filterlang.evaluate accepts the
task, a search word as the rows of the ids the full-text index finds (one indexed query, the
same search SQL runs: `+work or pay` costs that query, not a scan of `or` in SQL).
`is:blocked`, `has:subtasks` (no loaded field says them) and `is:waiting` (it shows tasks
the preload did not read) send the whole filter to SQL.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import datetime
from itertools import compress
from typing import TYPE_CHECKING, cast

from core.priorities import Priority
from core.schemas import Status
from core.selection import TaskFilter
from todo_cli.tui.listing import Listing

if TYPE_CHECKING:
    from core.filterlang import Node
    from core.filterlang.evaluate import FilterTask

Search = Callable[[str], Iterable[int]]
"""The ids of the pending tasks a search (`todo list --search TEXT`) finds."""

_ANSWERED = frozenset({"status", "priority", "tags", "expression", "sort", "reverse", "limit"})
_DEFAULTS = TaskFilter()


def answers(flt: TaskFilter) -> bool:
    """Whether `flt` asks only what the row masks know: pending tasks by priority, tags and
    an expression of the terms the masks know (`maskable`)."""
    if flt.status != "pending" or (flt.priority is None and not flt.tags
                                   and not flt.expression):
        return False
    if flt.expression and not maskable(flt.expression):
        return False
    return all(
        getattr(flt, f.name) == getattr(_DEFAULTS, f.name)
        for f in fields(TaskFilter) if f.name not in _ANSWERED
    )


@functools.lru_cache(maxsize=256)
def _tree(expression: str) -> Node:
    from core.filterlang import parse

    return parse(expression)


def maskable(expression: str) -> bool:
    """Whether every term of the expression can be answered from the loaded tasks."""
    from core.filterlang import tree as t

    def known(node: Node) -> bool:
        if isinstance(node, t.Is):
            return node.what == "overdue"
        if isinstance(node, t.Has):
            return node.what == "due"
        if isinstance(node, t.StatusIs):
            return node.status != "all"
        if isinstance(node, t.Not):
            return known(node.item)
        if isinstance(node, t.And | t.Or):
            return all(known(item) for item in node.items)
        return True

    return known(_tree(expression))


def _key(node: Node, now: datetime) -> object:
    """What a term's mask is kept under: with the day for a date term (its word and its
    bounds are local days), with the minute for is:overdue (as the TUI's other clock-bound
    answers, at most a minute late); a project or has:due only with the term."""
    from core.filterlang import tree as t

    if isinstance(node, t.DayRange):
        return ("day", node, now.date(), str(now.tzinfo))
    if isinstance(node, t.Is):
        return ("is", node, now.replace(second=0, microsecond=0))
    return ("term", node)


class RowMasks:
    """Status, priority and tag masks over one sort order of the loaded tasks."""

    def __init__(self, order: Listing) -> None:
        self._order = order
        self._width = len(order)
        self._masks: dict[object, int] = {}
        self._tags: frozenset[str] | None = None  # every tag on a task of the order
        self._timed: list[tuple[int, datetime | None, datetime | None]] | None = None
        self._search: Search | None = None
        self._projects: dict[str, list[int]] | None = None  # project -> its rows
        self._full = int.from_bytes(b"\x01" * self._width, "little")  # every row

    def prepare(self) -> None:
        """Work out every mask now (in the preload, off the keys' path): the first filter by
        a tag or priority would otherwise walk the 50k tasks once, a visible stall."""
        self._mask(Status.PENDING)
        for priority in Priority:
            self._mask(priority)
        for tag in self._known_tags():
            self._mask(("tag", tag))

    def _known_tags(self) -> frozenset[str]:
        if self._tags is None:
            self._tags = frozenset(tag for task in self._order.tasks for tag in task.tags)
        return self._tags

    def rows_of(self, flt: TaskFilter, now: datetime, search: Search | None = None) -> array[int]:
        """The rows of the order that `flt` (one that `answers` accepts) selects at `now`:
        as a pending list does, not those waiting until later or past their `until`. An
        expression's search words are looked up with `search`."""
        self._search = search
        mask = self._mask(Status.PENDING) & ~self._hidden(now)
        if flt.priority is not None:
            mask &= self._mask(flt.priority)
        for tag in flt.tags:
            mask &= self._mask(("tag", tag))
        if flt.expression:
            mask &= self._of_node(_tree(flt.expression), now)
        flags = mask.to_bytes(self._width, "little")
        return array("q", compress(range(self._width), flags))

    def _hidden(self, now: datetime) -> int:
        """The rows a pending list hides at `now` (waiting, or expired): few tasks have
        either date, so only those are looked at."""
        if self._timed is None:
            self._timed = [(row, t.wait, t.until) for row, t in enumerate(self._order.tasks)
                           if t.wait is not None or t.until is not None]
        flags = bytearray(self._width)
        for row, wait, until in self._timed:
            if (wait is not None and wait > now) or (until is not None and until <= now):
                flags[row] = 1
        return int.from_bytes(flags, "little")

    def _of_node(self, node: Node, now: datetime) -> int:
        from core.filterlang import tree as t

        if isinstance(node, t.And):
            mask = self._full
            for item in node.items:
                mask &= self._of_node(item, now)
            return mask
        if isinstance(node, t.Or):
            mask = 0
            for item in node.items:
                mask |= self._of_node(item, now)
            return mask
        if isinstance(node, t.Not):
            return self._full & ~self._of_node(node.item, now)
        return self._of_term(node, now)

    def _of_term(self, node: Node, now: datetime) -> int:
        from core.filterlang import tree as t

        if isinstance(node, t.Tag):
            return self._mask(("tag", node.name))
        if isinstance(node, t.PriorityIs):
            return self._mask(node.priority)
        if isinstance(node, t.StatusIs):
            return self._mask(Status(node.status))
        if isinstance(node, t.Everything):
            return self._full
        if isinstance(node, t.Text):
            return self._found(node.text)
        if isinstance(node, t.Project):
            return self._in_project(node.path)
        return self._tested(_key(node, now), node, now)

    def _in_project(self, path: str) -> int:
        """The rows in project `path` or under it, from the rows of each project (found in
        one pass, kept): typing `project:garden` letter by letter is then no walk of the
        loaded tasks per letter."""
        key = ("project", path)
        mask = self._masks.get(key)
        if mask is None:
            if self._projects is None:
                self._projects = {}
                for row, task in enumerate(self._order.tasks):
                    if task.project is not None:
                        self._projects.setdefault(task.project, []).append(row)
            flags = bytearray(self._width)
            for project, rows in self._projects.items():
                if project == path or project.startswith(path + "/"):
                    for row in rows:
                        flags[row] = 1
            mask = self._masks[key] = int.from_bytes(flags, "little")
        return mask

    def _found(self, text: str) -> int:
        """The rows of the pending tasks the full-text search for `text` finds (kept: it
        changes only with the tasks, and then the masks are made anew)."""
        key = ("text", text)
        mask = self._masks.get(key)
        if mask is None:
            if self._search is None:
                raise ValueError("a search word needs the `search` of rows_of")
            flags = bytearray(self._width)
            for row in self._order.rows_of(self._search(text)):
                flags[row] = 1
            mask = self._masks[key] = int.from_bytes(flags, "little")
        return mask

    def _tested(self, key: object, node: Node, now: datetime) -> int:
        """The rows where core.filterlang.evaluate accepts the task; kept under `key`."""
        if key in self._masks:
            return self._masks[key]
        from core.filterlang.evaluate import predicate

        test = predicate(node, now)
        # TaskRead has every field these terms read (not blocked/has_children: see maskable).
        tasks = cast("list[FilterTask]", self._order.tasks)
        mask = self._masks[key] = int.from_bytes(bytes(map(test, tasks)), "little")
        return mask

    def _mask(self, key: object) -> int:
        mask = self._masks.get(key)
        if mask is None:
            tasks = self._order.tasks
            if isinstance(key, Status):
                flags = bytes(t.status is key for t in tasks)
            elif isinstance(key, Priority):
                flags = bytes(t.priority is key for t in tasks)
            else:
                tag = key[1]  # type: ignore[index]
                if tag not in self._known_tags():  # "--tag h" on the way to "--tag home"
                    return 0
                flags = bytes(tag in t.tags for t in tasks)
            # One byte per row, each 0 or 1: AND on the integers is AND on the rows.
            mask = self._masks[key] = int.from_bytes(flags, "little")
        return mask
