"""The main screen's frame pacing: at most one frame per interval, counted from the last frame
(not from a fixed grid), so a change after a pause is drawn at once and one that follows a
frame waits out the rest of that interval only."""

from __future__ import annotations

import asyncio

import pytest

from tests.tui.conftest import SIZE, MakeApp, settle
from todo_cli.tui.pacing import FramePacer
from todo_cli.tui.screens.main import MainScreen

pytestmark = pytest.mark.asyncio
INTERVAL = 0.2  # long beside the loop's scheduling jitter, so the bounds below are safe


class Frames:
    """A FramePacer whose renders are recorded (on the loop's clock)."""

    def __init__(self, fail: bool = False) -> None:
        self.loop = asyncio.get_running_loop()
        self.times: list[float] = []
        self.errors: list[Exception] = []
        self.fail = fail
        self.pacer = FramePacer(self.render, INTERVAL, on_error=self.errors.append)

    def render(self) -> None:
        self.times.append(self.loop.time())
        self.pacer.pause()  # as Screen._on_timer_update does first
        if self.fail:
            raise RuntimeError("render failed")


async def test_a_change_after_a_pause_renders_at_once() -> None:
    frames = Frames()
    asked = frames.loop.time()
    frames.pacer.resume()
    await asyncio.sleep(0.02)
    assert len(frames.times) == 1 and frames.times[0] - asked < 0.02


async def test_a_change_soon_after_a_frame_waits_for_the_interval_only() -> None:
    frames = Frames()
    frames.pacer.resume()
    await asyncio.sleep(0.01)
    frames.pacer.resume()  # right after the first frame
    frames.pacer.resume()  # several changes, one frame
    await asyncio.sleep(INTERVAL * 2.5)
    first, second = frames.times
    # Not sooner than the interval, and not a whole extra interval later (Textual's
    # grid timer, after a pause, made it up to two).
    assert INTERVAL <= second - first < INTERVAL * 1.5


async def test_pause_drops_a_pending_frame_and_stop_ends_them() -> None:
    frames = Frames()
    frames.pacer.resume()
    await asyncio.sleep(0.01)
    frames.pacer.resume()
    frames.pacer.pause()  # the screen rendered on its own meanwhile
    await asyncio.sleep(INTERVAL * 1.5)
    assert len(frames.times) == 1
    frames.pacer.resume()
    frames.pacer.stop()
    await asyncio.sleep(INTERVAL * 1.5)
    assert len(frames.times) == 1


async def test_a_failing_render_is_reported() -> None:
    frames = Frames(fail=True)
    frames.pacer.resume()
    await asyncio.sleep(0.02)
    assert [str(e) for e in frames.errors] == ["render failed"]


async def test_the_app_renders_through_the_pacer(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        pacer = app.screen._update_timer
        assert isinstance(pacer, FramePacer)
        drawn = pacer.frames
        await pilot.press("s")  # a change the screen has to draw
        await settle(pilot)
        assert "sort: priority" in app.sub_title and pacer.frames > drawn
