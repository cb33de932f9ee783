"""Settings: what is in effect and where files live."""

from __future__ import annotations

import typer

from config import paths
from config.settings import effective_settings, effective_values, mask_url
from core.errors import BadInput
from todo_cli import render, render_json, render_reports
from todo_cli.commands.options import Json
from todo_cli.context import settings

app = typer.Typer(help="Show settings and file locations.", rich_markup_mode=None)


@app.command()
def show(json: Json = False) -> None:
    """Print every setting's effective value and where it came from (secrets masked)."""
    if json:
        render_json.settings(effective_settings(settings()))
    else:
        render_reports.settings_table(effective_values(settings()))


@app.command()
def path() -> None:
    """Print where the config file and the data live."""
    out = render.Out()
    out.line(f"config   {paths.config_file()}")
    out.line(f"data     {paths.data_dir()}")
    out.line(f"database {mask_url(settings().database.url)}")


@app.command("set-key")
def set_key(
    delete: bool = typer.Option(False, "--delete", help="Remove the stored key instead."),
) -> None:
    """Store the Gemini API key for `todo chat` in the system keyring (read from the terminal
    without echo, or from stdin). It is never written to the config file."""
    from agent import keys

    if delete:
        removed = keys.delete_key()
        render.Out().line("Removed the stored key." if removed else "No key was stored.")
        return
    key = _read_key()
    if not key:
        raise BadInput("no key given: paste the key from https://aistudio.google.com/apikey")
    keys.store_key(key)
    render.Out().line("Stored the Gemini API key in the system keyring.")


def _read_key() -> str:
    import getpass
    import sys

    if sys.stdin.isatty():
        return getpass.getpass("Gemini API key: ").strip()
    return sys.stdin.readline().strip()
