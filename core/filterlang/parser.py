"""Reading a filter expression into the tree (core.filterlang.tree).

    expression := [or_expr]
    or_expr    := and_expr { "or" and_expr }
    and_expr   := not_expr { ["and"] not_expr }      side by side means "and"
    not_expr   := "not" not_expr | primary
    primary    := "(" or_expr ")" | term
    term       := "+"TAG | "-"TAG | FIELD ":" VALUE | WORD | '"' PHRASE '"'

`and`, `or` and `not` are keywords in any case; quote them to search for them.
"""

from __future__ import annotations

from dataclasses import replace

from core.errors import BadInput
from core.filterlang.atoms import field_atom, known_field, word_atom
from core.filterlang.errors import bad_filter
from core.filterlang.lexer import Token, tokenize
from core.filterlang.tree import And, DayRange, Everything, Node, Not, Or, Text

_KEYWORDS = frozenset({"and", "or", "not"})


def parse(expression: str) -> Node:
    """The tree of a filter expression; the empty expression is `Everything`. Raises BadInput
    (exit 2) whose message shows the expression with a caret where it went wrong."""
    return _Parser(expression).parse()


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self.tokens = tokenize(expression)
        self.i = 0

    def parse(self) -> Node:
        if self._peek().kind == "end":
            return Everything()
        node = self._or()
        token = self._peek()
        if token.kind != "end":
            raise self._error(token, "unexpected ')': no '(' before it")
        return node

    def _or(self) -> Node:
        items = [self._and()]
        while self._keyword() == "or":
            self._take()
            items.append(self._and())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def _and(self) -> Node:
        items = [self._not()]
        while self._peek().kind not in ("end", ")") and self._keyword() != "or":
            if self._keyword() == "and":
                self._take()
            items.append(self._not())
        return items[0] if len(items) == 1 else And(tuple(items))

    def _not(self) -> Node:
        if self._keyword() == "not":
            self._take()
            return Not(self._not())
        return self._primary()

    def _primary(self) -> Node:
        token = self._peek()
        if token.kind == "(":
            return self._group()
        if token.kind in ("end", ")") or self._keyword() in _KEYWORDS:
            raise self._error(token, f"expected a filter {self._where(token)}")
        self._take()
        return self._term(token)

    def _group(self) -> Node:
        opening = self._take()
        if self._peek().kind == ")":
            raise self._error(self._peek(), "expected a filter inside '()'")
        node = self._or()
        if self._peek().kind != ")":
            raise self._error(self._peek(), f"expected ')' to close the '(' at column "
                                            f"{opening.pos + 1}")
        self._take()
        return node

    def _term(self, token: Token) -> Node:
        try:
            if token.kind == "field":
                node = field_atom(token.text, token.value)
                return replace(node, pos=token.value_pos) if isinstance(node, DayRange) else node
            if token.kind == "phrase":
                return _checked_text(token.text)
            return word_atom(token.text)
        except BadInput as exc:
            on_value = token.kind == "field" and known_field(token.text)
            pos = token.value_pos if on_value else token.pos
            raise bad_filter(self.expression, pos, exc.message) from None

    def _where(self, token: Token) -> str:
        before = self.tokens[self.i - 1] if self.i else None
        if before is None:
            return "here"
        if before.kind == "(":
            return "after '('"
        shown = before.text if before.kind != "end" else ""
        return f"after '{shown}'" + (", at the end" if token.kind == "end" else "")

    def _peek(self) -> Token:
        return self.tokens[self.i]

    def _take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def _keyword(self) -> str | None:
        token = self._peek()
        word = token.text.lower()
        return word if token.kind == "word" and word in _KEYWORDS else None

    def _error(self, token: Token, problem: str) -> BadInput:
        return bad_filter(self.expression, token.pos, problem)


def _checked_text(text: str) -> Text:
    if not any(c.isalnum() or c == "_" for c in text):
        raise BadInput(f"'{text}' has no words to search for")
    return Text(text)
