"""The saved_view and owner_context tables: named filter expressions and the active one."""

from __future__ import annotations

from datetime import datetime

from core.store import Db


def all_views(db: Db, owner: str) -> list[tuple[str, str]]:
    """Every saved view of the owner as (name, expression), by name."""
    rows = db.all("SELECT name, filter FROM saved_view WHERE owner = ? ORDER BY name", (owner,))
    return [(str(name), str(text)) for name, text in rows]


def one_view(db: Db, owner: str, name: str) -> str | None:
    """The expression of the owner's view `name`, or None."""
    value = db.value("SELECT filter FROM saved_view WHERE owner = ? AND name = ?", (owner, name))
    return None if value is None else str(value)


def save_view(db: Db, owner: str, name: str, text: str, now: datetime) -> None:
    """Store view `name` (replacing one of that name, which keeps its creation time)."""
    if one_view(db, owner, name) is None:
        db.run("INSERT INTO saved_view (owner, name, filter, created) VALUES (?, ?, ?, ?)",
               (owner, name, text, db.dt(now)))
    else:
        db.run("UPDATE saved_view SET filter = ? WHERE owner = ? AND name = ?",
               (text, owner, name))


def delete_view(db: Db, owner: str, name: str) -> None:
    """Remove view `name`, and the context if it was that view."""
    db.run("DELETE FROM owner_context WHERE owner = ? AND view_name = ?", (owner, name))
    db.run("DELETE FROM saved_view WHERE owner = ? AND name = ?", (owner, name))


def context(db: Db, owner: str) -> tuple[str, str] | None:
    """The owner's context as (view name, expression), or None."""
    row = db.one(
        "SELECT c.view_name, v.filter FROM owner_context c JOIN saved_view v "
        "ON v.owner = c.owner AND v.name = c.view_name WHERE c.owner = ?",
        (owner,),
    )
    return None if row is None else (str(row[0]), str(row[1]))


def set_context(db: Db, owner: str, name: str | None) -> None:
    """Make view `name` the owner's context; None: no context."""
    db.run("DELETE FROM owner_context WHERE owner = ?", (owner,))
    if name is not None:
        db.run("INSERT INTO owner_context (owner, view_name) VALUES (?, ?)", (owner, name))
