"""The filter language of `todo list`, the TUI's `/` line and the agent: `+tag`, `-tag`,
`project:home`, `p:h`, `due.before:fri`, `status:all`, `is:blocked`, `has:subtasks`, search
words, `and`, `or`, `not` and parentheses (see parser.py for the grammar).

Pure: no I/O, no store. `parse` makes the tree (tree.py); core.filterlang.evaluate's `matches`
and `predicate` evaluate it in Python; core.queries.filter_expr compiles it to SQL. Only the
parser is imported here: the CLI, which compiles to SQL, never loads the evaluator.
"""

from core.filterlang.parser import parse
from core.filterlang.tree import Node

__all__ = ["Node", "parse"]
