"""The report calls (`todo report`, the TUI's Reports screen): part of the facade
`core.service.TaskService`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.report_maths import Burndown, Calendar, Done, Summary
    from core.selection import TaskFilter
    from core.unit_of_work import UnitOfWork


class ReportCalls:
    """Mixed into TaskService, which provides `uow`."""

    uow: UnitOfWork

    def report_summary(self) -> Summary:
        """Per project: pending, completed this week and last, percent done, overdue."""
        from core.usecases import reports

        return reports.summary(self.uow)

    def report_burndown(self, weeks: int = 2, flt: TaskFilter | None = None) -> Burndown:
        """Pending tasks at the end of each day of the last `weeks` weeks (audit log)."""
        from core.usecases import reports

        return reports.burndown(self.uow, weeks, flt)

    def report_calendar(self, month: date | None = None) -> Calendar:
        """A month grid, Monday first, with the pending tasks due each day."""
        from core.usecases import reports

        return reports.calendar(self.uow, month)

    def report_done(self, since: date | None = None) -> Done:
        """Completions per day since `since` (per week over long spans)."""
        from core.usecases import reports

        return reports.done(self.uow, since)
