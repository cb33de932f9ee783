"""When Python's cyclic garbage collector may run in the TUI: while the user is idle.

A full collection walks every object not frozen and everything those point at. With the
table's lists and the caches of 50k tasks that is 10 to 90 ms, and it lands wherever the
allocation count says: on a key press, as a visible stall. So the app freezes what it loaded
(those objects live as long as the app), keeps the young generations collecting as usual (a
millisecond or two each: they also free most cyclic garbage while it is young), switches
automatic full collections off, and runs them itself:

- at a pause of a second: a full collection, then what survived it is frozen too, so the
  next one walks only what is newer (a few ms, should a key land on it);
- when the user has been away for a while: everything is unfrozen and collected once (the
  only collection that can free garbage among frozen objects; ~0.2 s at 50k tasks);
- after very many young collections without a pause, anyway: the heap must not grow
  without bound for a user who never stops typing.

Textual does the same around smooth scrolling (`App.PAUSE_GC_ON_SCROLL`); this covers every
key.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

IDLE_S = 1.0
"""A full collection waits until no key or mouse event came for this long."""
AWAY_S = 30.0
"""After this long without input, everything frozen is collected once too."""
MAX_DEFERRED = 5000
"""Young collections without a full one after which one runs even without a pause (minutes
of continuous typing and redrawing)."""
_NEVER = 1 << 30


class IdleCollector:
    """Full garbage collections at the user's pauses instead of at random key presses."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_input = clock()
        self._saved: tuple[int, int, int] | None = None
        self._swept = True  # nothing frozen that the sweep has not seen
        self._loaded = False  # collecting before the first freeze would walk the load

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
        """Move everything alive now out of all future collections but the sweep: call it
        once the app's long-lived data (the preloaded tasks) is loaded."""
        gc.freeze()
        self._swept = False
        self._loaded = True

    def touched(self) -> None:
        """The user did something: no full collection for a moment."""
        self._last_input = self._clock()

    def tick(self) -> str | None:
        """Collect if one is due: "full", "sweep" or None (nothing ran)."""
        if self._saved is None or not self._loaded:
            return None
        idle = self._clock() - self._last_input
        pending = gc.get_count()[2]  # young collections since the last full one
        if idle >= AWAY_S and not self._swept:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._swept = True
            return "sweep"
        if pending and (idle >= IDLE_S or pending >= MAX_DEFERRED):
            gc.collect()
            self.freeze()
            return "full"
        return None
