"""Conversation storage in core, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from core import open_service
from core.errors import NotFound
from core.service import TaskService
from tests.conftest import Clock, make_settings


def test_messages_come_back_in_order_and_latest_follows_use(
    svc: TaskService, clock: Clock
) -> None:
    store = svc.conversations()
    first = store.start("what is due today?")
    clock.advance(minutes=1)
    second = store.start("another")
    clock.advance(minutes=1)
    store.append(first, [{"role": "user", "parts": [{"text": "ünïcode ✓"}]},
                         {"role": "model", "parts": [{"text": "nothing"}]}])

    loaded = store.load(first)

    assert store.latest() == first != second
    assert loaded.title == "what is due today?"
    assert [m["role"] for m in loaded.messages] == ["user", "model"]
    assert loaded.messages[0]["parts"][0]["text"] == "ünïcode ✓"
    assert loaded.updated > loaded.created


def test_conversations_belong_to_their_owner(svc: TaskService, db_url: str) -> None:
    mine = svc.conversations().start("mine")
    other = open_service(make_settings(db_url, user="bob"))
    try:
        assert other.conversations().latest() is None
        with pytest.raises(NotFound, match=f"no conversation with id {mine}"):
            other.conversations().load(mine)
    finally:
        other.close()
