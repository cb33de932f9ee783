"""The `todo` entry point: fast paths for --version and the plain commands, then Typer."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the todo command line."""
    if sys.argv[1:] == ["--version"]:
        # Answer before importing Typer: scripts and prompts call this often.
        from todo_cli import __version__

        print(f"todo {__version__}")
        return
    from todo_cli import lazy

    lazy.defer_stdlib("inspect")  # loaded by dataclasses, needed by Typer only (~5 ms)
    lazy.defer_stdlib("subprocess")  # loaded by Typer for `launch` and completion (~2 ms)
    from todo_cli import plain

    command = plain.command_for(sys.argv[1:])
    if command is not None:
        # `todo add WORDS`, `list`, `count`: nothing to parse, so no Typer (~25 ms).
        sys.exit(plain.run(command, sys.argv[1:]))
    from todo_cli.app import app_for

    app_for(sys.argv[1:])(prog_name="todo")


if __name__ == "__main__":
    main()
