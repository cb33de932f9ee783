"""The app's main screen: Textual's Screen, rendering its changes through a FramePacer."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from todo_cli.tui.pacing import FRAME_S, FramePacer


class MainScreen(Screen[None]):
    """The default screen of the app (sidebar, table, bars); see `todo_cli.tui.pacing`."""

    _pacer: FramePacer | None = None

    @property
    def _update_timer(self) -> Any:
        # Screen renders when this "timer" ticks and only ever resumes or pauses it.
        if self._pacer is None:
            self._pacer = FramePacer(
                self._on_timer_update, FRAME_S, on_error=self.app._handle_exception
            )
        return self._pacer

    def on_unmount(self) -> None:
        if self._pacer is not None:
            self._pacer.stop()
