"""The filter language of `todo list`, the TUI's `/` line and the agent: `+tag`, `-tag`,
`project:home`, `p:h`, `due.before:fri`, `status:all`, `is:blocked`, `has:subtasks`, search
words, `and`, `or`, `not` and parentheses (see parser.py for the grammar).

Pure: no I/O, no store. `parse` makes the tree, `matches`/`predicate` evaluate it in Python;
core.queries.filter_expr compiles the same tree to SQL.
"""

from core.filterlang.evaluate import FilterTask, matches, predicate
from core.filterlang.parser import parse
from core.filterlang.tree import Node

__all__ = ["FilterTask", "Node", "matches", "parse", "predicate"]
