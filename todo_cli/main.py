"""The `todo` entry point: fast paths for --version and the plain commands, then Typer."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the todo command line."""
    code = plain_code(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    _typer()


def run() -> None:
    """The `todo` script: `main`, with a plain command's process ended at once.

    A plain command is short and bounded, so it runs without the cyclic garbage collector
    (~3 ms of collections while modules load) and exits without the interpreter's teardown
    of every module (~5 ms), once its output is flushed and its database closed. Anything
    Typer runs keeps both, since it may be a long-lived worker, TUI or chat whose threads
    and exit handlers must finish.
    """
    import gc

    gc.disable()
    code = plain_code(sys.argv[1:])
    if code is None:
        gc.enable()
        _typer()
        return
    _exit_now(code)


def plain_code(args: list[str]) -> int | None:
    """Run `args` if they need no parsing and return the exit code; None if Typer must."""
    if args == ["--version"]:
        # Answer before importing Typer: scripts and prompts call this often.
        from todo_cli import __version__

        print(f"todo {__version__}")
        return 0
    from todo_cli import lazy

    lazy.defer_stdlib("inspect")  # loaded by dataclasses, needed by Typer only (~5 ms)
    lazy.defer_stdlib("subprocess")  # loaded by Typer for `launch` and completion (~2 ms)
    lazy.defer_stdlib("ipaddress")  # loaded by urllib.parse (for pathlib), for [IPv6] URLs
    from todo_cli import plain

    command = plain.command_for(args)
    if command is None:
        return None
    # `todo add WORDS`, `list`, `count`: nothing to parse, so no Typer (~25 ms).
    return plain.run(command, args)


def _typer() -> None:
    from todo_cli.app import app_for

    app_for(sys.argv[1:])(prog_name="todo")


def _exit_now(code: int) -> None:
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream: nothing more can be said.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
