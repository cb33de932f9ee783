"""A WHERE clause being built: the one type every filter compiler adds conditions to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Where:
    """A WHERE clause over `task t`, with its parameters in order."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        """AND one more condition."""
        self.clauses.append(clause)
        self.params.extend(params)

    def sql(self) -> str:
        """The clause text, without the WHERE keyword."""
        return " AND ".join(self.clauses) or "1=1"
