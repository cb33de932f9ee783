"""Chat conversations: the agent's messages, kept so that `todo chat --continue` can resume.

A conversation belongs to one owner; its messages are stored in order as opaque JSON
(the agent decides their shape: model and user turns, tool calls and results). The agent
never touches the database itself; it calls these methods through
`TaskService.conversations()`. API keys are never part of a message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.errors import NotFound
from core.queries import conversations as rows
from core.store import Db, Store


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
            return rows.insert(db, self._owner, " ".join(title.split())[:200], now)

    def append(self, conversation_id: int, messages: Sequence[dict[str, Any]]) -> None:
        """Add messages to the end of a conversation, in one transaction."""
        now = self._now()
        with self._store.write() as db:
            self._check(db, conversation_id)
            rows.append(db, conversation_id, messages, now)

    def latest(self) -> int | None:
        """The owner's most recently used conversation, or None if there is none."""
        with self._store.read() as db:
            return rows.latest(db, self._owner)

    def load(self, conversation_id: int) -> Conversation:
        """One conversation with its messages; NotFound if the owner has no such one."""
        with self._store.read() as db:
            title, created, updated = self._check(db, conversation_id)
            messages = rows.messages(db, conversation_id)
        return Conversation(conversation_id, title, created, updated, messages)

    def _check(self, db: Db, conversation_id: int) -> tuple[str, datetime, datetime]:
        head = rows.head(db, self._owner, conversation_id)
        if head is None:
            raise NotFound(f"no conversation with id {conversation_id}")
        return head
