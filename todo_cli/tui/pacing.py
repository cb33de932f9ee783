"""Frame pacing for the main screen: at most one frame per interval, counted from the last.

A Textual screen renders its pending changes when its update timer ticks, 60 times a second
on a fixed grid, and pauses the timer in between. After a pause, Textual 8's Timer skips one
tick too many (`Timer._run` sets its count one past the current tick), so the first change
after a frame waits one to two intervals, up to 33 ms, instead of at most one. Measured at
50k tasks that was a third of the 50 ms budget of a key press, on scroll and filter keys
alike. This pacer keeps a limit (one frame per interval) without the grid: a change that
comes an interval or more after the last frame is rendered at once, a sooner one when the
interval is up.

The interval is 1/120 s, not Textual's 1/60: the list a filter key asks for usually arrives
just after the frame that echoed the key, and then waits out the interval. A frame of the
main screen costs 5 to 10 ms here, so faster than this it could not draw anyway.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable

FRAME_S = 1 / 120
"""The least time between two frames of the main screen."""


class FramePacer:
    """Calls `render` once per resume, no sooner than `interval` after the previous call.

    It stands in for the screen's update timer, so it has the two verbs the screen uses:
    `resume` (there is something to render) and `pause` (nothing is; a pending frame is
    dropped).
    """

    def __init__(
        self, render: Callable[[], None], interval: float, on_error: Callable[[Exception], None]
    ) -> None:
        self._render = render
        self._on_error = on_error
        self._interval = interval
        self._loop = asyncio.get_running_loop()
        # The screen's context (active app and message pump), for the render calls.
        self._context = contextvars.copy_context()
        self._last = float("-inf")
        self._due: asyncio.Handle | None = None
        self._wanted = False
        self.frames = 0
        """How many frames it has had rendered."""

    def resume(self) -> None:
        """Render as soon as the interval since the last frame allows."""
        self._wanted = True
        if self._due is None:
            delay = self._last + self._interval - self._loop.time()
            if delay > 0:
                self._due = self._loop.call_later(delay, self._fire, context=self._context)
            else:
                self._due = self._loop.call_soon(self._fire, context=self._context)

    def pause(self) -> None:
        """Nothing to render (the screen has just rendered, or will on its own)."""
        self._wanted = False

    def stop(self) -> None:
        """No more frames (the screen is going away)."""
        self._wanted = False
        if self._due is not None:
            self._due.cancel()
            self._due = None

    def _fire(self) -> None:
        self._due = None
        if not self._wanted:
            return
        self._last = self._loop.time()
        self.frames += 1
        try:
            self._render()
        except Exception as error:  # as Textual's timers do: the app reports it and exits
            self._on_error(error)
