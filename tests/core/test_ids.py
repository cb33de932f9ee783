"""core.ids.new_uuid: what str(uuid.uuid4()) gives, without importing uuid on every write."""

from __future__ import annotations

import uuid

from core.ids import new_uuid


def test_a_new_uuid_is_a_canonical_random_uuid() -> None:
    for _ in range(200):
        text = new_uuid()
        parsed = uuid.UUID(text)
        assert str(parsed) == text  # canonical: lower case, 8-4-4-4-12
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_new_uuids_differ() -> None:
    assert len({new_uuid() for _ in range(1000)}) == 1000
