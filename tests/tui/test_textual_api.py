"""The private Textual API the TUI leans on, checked so that an upgrade fails here, loudly.

`screens/main.py` replaces `Screen._update_timer` with a FramePacer and renders through
`Screen._on_timer_update`; the pacer and `app.py` report errors through `App._handle_exception`.
None of these is public, so pyproject pins Textual to a tested minor range; these tests say
what moved when that range is widened.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from textual.app import App
from textual.screen import Screen

from todo_cli.tui.pacing import FramePacer
from todo_cli.tui.screens.main import MainScreen

PYPROJECT = Path(__file__).parent.parent.parent / "pyproject.toml"


def test_installed_textual_is_in_the_pinned_range() -> None:
    deps = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]["dependencies"]
    pin = next(Requirement(d) for d in deps if Requirement(d).name == "textual")
    installed = version("textual")
    capped = any(s.operator in ("<", "<=", "~=", "==") for s in pin.specifier)
    assert capped, f"{pin}: cap Textual to a tested minor range, the TUI uses its private API"
    assert installed in pin.specifier, f"Textual {installed} is outside the tested range {pin}"


def test_screen_still_renders_through_a_private_update_timer() -> None:
    timer = inspect.getattr_static(Screen, "_update_timer", None)
    assert isinstance(timer, property), (
        "textual.screen.Screen._update_timer is gone or no longer a property: "
        "MainScreen's FramePacer override (todo_cli/tui/screens/main.py) no longer paces frames"
    )
    assert callable(getattr(Screen, "_on_timer_update", None)), (
        "textual.screen.Screen._on_timer_update is gone: MainScreen's pacer renders through it"
    )
    assert isinstance(inspect.getattr_static(MainScreen, "_update_timer"), property)
    assert MainScreen._update_timer is not Screen._update_timer, "MainScreen must override it"


def test_screen_uses_only_the_verbs_the_pacer_has() -> None:
    used = set(re.findall(r"\._update_timer\.(\w+)", inspect.getsource(Screen)))
    assert used, "textual.screen.Screen no longer calls methods on _update_timer"
    missing = {verb for verb in used if not callable(getattr(FramePacer, verb, None))}
    assert not missing, (
        f"Screen now calls _update_timer.{sorted(missing)}, which FramePacer "
        "(todo_cli/tui/pacing.py) does not have"
    )


def test_app_still_handles_exceptions_privately() -> None:
    handler = getattr(App, "_handle_exception", None)
    assert callable(handler), (
        "textual.app.App._handle_exception is gone: todo_cli/tui/app.py and the FramePacer "
        "report errors through it"
    )
    assert list(inspect.signature(handler).parameters) == ["self", "error"], (
        f"App._handle_exception{inspect.signature(handler)} changed its signature"
    )
