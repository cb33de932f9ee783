"""Full-text search over task titles and notes: SQLite's FTS5 table `task_fts`, kept here,
and PostgreSQL's expression index (migrations), matched here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from core.errors import BadInput
from core.store import Db

if TYPE_CHECKING:
    from core.queries.where import Where

_WORD = re.compile(r"\w+", re.UNICODE)
_TEXT = "lower(t.title || ' ' || coalesce(t.notes, ''))"
_CONTAINS = {
    "sqlite": f"instr({_TEXT}, lower(?))",
    "postgresql": f"strpos({_TEXT}, lower(?))",
}


def index(db: Db, pk: int, title: str, notes: str | None) -> None:
    """Add a task's text to SQLite's full-text index (PostgreSQL indexes an expression).

    Written here rather than by a trigger: a trigger that writes FTS5 costs each insert a
    statement transaction, at which FTS5 flushes its pending terms (migration 0005).
    """
    if db.dialect == "sqlite":
        db.run("INSERT INTO task_fts(rowid, title, notes) VALUES (?, ?, ?)", (pk, title, notes))


def unindex(db: Db, pk: int) -> None:
    """Remove a task's current text from the index, before the row changes."""
    if db.dialect == "sqlite":
        db.run(
            "INSERT INTO task_fts(task_fts, rowid, title, notes) "
            "SELECT 'delete', pk, title, notes FROM task WHERE pk = ?",
            (pk,),
        )


def add_match(where: Where, text: str, db: Db) -> None:
    """Each word matches the start of a word in the title or notes ("pay ren" finds "Pay
    rent"); a term with signs in it ("c++", "c#", "node.js") must appear as typed, ignoring
    case, since the full-text index keeps only letters and digits ("c++" is the word "c")."""
    terms = text.split()
    if not _WORD.search(text):
        raise BadInput(f"search text '{text}' has no words to look for")
    signed = [term for term in terms if _WORD.fullmatch(term) is None]
    for term in signed:
        where.add(f"{_CONTAINS[db.dialect]} > 0", term)
    # The words go in as quoted FTS5 strings and plain tsquery lexemes: \w+ holds no quote,
    # colon, star or operator, so nothing typed is read as query syntax. FTS5 splits a signed
    # term into its words as our regex does, so they narrow the search through the index;
    # PostgreSQL's parser keeps "node.js" whole, so there only the plain words go in.
    if db.dialect == "sqlite":
        query = " AND ".join(f'"{w}"*' for w in _WORD.findall(text))
        where.add("t.pk IN (SELECT rowid FROM task_fts WHERE task_fts MATCH ?)", query)
        return
    words = [term for term in terms if term not in signed]
    if words:
        where.add(
            "to_tsvector('simple', t.title || ' ' || coalesce(t.notes, '')) "
            "@@ to_tsquery('simple', ?)",
            " & ".join(f"{w}:*" for w in words),
        )
