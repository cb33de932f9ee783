"""Recurring tasks and reminders through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing as mp
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from core import BadInput, NothingToDo, Status, open_service
from core.changes import TaskUpdate
from core.schemas import ReminderState
from core.selection import TaskFilter
from core.service import TaskService
from tests.conftest import BERLIN, Clock, complete, make_settings


def pending(svc: TaskService) -> list:
    return svc.list_tasks(TaskFilter(sort="id"))


class TestRecurrence:
    def test_completing_creates_the_next_instance(self, svc: TaskService) -> None:
        task = svc.add_text("water plants every mon, wed and fri at 7am #home !low")
        assert task.recurrence == "FREQ=WEEKLY;BYDAY=MO,WE,FR"
        assert task.due == datetime(2026, 11, 23, 7, 0, tzinfo=BERLIN)
        done, nxt = complete(svc, [task.id])
        assert done.status is Status.COMPLETED
        assert nxt.id == 2
        assert nxt.due == datetime(2026, 11, 25, 7, 0, tzinfo=BERLIN)
        assert (nxt.title, nxt.tags, nxt.priority) == (task.title, task.tags, task.priority)
        assert nxt.recurrence == task.recurrence

    def test_exactly_once_across_reopen_and_undo(self, svc: TaskService) -> None:
        svc.add_text("stand-up every weekday at 9am")
        complete(svc, [1])
        svc.reopen([1])
        assert [t.id for t in complete(svc, [1])] == [1]  # no second instance
        assert [t.id for t in pending(svc)] == [2]
        svc.undo()  # the completion: 1 is pending again; 2 stays (made earlier)
        svc.undo()  # the reopen
        svc.undo()  # the first completion: 2 is removed, 1 pending
        assert [t.id for t in pending(svc)] == [1]
        again = complete(svc, [1])
        assert [t.id for t in again] == [1, 2]  # the same instance comes back, no third
        assert svc.get(2).status is Status.PENDING
        assert svc.count(TaskFilter(status="all")) == 2

    def test_schema_refuses_a_duplicate_occurrence(self, svc: TaskService) -> None:
        svc.add_text("x every day")
        complete(svc, [1])
        with pytest.raises(Exception, match=r"(?i)unique"), svc.store.write() as db:
            db.run(
                "INSERT INTO task (owner, id, uuid, title, status, priority, created, updated, "
                "version, recur_from_completion, series_id, occurrence) "
                "SELECT owner, 99, 'dup', title, status, priority, created, updated, 1, "
                "recur_from_completion, series_id, occurrence FROM task WHERE id = 2"
            )

    def test_no_backfill_of_missed_instances(self, svc: TaskService, clock: Clock) -> None:
        svc.add_text("daily review every day at 6pm")  # today 18:00
        clock.advance(days=5)
        _done, nxt = complete(svc, [1])
        assert nxt.due == datetime(2026, 11, 27, 18, 0, tzinfo=BERLIN)

    def test_month_end_follows_rfc5545(self, svc: TaskService, clock: Clock) -> None:
        clock.now = datetime(2027, 1, 20, 10, tzinfo=BERLIN)
        svc.add_text("rent every month on the 31st")
        assert svc.get(1).due == date(2027, 1, 31)
        clock.now = datetime(2027, 2, 1, 10, tzinfo=BERLIN)
        _done, nxt = complete(svc, [1])
        assert nxt.due == date(2027, 3, 31)

    def test_from_completion(self, svc: TaskService, clock: Clock) -> None:
        svc.add_text("haircut every! 3 weeks")
        clock.advance(days=10)
        _done, nxt = complete(svc, [1])
        assert nxt.due == date(2026, 12, 23)
        assert nxt.recur_from_completion

    def test_ended_series_creates_nothing(self, svc: TaskService, clock: Clock) -> None:
        svc.add_text("course every day for 2 times")
        _done, second = complete(svc, [1])
        clock.advance(days=1)
        assert [t.id for t in complete(svc, [second.id])] == [second.id]
        assert pending(svc) == []

    def test_until_is_inclusive(self, svc: TaskService, clock: Clock) -> None:
        svc.add_text("sprint every day at 9am until nov 24")
        ids = [1]
        while True:
            result = complete(svc, [ids[-1]])
            if len(result) == 1:
                break
            ids.append(result[1].id)
            clock.advance(days=1)
        dues = [svc.get(i).due for i in ids]
        assert dues[-1] == datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN)

    def test_skip_and_clear(self, svc: TaskService) -> None:
        svc.add_text("gym every tue and thu at 7pm")
        skipped = svc.skip([1])[0]
        assert skipped.due == datetime(2026, 11, 26, 19, 0, tzinfo=BERLIN)
        cleared = svc.set_recurrence([1], None)[0]
        assert cleared.recurrence is None
        assert [t.id for t in complete(svc, [1])] == [1]
        plain = svc.add_text("plain")
        with pytest.raises(BadInput, match="does not repeat"):
            svc.skip([plain.id])

    def test_editing_the_rule_applies_from_this_instance(self, svc: TaskService) -> None:
        svc.add_text("report every monday")
        task = svc.set_recurrence([1], "every friday")[0]
        assert task.recurrence == "FREQ=WEEKLY;BYDAY=FR"
        assert task.due == date(2026, 11, 27)
        _done, nxt = complete(svc, [1])
        assert nxt.due == date(2026, 12, 4)

    def test_bad_rules_write_nothing(self, svc: TaskService) -> None:
        for text in ("x every 0 days", "x every blursday"):
            with pytest.raises(BadInput):
                svc.add_text(text)
        with pytest.raises(BadInput):
            svc.add_text("x", due="2026-12-10", every="every day until 2026-12-01")
        assert svc.count(TaskFilter(status="all")) == 0

    def test_recurring_task_needs_a_due(self, svc: TaskService) -> None:
        svc.add_text("x every day")
        with pytest.raises(BadInput, match="needs a due date"):
            svc.update([1], TaskUpdate(due=None))

    def test_dst_keeps_wall_time(self, db_url: str) -> None:
        clock = Clock(datetime(2027, 3, 5, 12, 0, tzinfo=BERLIN))
        settings = make_settings(db_url, timezone="America/New_York")
        svc = open_service(settings, clock=clock)
        try:
            svc.add_text("call every friday at 9am")
            dues = []
            for _ in range(3):
                task = pending(svc)[-1]
                dues.append(task.due)
                clock.now = task.due + timedelta(hours=1)
                complete(svc, [task.id])
            assert [(d.hour, d.minute) for d in dues] == [(9, 0)] * 3
            assert [d.utcoffset() for d in dues] == [
                timedelta(hours=-5), timedelta(hours=-5), timedelta(hours=-4),
            ]  # US DST starts Sunday 2027-03-14
        finally:
            svc.close()

    @pytest.mark.parametrize(
        ("zone", "gap_day"),
        [("America/New_York", date(2027, 3, 14)), ("Europe/Berlin", date(2027, 3, 28))],
    )
    @pytest.mark.parametrize("head", ["every", "every!"])
    @pytest.mark.parametrize("days_before", [0, 1])
    def test_a_gap_occurrence_moves_that_day_only(
        self, db_url: str, zone: str, gap_day: date, head: str, days_before: int
    ) -> None:
        # 02:30 does not exist on the spring-forward day: that instance is 03:30 (RFC 5545),
        # and every instance after it is back at 02:30, whether the series started before the
        # gap or on it, counting from the schedule or from completion, done or skipped.
        tz = ZoneInfo(zone)
        start = gap_day - timedelta(days=days_before)
        clock = Clock(datetime.combine(start - timedelta(days=1), time(12), tzinfo=tz))
        svc = open_service(make_settings(db_url, timezone=zone), clock=clock)
        try:
            task = svc.add_text(f"water plants {head} day at 2:30am")
            walls = []
            for n in range(4):
                assert isinstance(task.due, datetime)
                walls.append((task.due.astimezone(tz).date(), task.due.astimezone(tz).time()))
                clock.now = datetime.combine(task.due.date(), time(12), tzinfo=tz)
                if n == 2 and head == "every":
                    task = svc.skip([task.id])[0]
                else:
                    task = complete(svc, [task.id])[-1]
            expected = [
                (start + timedelta(days=n), time(3, 30) if start + timedelta(days=n) == gap_day
                 else time(2, 30))
                for n in range(4)
            ]
            assert walls == expected
        finally:
            svc.close()


class TestReminders:
    def test_relative_and_absolute(self, svc: TaskService) -> None:
        task = svc.add_text("dentist tomorrow at 10:30 remind me 1h before remind me at 8am")
        assert [(r.at.hour, r.at.minute, r.before) for r in task.reminders] == [
            (8, 0, None), (9, 30, "PT1H"),
        ]

    def test_all_day_counts_from_the_configured_time(self, svc: TaskService) -> None:
        task = svc.add_text("bins tomorrow", remind=["1 day before"])
        assert task.reminders[0].at == datetime(2026, 11, 22, 9, 0, tzinfo=BERLIN)

    def test_relative_reminders_follow_the_due_date(self, svc: TaskService) -> None:
        svc.add_text("x tomorrow at 10am remind me 30m before remind me at 7pm")
        moved = svc.update([1], TaskUpdate(due=datetime(2026, 11, 25, 15, tzinfo=BERLIN)))[0]
        assert [r.at for r in moved.reminders] == [
            datetime(2026, 11, 22, 19, 0, tzinfo=BERLIN),
            datetime(2026, 11, 25, 14, 30, tzinfo=BERLIN),
        ]

    def test_offsets_carry_over_to_the_next_instance(self, svc: TaskService) -> None:
        svc.add_text("standup every weekday at 9am remind me 10m before remind at 8pm")
        _done, nxt = complete(svc, [1])
        assert [(r.at, r.before, r.state) for r in nxt.reminders] == [
            (datetime(2026, 11, 24, 8, 50, tzinfo=BERLIN), "PT10M", ReminderState.PENDING),
        ]

    def test_relative_reminder_without_due_is_bad_input(self, svc: TaskService) -> None:
        with pytest.raises(BadInput):
            svc.add_text("x remind me 30m before")

    def test_claim_snooze_dismiss(self, svc: TaskService, clock: Clock) -> None:
        svc.add_text("x today at 11am remind me 30m before")
        assert svc.claim_due_reminders(clock.now) == []
        clock.advance(minutes=31)
        [claimed] = svc.claim_due_reminders(clock.now)
        assert claimed.task.id == 1 and claimed.reminder.state is ReminderState.FIRED
        assert svc.claim_due_reminders(clock.now) == []
        snoozed = svc.snooze([1], "10m")[0]
        assert [r.state for r in snoozed.reminders] == [
            ReminderState.DISMISSED, ReminderState.PENDING,
        ]
        clock.advance(minutes=10)
        assert len(svc.claim_due_reminders(clock.now)) == 1
        assert svc.dismiss([1])[0].reminders[-1].state is ReminderState.DISMISSED
        with pytest.raises(NothingToDo):
            svc.dismiss([1])

    def test_upcoming_reminders(self, svc: TaskService) -> None:
        svc.add_text("a tomorrow at 10am remind me 1h before")
        svc.add_text("b today at 3pm remind me at 2pm")
        assert [t.title for t, _r in svc.upcoming_reminders()] == ["b", "a"]


def _claimer(url: str, now_iso: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    svc = open_service(make_settings(url))
    try:
        now = datetime.fromisoformat(now_iso)
        got: list[int] = []
        for _ in range(20):
            got += [c.id for c in svc.claim_due_reminders(now, limit=3)]
        queue.put(got)
    finally:
        svc.close()


def test_two_processes_never_claim_one_reminder_twice(db_url: str, clock: Clock) -> None:
    svc = open_service(make_settings(db_url), clock=clock)
    try:
        for i in range(30):
            svc.add_text(f"t{i} today at 11am remind me {i + 1}m before")
    finally:
        svc.close()
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    later = (clock.now + timedelta(hours=2)).isoformat()
    procs = [ctx.Process(target=_claimer, args=(db_url, later, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
    claimed = results[0] + results[1]
    assert len(claimed) == 30
    assert len(set(claimed)) == 30
