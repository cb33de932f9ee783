"""Splitting a filter expression into tokens, each with the column it starts at.

Plain string scanning, no regular expressions: importing this costs nothing on start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from core.filterlang.errors import bad_filter

Kind: TypeAlias = Literal["(", ")", "word", "phrase", "field", "end"]
_STOP = frozenset("()\"")


@dataclass(frozen=True, slots=True)
class Token:
    """One token. For a field (`due.before:fri`) `text` is the key and `value` what follows
    the colon, starting at column `value_pos`; a quoted value (`due:"in 3 days"`) is allowed."""

    kind: Kind
    text: str
    pos: int
    value: str = ""
    value_pos: int = 0


def tokenize(expression: str) -> list[Token]:
    """The tokens of `expression`, ending with an `end` token; BadInput for an open quote."""
    tokens: list[Token] = []
    i = 0
    while True:
        i = _skip_space(expression, i)
        if i >= len(expression):
            tokens.append(Token("end", "", i))
            return tokens
        token, i = _next(expression, i)
        tokens.append(token)


def _skip_space(s: str, i: int) -> int:
    while i < len(s) and s[i].isspace():
        i += 1
    return i


def _next(s: str, i: int) -> tuple[Token, int]:
    char = s[i]
    if char in "()":
        return Token(char, char, i), i + 1  # type: ignore[arg-type]
    if char == '"':
        text, end = _quoted(s, i)
        return Token("phrase", text, i), end
    end = i
    while end < len(s) and not s[end].isspace() and s[end] not in _STOP:
        end += 1
    return _word_or_field(s, i, end)


def _quoted(s: str, start: int) -> tuple[str, int]:
    """The text between the quote at `start` and the next one, and the column after it."""
    close = s.find('"', start + 1)
    if close < 0:
        raise bad_filter(s, start, "this quote is never closed")
    return s[start + 1 : close], close + 1


def _word_or_field(s: str, start: int, end: int) -> tuple[Token, int]:
    word = s[start:end]
    key, colon, value = word.partition(":")
    if not colon or not _is_key(key):
        return Token("word", word, start), end
    value_pos = start + len(key) + 1
    if not value and end < len(s) and s[end] == '"':
        value, end = _quoted(s, end)
        value_pos += 1
    return Token("field", key.lower(), start, value, value_pos), end


def _is_key(key: str) -> bool:
    """`due.before` is a field name, `10` (of "10:30") and `c++` are not."""
    return bool(key) and key[0].isalpha() and all(c.isalpha() or c == "." for c in key)
