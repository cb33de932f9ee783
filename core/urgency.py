"""Urgency: one number that orders tasks by how much they need attention. Pure.

The score is a sum, modelled on Taskwarrior's so its users find it familiar:
- priority: high 6.0, medium 3.9, low 1.8, none 0;
- due: 12.0 when overdue by a week or more, falling linearly to 2.4 at 14 days ahead
  (due today is about 8.8), 0 without a due date;
- age: up to 2.0, growing linearly over the first year since creation;
- dependencies: -5.0 when blocked (a pending blocker), +8.0 when blocking a pending task
  (Taskwarrior's urgency.blocked and urgency.blocking coefficients).
"""

from __future__ import annotations

from datetime import datetime, time

from core.priorities import Priority
from core.schemas import Due

_PRIORITY = {Priority.HIGH: 6.0, Priority.MEDIUM: 3.9, Priority.LOW: 1.8, Priority.NONE: 0.0}
_DUE_MAX = 12.0
_AGE_MAX = 2.0
BLOCKED = -5.0
BLOCKING = 8.0


def urgency(
    priority: Priority,
    due: Due | None,
    created: datetime,
    now: datetime,
    blocked: bool = False,
    blocking: bool = False,
) -> float:
    """The urgency score of a task at `now` (higher is more urgent)."""
    links = (BLOCKED if blocked else 0.0) + (BLOCKING if blocking else 0.0)
    return _PRIORITY[priority] + _due_score(due, now) + _age_score(created, now) + links


def _due_score(due: Due | None, now: datetime) -> float:
    if due is None:
        return 0.0
    if not isinstance(due, datetime):
        due = datetime.combine(due, time(23, 59), tzinfo=now.tzinfo)
    days_left = (due - now).total_seconds() / 86400
    if days_left <= -7:
        return _DUE_MAX
    if days_left >= 14:
        return 0.2 * _DUE_MAX
    # Linear from 1.0 at a week overdue to 0.2 at two weeks ahead.
    return _DUE_MAX * (1.0 - (days_left + 7) / 21 * 0.8)


def _age_score(created: datetime, now: datetime) -> float:
    age_days = max((now - created).total_seconds() / 86400, 0.0)
    return _AGE_MAX * min(age_days / 365, 1.0)


def is_overdue(due: Due | None, now: datetime) -> bool:
    """True if the due date or time has passed (an all-day task is overdue from the next day)."""
    if due is None:
        return False
    if isinstance(due, datetime):
        return due < now
    return due < now.date()

