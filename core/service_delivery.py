"""The reminder-delivery use cases of the service facade (core.service.TaskService inherits
them): claiming due reminders, and claiming, renewing and recording their sends per channel.
Only the notification workers call these; they live apart so the facade stays one screenful
per feature."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.deliveries import Claim
    from core.results import DueReminder
    from core.store import Store
    from core.unit_of_work import UnitOfWork


class Deliveries:
    """Reminder delivery for one owner (needs the facade's `uow`, `store` and `now`)."""

    uow: UnitOfWork
    store: Store

    def now(self) -> datetime:
        """The current time in the user's zone (the facade's)."""
        return self.uow.now()

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

        deliveries.mark_delivered(self.store, event_id, channel, self.now())

    def release_delivery(self, event_id: str, channel: str, holder: str) -> None:
        """Give up a claim whose send failed."""
        from core import deliveries

        deliveries.release(self.store, event_id, channel, holder)

    def delivered_channels(self, event_id: str) -> set[str]:
        """The channels a reminder event has already been delivered on."""
        from core import deliveries

        return deliveries.delivered_channels(self.store, event_id)
