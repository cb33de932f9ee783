"""The import graph has no cycles, and the TUI never reaches the CLI application.

grimp (which import-linter uses) reads every import statement, those inside functions too,
so a lazy `from todo_cli.app import app` in a TUI module counts here as it does at run time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import grimp
import pytest

PACKAGES = ("todo_cli", "core", "agent", "services", "config")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES)


def cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The strongly connected groups of two or more modules of `package` (Tarjan, iterative:
    every such group is at least one import cycle)."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    inside = set(modules)

    def edges(module: str) -> list[str]:
        return sorted(inside & graph.find_modules_directly_imported_by(module))

    return [group for group in _components(modules, edges) if len(group) > 1]


def _components(nodes: Iterable[str], follow: Callable[[str], list[str]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(follow(root)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        group.append(top)
                        if top == node:
                            break
                    found.append(sorted(group))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(follow(child))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


# Cycles core had when this test came (lazy imports inside functions, within one feature);
# none may be added, and one that goes should go from here too.
KNOWN_CORE_CYCLES = [
    ["core.event_schemas", "core.events"],
    ["core.formats.ical", "core.formats.ical_export", "core.formats.ical_import"],
]


@pytest.mark.parametrize("package", ["todo_cli", "agent", "services", "config"])
def test_no_import_cycles(graph: grimp.ImportGraph, package: str) -> None:
    assert cycles(graph, package) == []


def test_core_gains_no_import_cycle(graph: grimp.ImportGraph) -> None:
    found = cycles(graph, "core")
    assert [c for c in found if c not in KNOWN_CORE_CYCLES] == []


def test_the_cycle_finder_sees_a_cycle() -> None:
    # The finder itself, on a graph with one cycle (a -> b -> c -> a) and a tail (c -> d).
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(name)
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph, "p") == [["p.a", "p.b", "p.c"]]


def test_the_tui_never_imports_the_cli_application(graph: grimp.ImportGraph) -> None:
    chain = graph.find_shortest_chain(importer="todo_cli.tui", imported="todo_cli.app",
                                      as_packages=True)
    assert chain is None, " -> ".join(chain or ())
