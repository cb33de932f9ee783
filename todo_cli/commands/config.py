"""Settings: what is in effect and where files live."""

from __future__ import annotations

import typer

from config import paths
from config.settings import effective_values, mask_url
from todo_cli import render
from todo_cli.context import settings

app = typer.Typer(help="Show settings and file locations.", rich_markup_mode=None)


@app.command()
def show() -> None:
    """Print every setting's effective value and where it came from (secrets masked)."""
    render.settings_table(effective_values(settings()))


@app.command()
def path() -> None:
    """Print where the config file and the data live."""
    out = render.Out()
    out.line(f"config   {paths.config_file()}")
    out.line(f"data     {paths.data_dir()}")
    out.line(f"database {mask_url(settings().database.url)}")
