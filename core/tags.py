"""Tags: one spelling rule, applied wherever a tag enters the system."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from core.errors import BadInput
from core.text import check_text

# Letters of any script ("café", "ü", "日本"): \w without the leading digit or underscore.
_TAG = re.compile(r"[^\W\d_][\w-]*\Z")


def _canonical(text: str) -> str:
    # NFC, so "café" typed with a combining accent is the same tag as the precomposed one.
    return unicodedata.normalize("NFC", text.lower())


def is_tag(text: str) -> bool:
    """True if `text` (any case) is a valid tag: a letter, then letters, digits, `-` or `_`."""
    tag = _canonical(text)
    return _TAG.match(tag) is not None and tag[0].isalpha()


def normalise_tag(text: str) -> str:
    """The stored form of a tag (lowercase, NFC, without a leading # or +), or BadInput
    naming it."""
    tag = check_text("tag", text).strip()
    if tag[:1] in ("#", "+"):
        tag = tag[1:]
    if not is_tag(tag):
        raise BadInput(
            f"invalid tag '{text}': a tag starts with a letter and holds letters, digits, - or _"
        )
    return _canonical(tag)


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Normalised, de-duplicated and sorted tags."""
    return tuple(sorted({normalise_tag(t) for t in tags}))
