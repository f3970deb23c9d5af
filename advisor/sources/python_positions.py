"""Where chosen libcst nodes start (line, column), from one code generation pass over the module.

libcst's ``PositionProvider`` records a range for every node of a module, which took most of the
time of reading a long file (10,000 lines: 3.6 s of about 6.5 s), though a file's findings point
at a handful of calls and keywords. This pass notes only the nodes asked for, by the index of
the token being written when each one starts, and turns those into offsets, then into the
1-based line and column ``PositionProvider`` gives (its start: the node's first token; lines end
at ``\\r\\n``, ``\\r`` or ``\\n``, as libcst counts them).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import libcst as cst

# libcst's own code generation state (what ``Module.code`` uses): private, but the same hook
# PositionProvider overrides; tests/test_python_positions.py compares the two on every call.
from libcst._nodes.internal import CodegenState

_LINE_BREAK = re.compile(r"\r\n?|\n")


class _NotingState(CodegenState):
    def __init__(self, module: cst.Module, wanted: set[int]) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.wanted = wanted
        self.token_index: dict[int, int] = {}  # id(node) -> tokens written before it
        # id(node) -> tokens written before its syntactic start (inside its parentheses, or at
        # the child libcst names), which PositionProvider prefers
        self.syntactic: dict[int, int | None] = {}

    def before_codegen(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted and id(node) not in self.token_index:
            self.token_index[id(node)] = len(self.tokens)

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        if id(node) not in self.wanted:
            yield
            return
        if start_node is None:
            self.syntactic[id(node)] = len(self.tokens)
            yield
            return
        self.wanted.add(id(start_node))
        yield
        self.syntactic[id(node)] = self.index(start_node)

    def index(self, node: cst.CSTNode) -> int | None:
        found = self.syntactic.get(id(node))
        return found if found is not None else self.token_index.get(id(node))


def starts(
    module: cst.Module, text: str, nodes: Mapping[str, cst.CSTNode]
) -> dict[str, tuple[int, int]]:
    """``{key: (line, column)}`` for each node, both 1-based."""
    if not nodes:
        return {}
    state = _NotingState(module, {id(node) for node in nodes.values()})
    module._codegen(state)
    offsets = [0, *itertools.accumulate(len(token) for token in state.tokens)]
    line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    found: dict[str, tuple[int, int]] = {}
    for key, node in nodes.items():
        index = state.index(node)
        if index is None:  # not part of this module: nothing to point at
            continue
        offset = offsets[index]
        line = bisect.bisect_right(line_starts, offset)
        found[key] = (line, offset - line_starts[line - 1] + 1)
    return found
