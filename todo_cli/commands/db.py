"""`todo db upgrade` and `todo db current`: migrations as a deployment step."""

from __future__ import annotations

import json as jsonlib
from typing import TYPE_CHECKING

import typer

from todo_cli import render
from todo_cli.commands.options import Json
from todo_cli.context import settings

if TYPE_CHECKING:
    from core.store import Store

app = typer.Typer(help="The database schema: its revision, and migrating it.",
                  rich_markup_mode=None)

#: The exit code of `todo db current` when the schema is behind (as for storage faults).
BEHIND = 3


@app.command()
def upgrade() -> None:
    """Migrate the database to the newest schema (holds a lock: concurrent runs queue).

    Run it once per release before the workers start (the Helm hook and the compose one-shot
    do); workers on Kafka wait for it instead of migrating themselves.
    """
    from core.migrations import HEAD

    store = _store()
    try:
        before = store.upgrade()
    finally:
        store.close()
    if before == HEAD:
        render.Out().line(f"database already at {HEAD} (head)")
    else:
        render.Out().line(f"database upgraded from {before or 'empty'} to {HEAD} (head)")


@app.command()
def current(json: Json = False) -> None:
    """Print the database's schema revision and the head this version needs.

    Exit code 0 when the schema is at head, 3 when it is behind (run `todo db upgrade`).
    """
    from core.migrations import HEAD

    store = _store()
    try:
        revision = store.schema_revision()
    finally:
        store.close()
    at_head = revision == HEAD
    if json:
        report = {"revision": revision, "head": HEAD, "current": at_head}
        render.Out().line(jsonlib.dumps(report))
    else:
        state = "current" if at_head else "behind: run todo db upgrade"
        render.Out().line(f"revision {revision or 'none'}, head {HEAD} ({state})")
    if not at_head:
        raise typer.Exit(BEHIND)


def _store() -> Store:
    from core.store import Store

    db = settings().database
    return Store(db.url, db.busy_timeout_ms, migrate=False)


def register(target: typer.Typer) -> None:
    """Attach the `db` group to the root app."""
    target.add_typer(app, name="db")
