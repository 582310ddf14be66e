"""The shape of the package: no import cycles among its modules, imports inside functions included.

grimp (import-linter's graph builder) reads every import statement of every module, at module level or
inside a function, so an import moved into a function to dodge a cycle is still an edge here.
"""

from __future__ import annotations

import grimp

PACKAGE = "filmsofone"


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of two or more modules that import each other, directly or not (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def import_edges() -> tuple[grimp.ImportGraph, dict[str, set[str]]]:
    graph = grimp.build_graph(PACKAGE, cache_dir=None)
    return graph, {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def describe(graph: grimp.ImportGraph, group: list[str]) -> str:
    lines = []
    for importer in group:
        for imported in group:
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"  {importer}:{detail['line_number']}: {detail['line_contents']}")
    return "\n".join(lines)


def test_finds_a_cycle_through_a_function_level_import():
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []


def test_grimp_sees_imports_inside_functions():
    graph, edges = import_edges()
    assert "filmsofone.cli.plan" in graph.modules
    # `plan` imports the planning library only inside its command functions (the CLI starts fast)
    assert "filmsofone.plan" in edges["filmsofone.cli.plan"]


def test_no_import_cycles_among_the_package_modules():
    graph, edges = import_edges()
    groups = strongly_connected(edges)
    assert not groups, "import cycles:\n" + "\n\n".join(describe(graph, g) for g in groups)
