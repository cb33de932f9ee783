"""Dates: the one package that reads date phrases and does date maths.

A due value is an all-day `date` or an aware `datetime` (core.schemas.Due); nothing here
invents a fake midnight. Wall times are built in the user's zone with zoneinfo so 09:00 stays
09:00 across DST, and months are calendar months, never 30 days.

Callers import `core.dates`; the modules split it by responsibility: `zones` (the user's zone,
conversions), `arithmetic` (units, calendar months, the accepted range), `times` and `phrases`
(reading times and date phrases), `relative` and `iso` (writing dates as words or ISO text),
`offsets` (UTC offset spans for the store). Pure apart from `local_zone`, which reads the TZ
variable and the /etc/localtime link. Only the standard library is imported, and each name
loads its module on first use (`__getattr__` below), so a command pays only for what it reads.
"""

from typing import TYPE_CHECKING

# Eager, unlike the rest: the function `iso` shares its module's name, and a lazy import would
# leave the package's `iso` attribute bound to the module once anything imported it first.
from core.dates.iso import iso, parse_iso_due
from core.lazy_names import loader

if TYPE_CHECKING:
    from core.dates.arithmetic import (
        ELAPSED_UNITS,
        FIRST_DAY,
        LAST_DAY,
        add_months,
        check_range,
        days_in_month,
        parse_unit,
        shift,
        shift_date,
    )
    from core.dates.offsets import OffsetSpan, offset_spans
    from core.dates.phrases import (
        KEYWORDS,
        MONTHS,
        WEEKDAYS,
        match_due,
        parse_day,
        parse_due,
        time_after_at,
    )
    from core.dates.relative import describe_near, describe_relative
    from core.dates.times import parse_time_of_day
    from core.dates.zones import (
        combine,
        day_start,
        local_zone,
        moment,
        now_local,
        to_local,
        to_utc,
    )

__all__ = [
    "ELAPSED_UNITS", "FIRST_DAY", "KEYWORDS", "LAST_DAY", "MONTHS", "WEEKDAYS", "OffsetSpan",
    "add_months", "check_range", "combine", "day_start", "days_in_month", "describe_near",
    "describe_relative", "iso", "local_zone", "match_due", "moment", "now_local",
    "offset_spans", "parse_day", "parse_due", "parse_iso_due", "parse_time_of_day",
    "parse_unit", "shift", "shift_date", "time_after_at", "to_local", "to_utc",
]

_HOMES = {name: module for module, names in (
    ("arithmetic", "ELAPSED_UNITS FIRST_DAY LAST_DAY add_months check_range days_in_month "
                   "parse_unit shift shift_date"),
    ("offsets", "OffsetSpan offset_spans"),
    ("phrases", "KEYWORDS MONTHS WEEKDAYS match_due parse_day parse_due time_after_at"),
    ("relative", "describe_near describe_relative"),
    ("times", "parse_time_of_day"),
    ("zones", "combine day_start local_zone moment now_local to_local to_utc"),
) for name in names.split()}


# A name above is imported from its module on first use: `todo count` needs the zone
# (`zones`) but not the phrase readers, the offsets or the word forms (~2 ms).
__getattr__ = loader("core.dates", _HOMES, globals())
