"""Resolving a date term's word ("fri", "2026-12-24", "in 3 days") into a range of local days."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core import dates
from core.errors import BadInput
from core.filterlang.tree import DayRange


def day_bounds(node: DayRange, now: datetime) -> tuple[date | None, date | None]:
    """The local days [start, end) the term selects, either end open: `before:D` is (None, D),
    `after:D` is (D+1, None), `on D` is (D, D+1). `now` is aware, in the user's zone."""
    name = node.field if node.op == "on" else f"{node.field}.{node.op}"
    try:
        day = dates.parse_day(node.word, now, name)
    except BadInput as exc:
        raise BadInput(f"bad filter: {exc.message} (column {node.pos + 1})") from None
    assert day is not None  # the parser refuses an empty word
    if node.op == "before":
        return None, day
    if node.op == "after":
        return day + timedelta(days=1), None
    return day, day + timedelta(days=1)
