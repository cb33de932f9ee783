"""The thread that reads the table's lists: started by the key press itself.

A Textual thread worker starts when the event loop gets round to its task, and the loop runs
the frame that the same key caused (the filter box echoing a letter, 10 to 15 ms at 50k
tasks) first; only then would the query begin. This thread is woken by the key handler and
gets the GIL back at the interpreter's next switch, so the query runs while that frame is
drawn. Requests made while one runs replace each other: only the newest is read next (the
app drops stale answers by their generation anyway).
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class LatestOnly:
    """Runs submitted calls one at a time on a thread of its own, skipping superseded ones."""

    def __init__(self, name: str, on_error: Callable[[Exception], None]) -> None:
        self._name = name
        self._on_error = on_error
        self._turn = threading.Condition()
        self._next: Callable[[], object] | None = None
        self._running = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, call: Callable[[], object]) -> None:
        """Run `call` next (instead of anything submitted before it that has not started)."""
        with self._turn:
            if self._closed:
                return
            self._next = call
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name=self._name, daemon=True)
                self._thread.start()
            self._turn.notify()

    @property
    def busy(self) -> bool:
        """Whether a call is running or waiting to."""
        with self._turn:
            return self._running or self._next is not None

    def close(self) -> None:
        """Run nothing more (a call already running finishes)."""
        with self._turn:
            self._closed = True
            self._next = None
            self._turn.notify()

    def _serve(self) -> None:
        while True:
            with self._turn:
                self._turn.wait_for(lambda: self._next is not None or self._closed)
                if self._closed:
                    return
                call, self._next = self._next, None
                self._running = True
            try:
                assert call is not None
                call()
            except Exception as exc:  # the app shows it and exits, as for a worker
                self._on_error(exc)
            finally:
                with self._turn:
                    self._running = False
