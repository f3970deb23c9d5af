"""The import graph of ``advisor`` (with ``advisor.rules``, kept in ``rules/``): no cycles, and each
layer imports only below it.

    values, jsonpos < model < rules < sources, engine, enrich < report < cli

The graph is read from the source with ``ast`` (``advisor.rules`` is the top-level ``rules/``
folder, reached through the ``advisor/rules`` symlink, so it is read from ``rules/`` once): imports
inside functions count (they run when the function does). Imports under ``if TYPE_CHECKING:`` are left out: they never run, so they can
neither close a cycle nor load a module; they let a rule name the resource type it takes
(``CodeScope``, ``ServiceHistory``) without importing the layer that defines it.

The source registry loads each source by its module's name, which no static graph sees: that is
the lazy loading lint's start-up rests on. What lint really loads is checked by running it
(``tests/test_cli.py::test_lint_never_imports_the_aws_sdk``, with ``-X importtime``).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import deque
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Where each package's source is: advisor.rules is the top-level rules/ folder.
PACKAGES = {"advisor": ROOT / "advisor", "advisor.rules": ROOT / "rules"}

# What the lowest modules never import, directly or through another module.
BASE = ("advisor.values", "advisor.model", "advisor.jsonpos")
ABOVE_BASE = (
    "advisor.rules",
    "advisor.engine",
    "advisor.cli",
    "advisor.report",
    "advisor.sources",
    "advisor.audit",
    "advisor.cost",
)
# Rules are pure: they judge a resource with the options given, and reach no input, setting,
# price or output.
ABOVE_RULES = (
    "advisor.cli",
    "advisor.engine",
    "advisor.config",
    "advisor.enrich",
    "advisor.cost",
    "advisor.report",
    "advisor.audit",
    "advisor.sources",
)
# Sources turn inputs into resources; they never reach the pipeline that runs them, or above.
ABOVE_SOURCES = (
    "advisor.engine",
    "advisor.enrich",
    "advisor.report",
    "advisor.cli",
    "advisor.audit",
)


def _modules() -> dict[str, Path]:
    """Every module of ours, by its installed name, and its source file."""
    found = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            parts = list(path.relative_to(folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            name = ".".join([package, *parts])
            if name.startswith("advisor.rules") and package == "advisor":
                continue
            found[name] = path
    return found


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node that runs: ``if TYPE_CHECKING:`` blocks are left out."""
    nodes, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            stack.extend(node.orelse)
            continue
        nodes.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return nodes


@cache
def imports() -> dict[str, set[str]]:
    """module -> the modules of ours it imports (TYPE_CHECKING imports left out)."""
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        wanted: set[str] = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                wanted.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                wanted.add(base)
                wanted.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {m for m in wanted if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One import cycle (``[a, b, a]``) for each group of modules that import each other:
    Tarjan's strongly connected components, then the shortest way round each."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph.get(module, ()):
                groups.append(group)

    for module in sorted(graph):
        if module not in index:
            visit(module)
    found = []
    for group in groups:
        start = min(group)
        path = _shortest_path(graph, start, {start}, within=group)
        assert path is not None
        found.append(path)
    return found


def _shortest_path(
    graph: dict[str, set[str]], start: str, targets: set[str], within: set[str] | None = None
) -> list[str] | None:
    """The shortest import chain (one import at least) from ``start`` to any of ``targets``."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        module = queue.popleft()
        for imported in sorted(graph.get(module, ())):
            if within is not None and imported not in within:
                continue
            if imported in targets:
                path = [imported, module]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            if imported not in parent and imported != start:
                parent[imported] = module
                queue.append(imported)
    return None


def _in(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _violations(importers: tuple[str, ...], forbidden: tuple[str, ...]) -> list[str]:
    """Each module of ``importers`` that reaches a module of ``forbidden``, with the chain."""
    graph = imports()
    targets = {m for m in graph if _in(m, forbidden)}
    found = []
    for module in sorted(m for m in graph if _in(m, importers)):
        path = _shortest_path(graph, module, targets)
        if path is not None:
            found.append(" -> ".join(path))
    return found


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert sorted(cycles(graph)) == [["a", "b", "c", "a"], ["e", "e"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_holds_both_packages_and_function_level_imports():
    graph = imports()
    assert "advisor.rules.base" in graph and "advisor.model" in graph["advisor.rules.base"]
    assert "advisor.rules" in graph["advisor.engine"]
    # lint_paths imports the pricing step inside the function, only when --cost asks
    assert "advisor.enrich" in graph["advisor.engine"]


def test_no_import_cycles():
    found = cycles(imports())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_values_model_and_jsonpos_import_nothing_above_them():
    found = _violations(BASE, ABOVE_BASE)
    assert not found, "the base layer imports upwards:\n" + "\n".join(found)


def test_rules_are_pure():
    found = _violations(("advisor.rules",), ABOVE_RULES)
    assert not found, "rules import beyond the model:\n" + "\n".join(found)


def test_sources_never_reach_the_pipeline_that_runs_them():
    found = _violations(("advisor.sources",), ABOVE_SOURCES)
    assert not found, "sources import upwards:\n" + "\n".join(found)


def test_rules_import_alone_in_a_fresh_interpreter(tmp_path):
    """``import advisor.rules`` first, in a new process: no import-order luck, and nothing above
    the rules is loaded as a side effect."""
    program = (
        "import sys, advisor.rules as rules\n"
        "print(len(rules.ALL_RULES))\n"
        "print(*sorted(m for m in sys.modules if m.split('.')[0] == 'advisor'))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    count, loaded = run.stdout.splitlines()
    assert int(count) > 0
    above = [m for m in loaded.split() if _in(m, ABOVE_RULES)]
    assert not above, f"import rules loaded {above}"
