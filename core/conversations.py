"""Chat conversations: the agent's messages, kept so that `todo chat --continue` can resume.

A conversation belongs to one owner; its messages are stored in order as opaque JSON
(the agent decides their shape: model and user turns, tool calls and results). The agent
never touches the database itself; it calls these methods through
`TaskService.conversations()`. API keys are never part of a message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.errors import NotFound
from core.store import Store, read_dt


@dataclass(frozen=True, slots=True)
class Conversation:
    """One stored conversation and its messages, oldest first."""

    id: int
    title: str
    created: datetime
    updated: datetime
    messages: list[dict[str, Any]]


class Conversations:
    """The conversations of one owner, over the service's store."""

    def __init__(self, store: Store, owner: str, now: Callable[[], datetime]) -> None:
        self._store = store
        self._owner = owner
        self._now = now

    def start(self, title: str) -> int:
        """Open a new, empty conversation; its title is the first message, shortened."""
        now = self._now()
        with self._store.write() as db:
            row = db.one(
                "INSERT INTO conversation (owner, title, created, updated) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                (self._owner, " ".join(title.split())[:200], db.dt(now), db.dt(now)),
            )
        return int(row[0])

    def append(self, conversation_id: int, messages: Sequence[dict[str, Any]]) -> None:
        """Add messages to the end of a conversation, in one transaction."""
        now = self._now()
        with self._store.write() as db:
            self._check(db, conversation_id)
            db.many(
                "INSERT INTO conversation_message (conversation_id, body, created) "
                "VALUES (?, ?, ?)",
                [(conversation_id, json.dumps(m, ensure_ascii=False), db.dt(now))
                 for m in messages],
            )
            db.run("UPDATE conversation SET updated = ? WHERE id = ?",
                   (db.dt(now), conversation_id))

    def latest(self) -> int | None:
        """The owner's most recently used conversation, or None if there is none."""
        with self._store.read() as db:
            value = db.value(
                "SELECT id FROM conversation WHERE owner = ? ORDER BY updated DESC, id DESC "
                "LIMIT 1",
                (self._owner,),
            )
        return None if value is None else int(value)

    def load(self, conversation_id: int) -> Conversation:
        """One conversation with its messages; NotFound if the owner has no such one."""
        with self._store.read() as db:
            head = self._check(db, conversation_id)
            rows = db.all(
                "SELECT body FROM conversation_message WHERE conversation_id = ? ORDER BY id",
                (conversation_id,),
            )
        created, updated = read_dt(head[1]), read_dt(head[2])
        assert created is not None and updated is not None
        return Conversation(
            conversation_id, str(head[0]), created, updated, [json.loads(b) for (b,) in rows]
        )

    def _check(self, db: Any, conversation_id: int) -> Any:
        head = db.one(
            "SELECT title, created, updated FROM conversation WHERE id = ? AND owner = ?",
            (conversation_id, self._owner),
        )
        if head is None:
            raise NotFound(f"no conversation with id {conversation_id}")
        return head
