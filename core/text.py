"""Control characters in user text: one rule for what may be stored, one way to show it.

Titles and tags hold no C0 or C1 control character (nor DEL); notes may hold tabs and line
breaks. A database written by an older version, or directly, may still hold them, so
everything that prints stored text to a terminal passes it through `visible`: an imported
or agent-written title must never drive the user's terminal (escape sequences can retitle
the window, clear the screen or worse).
"""

from __future__ import annotations

import re

from core.errors import BadInput

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_NOTES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1_OR_DEL = re.compile(r"[\x7f-\x9f]")


def check_text(field: str, value: str, multiline: bool = False) -> str:
    """`value`, or BadInput naming `field` and the first control character in it.

    `multiline` fields (notes) may hold tabs and line breaks ("\\r\\n" counts as one).
    """
    pattern = _CONTROL_IN_NOTES if multiline else _CONTROL
    found = pattern.search(value.replace("\r\n", "\n") if multiline else value)
    if found is None:
        return value
    shown = escape(found.group())
    raise BadInput(
        f"{field} holds the control character {shown} at position {found.start() + 1}: "
        "control characters are not allowed" + (" (tabs and line breaks are)" if multiline
                                                 else "")
    )


def escape(char: str) -> str:
    """One control character as a visible escape: "\\x1b"."""
    return f"\\x{ord(char):02x}"


def visible(text: str, multiline: bool = False) -> str:
    """`text` safe to print on a terminal: control characters shown as "\\x1b" escapes
    (`multiline` keeps tabs and line breaks)."""
    pattern = _CONTROL_IN_NOTES if multiline else _CONTROL
    return pattern.sub(lambda m: escape(m.group()), text)


def json_safe(text: str) -> str:
    """JSON text with DEL and C1 characters escaped as \\u0080 and so on: json.dumps
    escapes C0 but writes these raw, and a terminal may act on them. Same JSON value."""
    if text.isascii() and "\x7f" not in text:
        # Both checks run at C speed; the scan below costs `todo export` ~25 ms at 10k tasks.
        return text
    return _C1_OR_DEL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
