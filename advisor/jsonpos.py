"""Positions of JSON values, by JSON pointer, from one tokenizing pass over the text.

``json.loads`` (C) gives the values; this scan runs only for a file that has findings, once, and
maps pointers to the 1-based line and column of their key (object members) or their value
(array elements and the root). It stops as soon as every pointer asked for is found, and it is
iterative, so deep nesting cannot overflow the stack.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable

# One match per token, with the whitespace, commas and colons before it: a key is a string
# followed by a colon, and array indexes are counted as values start, so separators need no
# token of their own. That keeps the Python-level loop short; the string pattern is unrolled.
_TOKEN = re.compile(r'[\s,:]*("[^"\\]*(?:\\.[^"\\]*)*"(\s*:)?|[{}\[\]]|[^\s{}\[\]:,"]+)')


def escape_pointer_token(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointer_of(parts: Iterable[str | int]) -> str:
    return "".join("/" + escape_pointer_token(part) for part in parts)


def parent_pointer(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


class PositionIndex:
    """Maps JSON pointers to (line, column) in one document's text."""

    def __init__(self, text: str, wanted: Iterable[str] | None = None) -> None:
        self._text = text
        self._line_starts: list[int] | None = None  # built once a file has many findings
        self._lookups = 0
        self.duplicates: list[str] = []  # keys repeated within one object (the later ones)
        self._offsets = self._scan(text, set(wanted) if wanted is not None else None)

    def _scan(self, text: str, wanted: set[str] | None) -> dict[str, int]:
        offsets: dict[str, int] = {}
        remaining = len(wanted) if wanted is not None else -1
        # One frame per open container: [pointer, is_array, next index or current key pointer]
        stack: list[list] = []
        # The scan ends at the last token: separators with no token after them would make each
        # of their positions try the pattern to the end (trailing whitespace went quadratic).
        for match in _TOKEN.finditer(text, 0, len(text.rstrip())):
            start = match.start(1)
            first = text[start]
            if first == "}" or first == "]":
                stack.pop()
                continue
            if match.group(2) is not None:  # an object key
                token = match.group(1)
                raw = token[: token.rindex('"') + 1]
                key = json.loads(raw) if "\\" in raw else raw[1:-1]
                frame = stack[-1]
                if "/" in key or "~" in key:
                    key = escape_pointer_token(key)
                pointer = frame[2] = frame[0] + "/" + key
                if pointer in offsets:  # a repeated key: JSON keeps the last value, point there
                    self.duplicates.append(pointer)
                    prefix = pointer + "/"
                    for stale in [p for p in offsets if p.startswith(prefix)]:
                        del offsets[stale]
                    offsets[pointer] = start
                    continue
            elif not stack:
                pointer = ""
            elif stack[-1][1]:  # an array element
                frame = stack[-1]
                pointer = f"{frame[0]}/{frame[2]}"
                frame[2] += 1
            else:  # a member's value: located at its key, already recorded
                if first == "{" or first == "[":
                    stack.append([stack[-1][2], first == "[", 0])
                continue
            if pointer not in offsets:
                offsets[pointer] = start
                if wanted is not None and pointer in wanted:
                    remaining -= 1
                    if remaining == 0:
                        break
            if first == "{" or first == "[":
                stack.append([pointer, first == "[", 0])
        return offsets

    def has(self, pointer: str) -> bool:
        return pointer in self._offsets

    def offset(self, pointer: str) -> int | None:
        """The character offset of a pointer's key (or value), for edits."""
        return self._offsets.get(pointer)

    def position(self, pointer: str) -> tuple[int, int]:
        """Line and column of the pointer, or of its nearest ancestor that exists."""
        while pointer not in self._offsets and pointer:
            pointer = parent_pointer(pointer)
        offset = self._offsets.get(pointer, 0)
        self._lookups += 1
        if self._lookups <= 16:  # a few findings: counting newlines is cheapest
            text = self._text
            return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1


# The json module's messages, some cut short ("Unterminated string starting at") because
# str(exc) appends the position: whole phrases, for one-line errors that give it themselves.
_DECODE_MESSAGES = {
    "Unterminated string starting at": "a string is not closed",
    "Invalid control character at": "a control character, such as a tab or line break, inside a string",
    "Invalid \\escape": "an invalid backslash escape in a string",
    "Invalid \\uXXXX escape": "an invalid \\uXXXX escape in a string",
    "Extra data": "more data after the end of the JSON document",
}


def decode_error_message(exc: json.JSONDecodeError) -> str:
    """What went wrong, without the position (the caller reports line and column)."""
    return _DECODE_MESSAGES.get(exc.msg, exc.msg.removesuffix(" at"))


def decode_error_text(exc: ValueError) -> tuple[str, int | None, int | None]:
    """A ValueError from json as (message, line, column): no ``line 1 column 1 (char 0)``."""
    if isinstance(exc, json.JSONDecodeError):
        return decode_error_message(exc), exc.lineno, exc.colno
    return str(exc), None, None
