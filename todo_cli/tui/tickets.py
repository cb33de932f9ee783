"""Writes run in the order the keys were pressed, though each runs in its own worker thread.

Textual starts a thread per worker, and a lock does not queue its waiters fairly: `+` then `-`
pressed quickly could reach core as `-` then `+`. A ticket taken on the UI thread when the key
is handled fixes the order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class InOrder:
    """Runs calls from any thread strictly in the order their tickets were taken."""

    def __init__(self) -> None:
        self._next_ticket = 0
        self._serving = 0
        self._turn = threading.Condition()

    def ticket(self) -> int:
        """Take a place in line (on the UI thread, when the key is handled)."""
        with self._turn:
            ticket = self._next_ticket
            self._next_ticket += 1
        return ticket

    def run(self, ticket: int, call: Callable[[], T]) -> T:
        """Wait for `ticket`'s turn, run `call`, then let the next one go (even if it raised)."""
        with self._turn:
            self._turn.wait_for(lambda: self._serving == ticket)
        try:
            return call()
        finally:
            with self._turn:
                self._serving += 1
                self._turn.notify_all()
