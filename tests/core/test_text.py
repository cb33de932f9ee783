"""core/text.py: the control-character rule and the safe display of stored text."""

from __future__ import annotations

import json

import pytest

from core.errors import BadInput
from core.text import check_text, json_safe, visible

CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]


@pytest.mark.parametrize("char", CONTROLS)
def test_every_c0_and_c1_character_is_refused_in_a_title(char: str) -> None:
    with pytest.raises(BadInput, match=r"^title holds the control character \\x[0-9a-f]{2} at "
                                       r"position 3"):
        check_text("title", f"ab{char}c")


def test_notes_keep_tabs_and_line_breaks_only() -> None:
    assert check_text("notes", "a\tb\nc\r\nd", multiline=True) == "a\tb\nc\r\nd"
    for bad in ("a\rb", "a\x1bb", "a\x85b", "a\x0bb"):
        with pytest.raises(BadInput, match=r"^notes holds"):
            check_text("notes", bad, multiline=True)


def test_visible_escapes_every_control_and_nothing_else() -> None:
    text = "".join(CONTROLS) + "café ✓ 日本"
    shown = visible(text)

    assert not any(c in shown for c in CONTROLS)
    assert shown.endswith("café ✓ 日本")
    assert visible("a\n\tb\x1b", multiline=True) == "a\n\tb\\x1b"


def test_json_safe_keeps_the_value() -> None:
    value = {"title": "".join(CONTROLS) + "é"}
    text = json_safe(json.dumps(value, ensure_ascii=False))

    assert not any(c in text for c in CONTROLS)
    assert json.loads(text) == value


@pytest.mark.parametrize("raw", ["plain \x7f ascii", "\x85 only c1", "caf\xe9 \x9b", "\x7f"])
def test_json_safe_escapes_del_and_c1_in_ascii_and_other_text(raw: str) -> None:
    # json_safe skips its scan for ASCII text without DEL: DEL alone must still be escaped.
    text = json_safe(json.dumps(raw, ensure_ascii=False))

    assert not any(c in text for c in CONTROLS[0x20:])
    assert json.loads(text) == raw


def test_json_safe_returns_clean_text_unchanged() -> None:
    for text in ('["plain ascii"]', '["café 日本"]'):
        assert json_safe(text) == text
