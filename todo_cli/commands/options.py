"""Option types shared by several commands."""

from __future__ import annotations

from typing import Annotated

import typer

Json = Annotated[bool, typer.Option("--json", help="Print JSON (the stable scripting format).")]
Ids = Annotated[list[int], typer.Argument(help="Task ids.", show_default=False)]
