"""The conversation and conversation_message tables: the agent's stored chats."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.store import Db, read_dt


def insert(db: Db, owner: str, title: str, now: datetime) -> int:
    """A new, empty conversation; its id."""
    row = db.one(
        "INSERT INTO conversation (owner, title, created, updated) "
        "VALUES (?, ?, ?, ?) RETURNING id",
        (owner, title, db.dt(now), db.dt(now)),
    )
    return int(row[0])


def append(
    db: Db, conversation_id: int, messages: Sequence[dict[str, Any]], now: datetime
) -> None:
    """Add messages (as JSON) to the end of a conversation and mark it used `now`."""
    db.many(
        "INSERT INTO conversation_message (conversation_id, body, created) VALUES (?, ?, ?)",
        [(conversation_id, json.dumps(m, ensure_ascii=False), db.dt(now)) for m in messages],
    )
    db.run("UPDATE conversation SET updated = ? WHERE id = ?", (db.dt(now), conversation_id))


def latest(db: Db, owner: str) -> int | None:
    """The owner's most recently used conversation, or None."""
    value = db.value(
        "SELECT id FROM conversation WHERE owner = ? ORDER BY updated DESC, id DESC LIMIT 1",
        (owner,),
    )
    return None if value is None else int(value)


def head(db: Db, owner: str, conversation_id: int) -> tuple[str, datetime, datetime] | None:
    """(title, created, updated) of the owner's conversation, or None if it has no such one."""
    row = db.one(
        "SELECT title, created, updated FROM conversation WHERE id = ? AND owner = ?",
        (conversation_id, owner),
    )
    if row is None:
        return None
    created, updated = read_dt(row[1]), read_dt(row[2])
    assert created is not None and updated is not None
    return str(row[0]), created, updated


def messages(db: Db, conversation_id: int) -> list[dict[str, Any]]:
    """The messages of a conversation, oldest first."""
    rows = db.all(
        "SELECT body FROM conversation_message WHERE conversation_id = ? ORDER BY id",
        (conversation_id,),
    )
    return [json.loads(body) for (body,) in rows]
