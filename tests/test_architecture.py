"""The shape of the package: no import cycles among its modules (imports inside functions included), the
layers of pyproject's import-linter contract, and the ruff rules: what `.ci/run` checks, seen locally.

grimp (import-linter's graph builder) reads every import statement of every module, at module level or
inside a function, so an import moved into a function to dodge a cycle is still an edge here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

PACKAGE = "filmsofone"
REPO = Path(__file__).resolve().parents[1]


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


def _tool(name: str) -> str:
    """The console script installed beside this Python (the test extra installs both tools)."""
    found = Path(sys.executable).with_name(name)
    return str(found) if found.exists() else shutil.which(name) or name


def test_import_linter_contracts_are_kept():
    """The layers, backends-only-on-the-core and acyclic-siblings contracts of pyproject's [tool.importlinter]."""
    done = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout and "Contracts: 3 kept, 0 broken." in done.stdout


def test_ruff_rules_pass():
    """pyproject's [tool.ruff] rule set over the whole repository (fix most with `ruff check --fix .`)."""
    done = subprocess.run([_tool("ruff"), "check", "--no-cache", "--output-format", "concise", "."], cwd=REPO,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_layers_contract_catches_an_upward_import_inside_a_function(tmp_path):
    """A copy of the package with `store` importing `plan` inside a function breaks the layers contract."""
    copy = tmp_path / "src"
    shutil.copytree(REPO / "src" / PACKAGE, copy / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / PACKAGE / "store" / "db.py").open("a", encoding="utf-8") as module:
        module.write("\n\ndef _sneaky():\n    from ..plan import plan_book\n\n    return plan_book\n")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    done = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(copy)})
    assert done.returncode != 0 and "filmsofone.store.db -> filmsofone.plan" in done.stdout, done.stdout[-3000:]
