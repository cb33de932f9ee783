"""The calls the workers make (consumers, reminders, deliveries, expiry): part of the facade
`core.service.TaskService`, kept apart so each file stays one screenful of one-line calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.deliveries import Claim
    from core.results import DueReminder
    from core.schemas import TaskRead
    from core.store import Store
    from core.unit_of_work import UnitOfWork


class WorkerCalls:
    """Mixed into TaskService, which provides `uow` and `store`."""

    uow: UnitOfWork
    store: Store

    def record_audit(self, envelopes: Sequence[dict[str, Any]], group: str) -> int:
        """Append audit rows for these events (any owner), each at most once for `group`."""
        from core.usecases import audit

        return audit.record(self.uow, envelopes, group)

    def spawn_next_for(
        self, task_uuid: str, applied: tuple[str, str], caused_by: int | None = None
    ) -> TaskRead | None:
        """Create the next instance after a completed recurring task, exactly once.

        `applied` is (consumer group, event id): the event is recorded as applied in the same
        transaction, and an event applied before changes nothing. An occurrence that already
        has an instance gets none; one whose instance was undone gets it back.
        """
        from core.usecases import recurrence

        return recurrence.spawn_next_for(self.uow, task_uuid, applied, caused_by)

    def expire_due(self, now: datetime) -> list[TaskRead]:
        """Delete this owner's pending tasks whose `until` has passed (undoable, with events)."""
        from core.usecases import expiry

        return expiry.expire_due(self.uow, now)

    def owners_with_expired(self, now: datetime) -> list[str]:
        """Every owner with a pending task whose `until` has passed (for the worker)."""
        from core.usecases import expiry

        return expiry.owners_with_expired(self.uow, now)

    def claim_due_reminders(self, now: datetime, limit: int = 100) -> list[DueReminder]:
        """Atomically mark due reminders fired and return them: racing callers never share one."""
        from core.usecases import reminders

        return reminders.claim_due(self.uow, now, limit)

    def reminder_fired(self, due_event: dict[str, Any], channels: Sequence[str]) -> None:
        """Append `todo.reminder.fired` for a delivered `todo.reminder.due` event, once."""
        from core.usecases import reminders

        reminders.fired(self.uow, due_event, channels)

    def claim_deliveries(
        self, event_id: str, channels: Sequence[str], holder: str, lease_s: float
    ) -> dict[str, Claim]:
        """Claim sending reminder event `event_id` on these channels (see core.deliveries)."""
        from core.usecases import reminders

        return reminders.claim_deliveries(self.uow, event_id, channels, holder, lease_s)

    def renew_deliveries(
        self, claims: Sequence[tuple[str, str]], holder: str, lease_s: float
    ) -> list[tuple[str, str]]:
        """Extend `holder`'s claims while their sends run; returns the (event, channel) lost."""
        from core.usecases import reminders

        return reminders.renew_deliveries(self.uow, claims, holder, lease_s)

    def mark_delivered(self, event_id: str, channel: str) -> None:
        """Note that a reminder went out on `channel`."""
        from core import deliveries

        deliveries.mark_delivered(self.store, event_id, channel, self.uow.now())

    def release_delivery(self, event_id: str, channel: str, holder: str) -> None:
        """Give up a claim whose send failed."""
        from core import deliveries

        deliveries.release(self.store, event_id, channel, holder)

    def delivered_channels(self, event_id: str) -> set[str]:
        """The channels a reminder event has already been delivered on."""
        from core import deliveries

        return deliveries.delivered_channels(self.store, event_id)
