"""Priorities: the four levels, their spellings in user input, and their order."""

from __future__ import annotations

from enum import StrEnum

from core.errors import BadInput


class Priority(StrEnum):
    """A task's priority; `none` sorts below `low`."""

    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for none up to 3 for high, for sorting and urgency."""
        return _RANKS[self]

    def step(self, delta: int) -> Priority:
        """The priority `delta` levels up (positive) or down, clamped to none..high."""
        rank = min(max(self.rank + delta, 0), 3)
        return _BY_RANK[rank]


_RANKS = {Priority.NONE: 0, Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3}
_BY_RANK = {rank: p for p, rank in _RANKS.items()}

_ALIASES = {
    "none": Priority.NONE, "n": Priority.NONE, "-": Priority.NONE, "": Priority.NONE,
    "low": Priority.LOW, "l": Priority.LOW, "p3": Priority.LOW, "3": Priority.LOW,
    "medium": Priority.MEDIUM, "med": Priority.MEDIUM, "m": Priority.MEDIUM,
    "p2": Priority.MEDIUM, "2": Priority.MEDIUM,
    "high": Priority.HIGH, "h": Priority.HIGH, "p1": Priority.HIGH, "1": Priority.HIGH,
}


def parse_priority(text: str) -> Priority:
    """Read a priority as a user types it: `high`, `h`, `p1`, `!high`, `medium`, `low`, `none`."""
    key = text.strip().lower().lstrip("!")
    try:
        return _ALIASES[key]
    except KeyError:
        raise BadInput(
            f"unknown priority '{text}': use high, medium, low or none (or h, m, l, p1, p2, p3)"
        ) from None
