"""When Python's cyclic garbage collector may run in the TUI: while the user is idle.

A full collection walks every object not frozen and everything those point at. With the
table's lists and the filters' id sets of up to 50k entries that is 10 to 80 ms, and it
lands wherever the allocation count says: on a key press, as a visible stall. So the app
freezes what it loaded (those objects live as long as the app), keeps the two young
generations collecting as usual (each a millisecond or two), switches off automatic full
collections, and runs them itself once the user has paused. Textual does the same around
smooth scrolling (`App.PAUSE_GC_ON_SCROLL`); this covers every key.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_S = 1.0
"""A full collection waits until no key or mouse event came for this long."""
MAX_DEFERRED = 500
"""After this many young collections without a full one, collect anyway (a user who never
pauses must not grow the heap without bound)."""
_NEVER = 1 << 30


class IdleCollector:
    """Full garbage collections at the user's pauses instead of at random key presses."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._saved: tuple[int, int, int] | None = None
        self.full_collections = 0

    def start(self) -> None:
        """Take over full collections (young ones stay automatic)."""
        if self._saved is None:
            self._saved = gc.get_threshold()
            young, middle, _ = self._saved
            gc.set_threshold(young, middle, _NEVER)

    def stop(self) -> None:
        """Give full collections back to Python, as they were before `start`."""
        if self._saved is not None:
            gc.set_threshold(*self._saved)
            self._saved = None

    def freeze(self) -> None:
        """Move everything alive now out of all future collections: call it once the app's
        long-lived data (the preloaded tasks) is loaded."""
        gc.freeze()

    def touched(self) -> None:
        """The user did something: no full collection for a moment."""
        self._last_input = self._clock()

    def tick(self) -> bool:
        """Run a full collection if one is due and the user is idle (or it waited too
        long); True when it ran."""
        pending = gc.get_count()[2]  # young collections since the last full one
        if self._saved is None or pending == 0:
            return False
        idle = self._clock() - self._last_input >= IDLE_S
        if not idle and pending < MAX_DEFERRED:
            return False
        gc.collect()
        self.full_collections += 1
        return True
