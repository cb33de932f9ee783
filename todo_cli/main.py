"""The `todo` entry point: a fast path for --version, then the Typer app."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the todo command line."""
    if sys.argv[1:] == ["--version"]:
        # Answer before importing Typer: scripts and prompts call this often.
        from todo_cli import __version__

        print(f"todo {__version__}")
        return
    from todo_cli.app import app_for

    app_for(sys.argv[1:])(prog_name="todo")


if __name__ == "__main__":
    main()
