"""Spans of constant UTC offset of a zone, so a store can format local times itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import NamedTuple


class OffsetSpan(NamedTuple):
    """From `start` (a UTC instant; None: since forever) on, `tz` is `offset` ahead of UTC.

    `suffix` is the offset as `iso` prints it ("+01:00"), so a store can format local times
    itself without a round trip through Python per value. A NamedTuple: every export loads
    this class, and a dataclass costs ~0.5 ms to create.
    """

    start: datetime | None
    offset: timedelta
    suffix: str


# No zone changes its offset twice within 12 hours, so sampling at this step finds every change.
_SPAN_STEP = 12 * 3600


def offset_spans(tz: tzinfo, first: datetime, last: datetime) -> list[OffsetSpan]:
    """The spans of constant UTC offset of `tz` that cover the instants `first`..`last`."""
    lo, hi = int(first.timestamp()) - _SPAN_STEP, int(last.timestamp()) + _SPAN_STEP
    offset = _offset_at(tz, lo)
    spans = [_span(None, offset)]
    for at in range(lo, hi + _SPAN_STEP, _SPAN_STEP):
        if _offset_at(tz, at) != offset:
            change = _first_change(tz, at - _SPAN_STEP, at, offset)
            offset = _offset_at(tz, change)
            spans.append(_span(datetime.fromtimestamp(change, UTC), offset))
    return spans


def _offset_at(tz: tzinfo, epoch: int) -> timedelta:
    offset = datetime.fromtimestamp(epoch, UTC).astimezone(tz).utcoffset()
    assert offset is not None
    return offset


def _first_change(tz: tzinfo, before: int, after: int, offset: timedelta) -> int:
    """The first whole second in (before, after] whose offset differs from `offset`."""
    while after - before > 1:
        middle = (before + after) // 2
        if _offset_at(tz, middle) == offset:
            before = middle
        else:
            after = middle
    return after


def _span(start: datetime | None, offset: timedelta) -> OffsetSpan:
    suffix = datetime(2000, 1, 1, tzinfo=timezone(offset)).isoformat()[19:]
    return OffsetSpan(start, offset, suffix)
