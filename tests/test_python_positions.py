"""The positions ``python_positions`` notes are the ones libcst's PositionProvider gives."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from conftest import DATA
from libcst.metadata import MetadataWrapper, PositionProvider

from advisor.sources.python_positions import starts

SOURCES = sorted(p for p in DATA.rglob("*.py")) + sorted(
    (Path(__file__).parents[1] / "examples").rglob("*.py")
)
TRICKY = (
    "import boto3\r\nx = boto3.client('ecs')\r\nif x:\r\n    x.run_task(\r\n\tcluster='a',  # c\r\n"
    "        overrides={'a': [1,\n 2]})\rdef f():\n    return (x.run_task)(count=(1))\n"
)


def _compare(text: str) -> int:
    module = cst.parse_module(text)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    nodes: dict[str, cst.CSTNode] = {}

    class Calls(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call) -> None:
            nodes[f"c{len(nodes)}"] = node
            for arg in node.args:
                nodes[f"a{len(nodes)}"] = arg
                nodes[f"v{len(nodes)}"] = arg.value

    module.visit(Calls())
    found = starts(module, text, nodes)
    for key, node in nodes.items():
        start = positions[node].start
        assert found[key] == (start.line, start.column + 1), (key, module.code_for_node(node))
    return len(nodes)


def test_tricky_layout():
    assert _compare(TRICKY) == 11  # 3 calls, 4 arguments and their values


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_positions_match_libcst(path):
    _compare(path.read_text(encoding="utf-8"))
