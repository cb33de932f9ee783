"""Where exceptions leave the CLI: one line on stderr and a documented exit code, never a
traceback (unless TODO_DEBUG is set, for developers)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from config.settings import SettingsError
from core.errors import BadFilter, TodoError
from todo_cli import render

DEBUG_ENV = "TODO_DEBUG"
INTERNAL_ERROR = 1


def debugging() -> bool:
    """Whether unexpected exceptions should show their traceback (TODO_DEBUG=1)."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def expected(exc: BaseException) -> bool:
    """Errors with a message for the user: the core's family and bad settings."""
    return isinstance(exc, (TodoError, SettingsError))


def report(exc: Exception) -> int:
    """Print `exc` as one error line (a bad filter adds itself with a caret under the column)
    and return the exit code for it."""
    if isinstance(exc, TodoError):
        render.error(exc.message)
        if isinstance(exc, BadFilter):
            render.error_pointer(exc.pointer)
        return exc.exit_code
    if isinstance(exc, SettingsError):
        render.error(str(exc))
        return 2
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    detail = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    render.error(f"unexpected failure ({detail}); this is a bug: {DEBUG_ENV}=1 shows where")
    return INTERNAL_ERROR


def undecodable(args: Sequence[str]) -> str | None:
    """An error naming the first argument that is not valid UTF-8 text, or None.

    Invalid bytes in argv reach Python as lone surrogates (PEP 383); nothing can store,
    print or compare them, so they are refused before any command runs.
    """
    for number, arg in enumerate(args, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return f"argument {number} ({_shown(arg)[:80]}) is not valid UTF-8 text"
    return None


def undecodable_setting(environ: Mapping[str, str]) -> str | None:
    """An error naming the first TODO_* environment variable that is not valid UTF-8 text."""
    for name, value in sorted(environ.items()):
        if name.startswith("TODO_") and undecodable([value]) is not None:
            return f"environment variable {name} ({_shown(value)[:80]}) is not valid UTF-8 text"
    return None


def _shown(arg: str) -> str:
    # Bytes that came in invalid show as \xff; any other oddity as a Python escape.
    try:
        raw = arg.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return ascii(arg)[1:-1]
    return ascii(raw.decode("utf-8", "backslashreplace"))[1:-1].replace("\\\\", "\\")
