"""Zones and conversions: the user's zone, wall times built with zoneinfo, UTC.

Pure apart from `local_zone`, which reads the TZ variable and the /etc/localtime link."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.schemas import Due

_LOCALTIME = "/etc/localtime"


def local_zone() -> tzinfo:
    """The user's time zone: `TZ` (a leading ':' allowed), else the zone /etc/localtime links to,
    else UTC.

    Always a named ZoneInfo rather than today's fixed offset, so DST rules apply to future dates.
    An invalid `TZ` falls through to the next source.
    """
    return _zone_named(os.environ.get("TZ", "")) or _system_zone() or UTC


def _zone_named(name: str) -> ZoneInfo | None:
    key = name.strip().removeprefix(":")
    # TZ may name a tz file by path (":/usr/share/zoneinfo/Europe/Berlin"); ZoneInfo wants a key.
    if "zoneinfo/" in key:
        key = key.rsplit("zoneinfo/", 1)[1]
    if not key:
        return None
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _system_zone() -> ZoneInfo | None:
    try:
        target = os.readlink(_LOCALTIME)
    except OSError:
        return None
    return _zone_named(target) if "zoneinfo/" in target else None


def now_local(tz: tzinfo | None = None) -> datetime:
    """The current time, aware, in `tz` (default: `local_zone()`)."""
    return datetime.now(tz if tz is not None else local_zone())


def combine(d: date, t: time, tz: tzinfo) -> datetime:
    """Day `d` at wall time `t` in `tz`, as an aware datetime.

    An ambiguous time (clocks going back) means its first occurrence unless `t.fold` is 1; a time
    that does not exist (clocks going forward) moves on by the length of the gap, so 02:30 on the
    spring-forward day in New York is 03:30 EDT. Any tzinfo already on `t` is ignored.
    """
    wall = datetime.combine(d, t.replace(tzinfo=None), tzinfo=tz)
    # The round trip through UTC turns a non-existent wall time into the real one after the gap.
    return wall.astimezone(UTC).astimezone(tz)


def to_utc(dt: datetime) -> datetime:
    """`dt` in UTC. A naive value is taken to be UTC already (what SQLite hands back)."""
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def to_local(due: Due, tz: tzinfo) -> Due:
    """A datetime converted to `tz`; an all-day date is returned unchanged."""
    if isinstance(due, datetime):
        return to_utc(due).astimezone(tz)
    return due


def day_start(d: date, tz: tzinfo) -> datetime:
    """The instant local day `d` begins in `tz` (for filters; never stored as a due)."""
    return combine(d, time(0), tz)


def zone_of(now: datetime) -> tzinfo:
    """The zone of an aware `now` (the user's zone wherever the core passes a now)."""
    assert now.tzinfo is not None  # callers check awareness; this narrows the type
    return now.tzinfo


def moment(when: Due, tz: tzinfo, *, end_of_day: bool = False) -> datetime:
    """The instant a date word means for `wait` and `until`: a datetime as it is; an all-day
    date at the start of that local day, or with `end_of_day` at its end (the next day's
    start), so `until:fri` keeps the task all Friday."""
    if isinstance(when, datetime):
        return when.astimezone(tz)
    return day_start(when + timedelta(days=1) if end_of_day else when, tz)
