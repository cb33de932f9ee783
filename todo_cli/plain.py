"""The plain commands without Typer: `todo count WORDS`, `todo list WORDS` (`ls`), `todo
export` and `todo add WORDS`, where the words are a filter expression or the quick-add text.

Importing Typer and Click and building the command costs ~50 ms, the whole start-up budget.
When the arguments hold nothing to parse (no word starting with `-`, so no option and no
`--`, except the on/off flags in FLAGS), every parameter but the words (`add`'s text, the
expression of `list` and `count`) and those flags takes its default, so the command function
is called with the defaults of its own signature, the ones Typer would pass: there is no
second grammar, only the one command definition (tests/cli/test_plain.py holds FLAGS to it).
Anything else goes to Typer (todo_cli/app.py). Errors, exit codes and closing the service follow
todo_cli.app.TodoGroup, and tests/cli/test_plain.py holds the two paths to the same output.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from todo_cli import context, edge, render

COMPLETION_ENV = "_TODO_COMPLETE"
"""Set when a shell asks for completions: only Click answers that."""

_LIST_FLAGS = {"--json": "json", "--tree": "tree"}
FLAGS: dict[str, dict[str, str]] = {
    "add": {"--json": "json"}, "count": {"--json": "json"}, "list": _LIST_FLAGS,
    "ls": _LIST_FLAGS,
}
"""The on/off options each plain command takes without Typer: flag -> parameter set True."""

Command = Callable[[], None]


def command_for(args: Sequence[str]) -> Command | None:
    """The call that runs `args` when they need no parsing, else None (Typer parses them)."""
    if COMPLETION_ENV in os.environ or not args:
        return None
    name, rest = args[0], list(args[1:])
    if name == "export" and not rest:
        from todo_cli.commands import transfer

        return lambda: transfer.export()
    flags = FLAGS.get(name, {})
    on: dict[str, Any] = {flags[word]: True for word in rest if word in flags}
    rest = [word for word in rest if word not in flags]
    if any(word.startswith("-") for word in rest):
        return None  # an option (or `--`): Typer parses it
    if name in ("count", "list", "ls"):
        from todo_cli.commands import tasks

        listed = tasks.count if name == "count" else tasks.list_
        return lambda: listed(expression=rest or None, **on)
    if name == "add" and rest:
        from todo_cli.commands import tasks

        return lambda: tasks.add(rest, **on)
    return None


class _Closer:
    """What context.begin needs of a Click context: callbacks run, last first, at the end."""

    def __init__(self) -> None:
        self.callbacks: list[Callable[[], object]] = []

    def call_on_close(self, callback: Callable[[], object]) -> None:
        self.callbacks.append(callback)

    def close(self) -> None:
        while self.callbacks:
            self.callbacks.pop()()


def run(command: Command, args: Sequence[str]) -> int:
    """Run `command` as the Typer app would and return the exit code.

    As in TodoGroup: undecodable arguments or settings exit 2 first; an error of the
    command is one line on stderr and its exit code; the service is closed (warning of
    deferred background work) after the command, and an error there is reported the same way.
    """
    problem = edge.undecodable(args) or edge.undecodable_setting(os.environ)
    if problem is not None:
        render.error(problem)
        return 2
    closer = _Closer()
    context.begin(closer)  # type: ignore[arg-type]
    try:
        try:
            code = _invoke(command)
        finally:
            closer.close()
    except KeyboardInterrupt:
        sys.stderr.write("\nAborted!\n")  # what Click prints for Ctrl-C
        return 1
    except Exception as exc:
        return _reported(exc)
    return code


def _invoke(command: Command) -> int:
    try:
        command()
    except Exception as exc:
        code = _click_exit(exc)
        return _reported(exc) if code is None else code
    return 0


def _click_exit(exc: Exception) -> int | None:
    """The exit code of a `typer.Exit` or Click error raised by the command (Click is loaded
    then), as Click's main would give it; None for any other exception."""
    click = sys.modules.get("click")
    if click is None:
        return None
    if isinstance(exc, click.exceptions.Exit):
        return int(exc.exit_code)
    if isinstance(exc, click.exceptions.ClickException):
        exc.show()
        return int(exc.exit_code)
    return None


def _reported(exc: Exception) -> int:
    if edge.debugging() and not edge.expected(exc):
        raise exc
    return edge.report(exc)
