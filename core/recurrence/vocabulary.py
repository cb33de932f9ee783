"""The words and codes of repeat rules, shared by reading, expanding and describing them."""

from __future__ import annotations

import re
from datetime import time
from typing import TYPE_CHECKING

from core import dates

if TYPE_CHECKING:
    pass


CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
UNIT_OF = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
FREQ_OF = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY", "year": "YEARLY"}
CALENDAR_UNIT = {"DAILY": "days", "WEEKLY": "weeks", "MONTHLY": "months", "YEARLY": "years"}
FREQ_OF_UNIT = {unit: freq for freq, unit in CALENDAR_UNIT.items()}
ADVERBS = {
    "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
    "yearly": "YEARLY", "annually": "YEARLY",
}
HEADS = frozenset({"every", "every!", *ADVERBS})
"""Words that start a repeat phrase in quick add (matched case-insensitively)."""

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "last": -1}
ORDINAL_WORDS = {n: word for word, n in ORDINALS.items()}
WORKWEEK = ((0, 0), (0, 1), (0, 2), (0, 3), (0, 4))
WEEKEND = ((0, 5), (0, 6))
# Names of days and months belong to core.dates, the one module that reads date phrases.
WEEKDAYS = dates.WEEKDAYS
MONTHS = dates.MONTHS
NUMBER = re.compile(r"[0-9]+")
GLUED = re.compile(r"([0-9]+)([a-z]+)")
NTH = re.compile(r"([0-9]{1,2})(st|nd|rd|th)")  # "15th": a day of the month, suffix required
DAY_NUMBER = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?")
SEPARATORS = frozenset({"and", "&", ","})
OF_MONTH = (frozenset({"of"}), frozenset({"the", "each", "every"}), frozenset({"month"}))
TIMES = frozenset({"times", "time"})
WHOLE_DAY_END = time(23, 59, 59)
UNTIL = re.compile(r"([0-9]{8})(?:T([0-9]{6})(Z)?)?")
BYDAY_ITEM = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
KEYS = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST", "COUNT",
         "UNTIL")
HINT = ("try every day, every weekday, every mon and thu, every 2 weeks, every month on the "
         "15th, every last fri or every jan 10")
