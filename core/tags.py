"""Tags: one spelling rule, applied wherever a tag enters the system."""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.errors import BadInput
from core.text import check_text

_TAG = re.compile(r"[a-z][a-z0-9_-]*\Z")


def is_tag(text: str) -> bool:
    """True if `text` (any case) is a valid tag: a letter, then letters, digits, `-` or `_`."""
    return _TAG.match(text.lower()) is not None


def normalise_tag(text: str) -> str:
    """The stored form of a tag (lowercase, without a leading # or +), or BadInput naming it."""
    tag = check_text("tag", text).strip()
    if tag[:1] in ("#", "+"):
        tag = tag[1:]
    tag = tag.lower()
    if not _TAG.match(tag):
        raise BadInput(
            f"invalid tag '{text}': a tag starts with a letter and holds letters, digits, - or _"
        )
    return tag


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Normalised, de-duplicated and sorted tags."""
    return tuple(sorted({normalise_tag(t) for t in tags}))
