"""Recurrence: repeat rules read from phrases, kept as RFC 5545 RRULEs, expanded in local time.

    'every mon, wed and fri at 7am'  ->  Rule('FREQ=WEEKLY;BYDAY=MO,WE,FR', time=07:00)

A Rule holds the normalised RRULE value (what JSON shows, without "RRULE:"), whether the task
repeats from its completion date (`every!`) and the time of day the phrase named. A series is a
rule plus its start (`dtstart`, what `first_due` returns). It expands in local wall time: the
start becomes a naive local datetime, dateutil expands naive values and core.dates.combine
attaches the zone to each, so 09:00 stays 09:00 across DST. A series is all-day (it yields
dates) when it starts on a date and the rule has no time; otherwise it yields aware datetimes.

Callers import `core.recurrence`; the modules split it by responsibility: `rules` (the RRULE
value), `phrases` (reading repeat phrases), `expansion` (first and next due, occurrences),
`descriptions` (the rule in words, warnings), `vocabulary` (the words and codes they share).
Those are the rule's maths and know nothing of tasks. `instances` (imported by its full name,
not re-exported here) applies them to a stored task: its series bookkeeping, the next
instance once one is completed, the reminders that instance carries.

Pure: no I/O. dateutil.rrule costs ~35 ms to import, so only the functions that expand a rule
import it; reading a phrase needs nothing but core.dates, which owns every date phrase.
"""

from typing import TYPE_CHECKING

from core.lazy_names import loader

if TYPE_CHECKING:
    from core.recurrence.descriptions import describe, warnings
    from core.recurrence.expansion import first_due, next_due, occurrences, validate_rrule
    from core.recurrence.phrases import match_rule, parse_rule
    from core.recurrence.rules import Rule
    from core.recurrence.vocabulary import HEADS

__all__ = [
    "HEADS", "Rule", "describe", "first_due", "match_rule", "next_due", "occurrences",
    "parse_rule", "validate_rrule", "warnings",
]

_HOMES = {
    "describe": "descriptions", "warnings": "descriptions", "first_due": "expansion",
    "next_due": "expansion", "occurrences": "expansion", "validate_rrule": "expansion",
    "match_rule": "phrases", "parse_rule": "phrases", "Rule": "rules", "HEADS": "vocabulary",
}


# A name above is imported from its module on first use: a plain `todo add` imports the
# package (quick add, the series bookkeeping) but none of the rule's maths (~3 ms).
__getattr__ = loader("core.recurrence", _HOMES, globals())
