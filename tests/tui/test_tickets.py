"""Writes reach core in the order the keys were pressed."""

from __future__ import annotations

import threading
import time

import pytest

from core import Priority
from core.service import TaskService
from tests.tui.conftest import SIZE, MakeApp, settle
from todo_cli.tui.tickets import InOrder


def test_calls_run_in_ticket_order_whatever_thread_starts_first() -> None:
    line = InOrder()
    tickets = [line.ticket() for _ in range(5)]
    ran: list[int] = []

    def worker(ticket: int) -> None:
        line.run(ticket, lambda: ran.append(ticket))

    threads = [threading.Thread(target=worker, args=(t,)) for t in reversed(tickets)]
    for thread in threads:
        thread.start()
        time.sleep(0.01)  # the last ticket is waiting first
    for thread in threads:
        thread.join(5)
    assert ran == tickets


def test_a_failing_call_lets_the_next_one_run() -> None:
    line = InOrder()
    first, second = line.ticket(), line.ticket()

    def boom() -> None:
        raise ValueError("no")

    with pytest.raises(ValueError):
        line.run(first, boom)
    assert line.run(second, lambda: "ran") == "ran"


@pytest.mark.asyncio
async def test_quick_keys_apply_in_order(make_app: MakeApp, service: TaskService) -> None:
    service.add_text("x today")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("plus", "plus", "plus", "minus", "minus")
        await settle(pilot)
    assert service.get(1).priority is Priority.LOW
