"""Read JSON files; ``advisor.sources.json_shapes`` recognizes the ECS resources inside them.

Anything else is not ours. A file nobody named (found in a folder, or passed by pre-commit) that
cannot be read or parsed is ours only if it looks like ECS configuration, so a pre-commit run over
every JSON file in a repository never fails on a ``tsconfig.json`` with comments. A file that
ends before its document does is the exception for files named on the command line or by
pre-commit: see ``parse``.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from advisor.jsonpos import PositionIndex, decode_error_message
from advisor.model import Document, InputError, Resource
from advisor.sources.json_shapes import resources_in
from advisor.sources.registry import InputFailure, NotRecognized, read_files
from advisor.values import mark_unknowns, might_hold_placeholders, without_lone_surrogates

# Marks a file as ECS configuration even when it does not parse.
_ECS_MARKERS = re.compile(r'"(containerDefinitions|taskDefinitionArn|serviceArn)"\s*:')
_SERVICE_NAME = re.compile(r'"serviceName"\s*:')
_TASK_DEFINITION = re.compile(r'"taskDefinition"\s*:')
_NON_JSON_CONSTANT = re.compile(r"(?<![\w\"])(-?Infinity|NaN)(?![\w\"])")
_TEMPLATE_START = ("${", "{{", "<%", "$$")
_LITERALS = ("true", "false", "null")
# A \uD800-\uDFFF escape: maybe a lone surrogate, which no output encoding accepts.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONG_NUMBER = re.compile(r"\d{4301,}")


def looks_like_ecs(text: str) -> bool:
    if _ECS_MARKERS.search(text):
        return True
    return bool(_SERVICE_NAME.search(text) and _TASK_DEFINITION.search(text))


def decode(raw: bytes, display: str, named: bool) -> str:
    """A file's text. Unreadable content is an error when a person named the file."""
    if not raw.strip():
        problem = "empty file: expected a JSON document"
    elif b"\x00" in raw[:8192]:
        problem = "binary file: expected a JSON document"
    else:
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if named or looks_like_ecs(raw.decode("latin-1")):
                line = raw[: exc.start].count(b"\n") + 1
                message = f"not UTF-8 text (byte 0x{raw[exc.start]:02x})"
                raise InputFailure(InputError(display, message, line)) from None
            raise NotRecognized from None
    if named:
        raise InputFailure(InputError(display, problem))
    raise NotRecognized


class _DuplicateKeys:
    """An object_pairs_hook that notices duplicate keys (JSON keeps the last one silently)."""

    def __init__(self) -> None:
        self.found = False

    def __call__(self, pairs: list[tuple[str, object]]) -> dict:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.found = True
        return result


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _NotJson(name)


def parse(
    text: str, display: str, named: bool = False, listed: bool | None = None
) -> tuple[object, bool]:
    """The parsed value and whether any object repeats a key.

    Text that is not JSON is an error when it looks like ECS configuration, or when it was
    listed (named on the command line, or by pre-commit: ``listed``, which defaults to
    ``named``) and ends before the document does: a truncated file, perhaps cut before the key
    that would say what it is, is never a complete document of any kind, so even pre-commit's
    list of every JSON file in a change may fail on it. Other non-JSON (a tsconfig or a VS Code
    settings file with comments) is a format of its own that is not ours: passed over.
    """
    duplicates = _DuplicateKeys()
    try:
        data = json.loads(text, object_pairs_hook=duplicates, parse_constant=_reject_constant)
        if _SURROGATE_ESCAPE.search(text):
            data = without_lone_surrogates(data)
        return data, duplicates.found
    except json.JSONDecodeError as exc:
        message = decode_error_message(exc)
        error = InputError(display, f"invalid JSON: {message}", exc.lineno, exc.colno)
        if exc.msg == "Expecting value" and text.startswith(_TEMPLATE_START, exc.pos):
            error.message += " (an unquoted template placeholder? lint the rendered file)"
        if (named if listed is None else listed) and _cut_short(text, exc):
            error.message += " (the file ends before the document does: truncated?)"
            raise InputFailure(error) from None
    except _NotJson as exc:
        match = _NON_JSON_CONSTANT.search(text)
        offset = match.start() if match else 0
        line = text.count("\n", 0, offset) + 1
        column = offset - text.rfind("\n", 0, offset)
        error = InputError(display, f"invalid JSON: {exc} is not a JSON value", line, column)
    except RecursionError:
        raise InputFailure(
            InputError(display, "JSON nested too deeply to be ECS configuration")
        ) from None
    except ValueError:  # Python refuses to read an integer of more than 4,300 digits
        match = _LONG_NUMBER.search(text)
        offset = match.start() if match else 0
        line = text.count("\n", 0, offset) + 1
        column = offset - text.rfind("\n", 0, offset)
        message = "invalid JSON: a number of more than 4,300 digits"
        error = InputError(display, message, line, column)
    if looks_like_ecs(text):
        raise InputFailure(error)
    detail = error.message.removeprefix("invalid JSON: ")
    where = f"line {error.line}, column {error.column}"
    raise NotRecognized(f"not ECS configuration (not JSON either: {detail} at {where})")


def _cut_short(text: str, exc: json.JSONDecodeError) -> bool:
    """Whether parsing failed because the text ends (mid-string, mid-literal, or after a
    comma or colon) rather than on something that is there."""
    if exc.msg.startswith("Unterminated string"):
        return True
    rest = text[exc.pos :].rstrip()
    if not rest:
        return True
    return exc.msg == "Expecting value" and any(w.startswith(rest) for w in (*_LITERALS, "-"))


def _stem(display: str) -> str:
    """A file's name without folders and suffix: the name of a request that gives none."""
    name = display.replace("\\", "/").rsplit("/", 1)[-1]
    return "" if name == "-" else name.removesuffix(".json")


def load_text(
    text: str, display: str, named: bool = False, listed: bool | None = None
) -> tuple[Document, list[Resource]]:
    data, has_duplicates = parse(text, display, named, listed)
    if might_hold_placeholders(text):  # values only known later become Unknown, once, here
        data = mark_unknowns(data)
    document = Document(display, text, data)
    found = resources_in(document, _stem(display))
    if not found:
        raise NotRecognized
    if has_duplicates:  # only such files pay for a full position scan up front
        document.positions = PositionIndex(text)
    return document, found


def load(
    path: str, display: str, named: bool, listed: bool | None = None
) -> tuple[Document, list[Resource]]:
    """Read and recognize one file (``-``: standard input); ``named``: a person named it;
    ``listed``: a person or pre-commit named it (default: ``named``).

    Raises InputFailure for files to report as errors, NotRecognized for files to pass over.
    """
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as handle:
            raw = handle.read()
    return load_text(decode(raw, display, named), display, named, listed)


def read(candidates: list[Any], context: Any) -> Iterator[Resource]:
    """The source's door (``advisor.sources.registry``): the resources of each file."""
    listed = frozenset(c.path for c in candidates if c.explicit)  # by a person or pre-commit

    def load_listed(path: str, display: str, named: bool) -> tuple[Document, list[Resource]]:
        return load(path, display, named, path in listed)

    return read_files(candidates, context, load_listed)
