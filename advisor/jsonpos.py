"""Positions of JSON values, by JSON pointer, from one tokenizing pass over the text.

``json.loads`` (C) gives the values; this scan runs only for a file that has findings, once, and
maps every pointer to the 1-based line and column of its key (object members) or its value
(array elements and the root). It is iterative, so deep nesting cannot overflow the stack.
"""

from __future__ import annotations

import bisect
import json
import re

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_of(parts: tuple[str | int, ...] | list[str | int]) -> str:
    return "".join("/" + escape_pointer_token(part) for part in parts)


def parent_pointer(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


class PositionIndex:
    """Maps JSON pointers to (line, column) in one document's text."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self._offsets = self._scan(text)

    def _scan(self, text: str) -> dict[str, int]:
        offsets: dict[str, int] = {}
        # Each frame: [pointer, is_object, next_index_or_key, expecting_key]
        stack: list[list] = []
        for match in _TOKEN.finditer(text):
            token = match.group()
            start = match.start()
            first = token[0]
            if first in ",:":
                if stack:
                    frame = stack[-1]
                    if first == ",":
                        if frame[1]:
                            frame[3] = True
                        else:
                            frame[2] += 1
                continue
            if first in "}]":
                if stack:
                    stack.pop()
                continue
            if stack:
                frame = stack[-1]
                if frame[1] and frame[3]:
                    key = json.loads(token) if "\\" in token else token[1:-1]
                    pointer = frame[0] + "/" + escape_pointer_token(key)
                    offsets.setdefault(pointer, start)
                    frame[2] = pointer
                    frame[3] = False
                    continue
                if frame[1]:
                    pointer = frame[2]
                else:
                    pointer = f"{frame[0]}/{frame[2]}"
                    offsets.setdefault(pointer, start)
            else:
                pointer = ""
                offsets.setdefault(pointer, start)
            if first == "{":
                stack.append([pointer, True, "", True])
            elif first == "[":
                stack.append([pointer, False, 0, False])
        return offsets

    def position(self, pointer: str) -> tuple[int, int]:
        """Line and column of the pointer, or of its nearest ancestor that exists."""
        while pointer not in self._offsets and pointer:
            pointer = parent_pointer(pointer)
        offset = self._offsets.get(pointer, 0)
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1
