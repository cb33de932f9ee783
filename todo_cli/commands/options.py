"""Option types shared by several commands.

The choices are plain enums; the Annotated option types are built on first use (module
`__getattr__`), when Typer reads a signature: a plain `todo add`, `list` or `count` runs
without Typer (todo_cli/plain.py) and must not import it for a default value.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated, Any


class StatusChoice(StrEnum):
    pending = "pending"
    completed = "completed"
    deleted = "deleted"
    all = "all"


class SortChoice(StrEnum):
    due = "due"
    priority = "priority"
    created = "created"
    title = "title"  # type: ignore[assignment]  # the choice `--sort title`, not str.title
    urgency = "urgency"
    id = "id"


MAX_ID = 2**63 - 1
"""The largest id or count the database stores; larger numbers are refused as bad input."""

def _option_types() -> dict[str, Any]:
    import typer

    Json = Annotated[bool, typer.Option("--json", help="Print JSON (the stable scripting format).")]
    Ids = Annotated[list[int], typer.Argument(help="Task ids.", show_default=False, min=1, max=MAX_ID)]
    TaskId = Annotated[int, typer.Argument(help="Task id.", min=1, max=MAX_ID)]
    Limit = Annotated[int | None, typer.Option("--limit", "-n", help="At most N.", min=1, max=MAX_ID)]

    Status = Annotated[StatusChoice, typer.Option(help="Which tasks.")]
    Expression = Annotated[
        list[str] | None,
        typer.Argument(
            help="A filter expression (see above); quote ( ) and \"phrases\" for the shell.",
            show_default=False,
        ),
    ]
    PriorityFilter = Annotated[
        str | None, typer.Option("--priority", "-p", help="Only this priority (high|medium|low|none).")
    ]
    TagFilter = Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="Has this tag (repeatable: all must match)."),
    ]
    DueBefore = Annotated[str | None, typer.Option(help="Due before this date (e.g. 'fri').")]
    DueAfter = Annotated[str | None, typer.Option(help="Due after this date.")]
    Overdue = Annotated[bool, typer.Option("--overdue", help="Only overdue tasks.")]
    Today = Annotated[
        bool,
        typer.Option("--today", help="Only tasks due today or scheduled for today or earlier."),
    ]
    Upcoming = Annotated[
        int | None, typer.Option(help="Due within the next N days.", min=0, max=365_000)
    ]
    NoDue = Annotated[bool, typer.Option("--no-due", help="Only tasks without a due date.")]
    ProjectFilter = Annotated[
        str | None, typer.Option("--project", help="In this project or its sub-projects.")
    ]
    Waiting = Annotated[
        bool, typer.Option("--waiting", help="Only tasks waiting (wait: ahead).")
    ]
    Search = Annotated[str | None, typer.Option("--search", "-s", help="Words in title or notes.")]
    Sort = Annotated[SortChoice, typer.Option(help="Sort order.")]
    Reverse = Annotated[bool, typer.Option("--reverse", "-r", help="Reverse the order.")]
    return {name: value for name, value in locals().items() if name != "typer"}


def __getattr__(name: str) -> Any:
    """The option types (Json, Ids, Status, ...), all built at the first request for one."""
    types = _option_types()
    if name not in types:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    vars(sys.modules[__name__]).update(types)
    return types[name]
