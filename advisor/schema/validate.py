"""A small, fast validator for the JSON Schema subset that ``generate.py`` emits.

jsonschema takes about 5x as long per task definition and 70+ ms to import (benchmarks/);
``ecs-advisor lint`` runs on every commit, so it walks the schema itself. The subset is fixed:
``$ref``, ``type``, ``properties``, ``additionalProperties``, ``required``, ``enum``, ``items``,
``minimum``/``maximum``, ``minLength``/``maxLength``, ``minItems``/``maxItems``. The test suite
checks that this validator and jsonschema agree on every document in the corpus.

Messages name the field, the type it has and the type (or range, or AWS's allowed values) it
needs; they never quote the value itself, which may be a secret.

Two deliberate departures, both about files people keep rather than API calls:
- ``null`` means "not set" (console exports write it for every absent field);
- a value the source could not know (``advisor.values.Unknown``: a template placeholder) is
  never judged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from advisor.suggest import suggest
from advisor.values import Unknown

SCHEMA_PATH = Path(__file__).with_name("ecs.schema.json")

UNKNOWN = "unknown"
INVALID = "invalid"
REQUIRED = "required"

_JSON_TYPE_NAMES = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
}
_EXPECTED = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "boolean": "a boolean",
    "integer": "an integer",
    "number": "a number",
}


class SchemaError:
    """One way a document departs from the AWS model."""

    __slots__ = ("kind", "message", "path")

    def __init__(self, kind: str, path: tuple[str | int, ...], message: str) -> None:
        self.kind = kind
        self.path = path
        self.message = message

    def __repr__(self) -> str:
        return f"SchemaError({self.kind!r}, {self.path!r}, {self.message!r})"


def aws_path(path: tuple[str | int, ...] | list[str | int]) -> str:
    """``containerDefinitions[0].portMappings[1].hostPort``, as AWS error messages write it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


def _describe(value: Any) -> str:
    """The JSON type of a value, never the value: messages end up in CI logs, SARIF uploads and
    pull-request comments, and the value may be a password (an environment variable's value, a
    log option, a secret's valueFrom)."""
    return _JSON_TYPE_NAMES.get(type(value), "a value of another type")


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}


class _Node:
    """One schema node, compiled once: references resolved, types as Python classes."""

    __slots__ = (
        "additional",
        "enum",
        "items",
        "max_items",
        "max_length",
        "maximum",
        "min_items",
        "min_length",
        "minimum",
        "properties",
        "required",
        "types",
        "wanted",
    )

    def __init__(self) -> None:
        self.types: frozenset[type] | None = None
        self.wanted = ""  # "an integer", for messages
        self.properties: dict[str, _Node] | None = None
        self.additional: bool | _Node = True
        self.required: tuple[str, ...] = ()
        self.items: _Node | None = None
        self.enum: tuple[str, ...] | None = None
        self.min_length = self.max_length = self.minimum = self.maximum = None
        self.min_items = self.max_items = None


class Validator:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = schema["$defs"]
        self._compiled: dict[str, _Node] = {}
        self._hints: dict[tuple[int, str], str] = {}  # (node, unknown key) -> hint; typos repeat
        self._owners: dict[str, list[str]] | None = None

    @classmethod
    def load(cls) -> Validator:
        return cls(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))

    def definition(self, name: str) -> dict[str, Any]:
        return self.defs[name]

    def validate(self, value: Any, definition: str) -> list[SchemaError]:
        errors: list[SchemaError] = []
        self._check(self._definition_node(definition), value, [], errors)
        return errors

    # --- compiling ------------------------------------------------------------------------

    def _definition_node(self, name: str) -> _Node:
        node = self._compiled.get(name)
        if node is None:
            node = self._compiled[name] = _Node()  # registered first: definitions recurse
            self._fill(node, self.defs[name])
        return node

    def _compile(self, schema: dict[str, Any]) -> _Node:
        ref = schema.get("$ref")
        if ref is not None:
            return self._definition_node(ref.removeprefix("#/$defs/"))
        node = _Node()
        self._fill(node, schema)
        return node

    def _fill(self, node: _Node, schema: dict[str, Any]) -> None:
        expected = schema.get("type")
        if expected is not None:
            options = expected if isinstance(expected, list) else [expected]
            node.types = frozenset(t for option in options for t in _PYTHON_TYPES[option])
            node.wanted = " or ".join(_EXPECTED[option] for option in options)
        if "properties" in schema:
            node.properties = {k: self._compile(v) for k, v in schema["properties"].items()}
        additional = schema.get("additionalProperties", True)
        node.additional = additional if isinstance(additional, bool) else self._compile(additional)
        node.required = tuple(schema.get("required", ()))
        if "items" in schema:
            node.items = self._compile(schema["items"])
        if "enum" in schema:
            node.enum = tuple(schema["enum"])
        node.min_length, node.max_length = schema.get("minLength"), schema.get("maxLength")
        node.minimum, node.maximum = schema.get("minimum"), schema.get("maximum")
        node.min_items, node.max_items = schema.get("minItems"), schema.get("maxItems")

    # --- checking -------------------------------------------------------------------------
    # ``path`` is one list, appended to and popped as the walk goes; it becomes a tuple only
    # when an error is recorded.

    def _check(self, node: _Node, value: Any, path: list, errors: list[SchemaError]) -> None:
        if value is None:
            return
        kind = type(value)
        if node.types is not None and kind not in node.types:
            if kind is not Unknown:  # a value only known later is never judged
                message = f"{aws_path(path)} must be {node.wanted}, not {_describe(value)}"
                errors.append(SchemaError(INVALID, tuple(path), message))
            return
        if kind is dict:
            self._check_object(node, value, path, errors)
        elif kind is list:
            self._check_array(node, value, path, errors)
        elif kind is str:
            if node.enum is not None or node.min_length is not None or node.max_length is not None:
                self._check_string(node, value, path, errors)
        elif (kind is int or kind is float) and (
            node.minimum is not None or node.maximum is not None
        ):
            self._check_number(node, value, path, errors)

    def _check_object(
        self, node: _Node, value: dict, path: list, errors: list[SchemaError]
    ) -> None:
        properties = node.properties
        additional = node.additional
        for key, item in value.items():
            child = properties.get(key) if properties is not None else None
            if child is None:
                if additional is False:
                    message = self._unknown_message(path, key, node)
                    errors.append(SchemaError(UNKNOWN, (*path, key), message))
                    continue
                if additional is True:
                    continue
                child = additional
            if item is not None:
                path.append(key)
                self._check(child, item, path, errors)
                path.pop()
        for key in node.required:
            if value.get(key) is None:
                where = aws_path(path) if path else "the document"
                message = f"{where} is missing required field {key}"
                errors.append(SchemaError(REQUIRED, (*path, key), message))

    def _unknown_message(self, path: list, key: str, node: _Node) -> str:
        where = aws_path(path) if path else "the document"
        hint = self._hints.get((id(node), key))
        if hint is None:
            hint = self._hints[(id(node), key)] = self._unknown_hint(key, node)
        return f"unknown field {key!r} in {where}{hint}"

    def _unknown_hint(self, key: str, node: _Node) -> str:
        properties = node.properties or {}
        same_but_case = {p.lower(): p for p in properties}.get(key.lower())
        if same_but_case:
            return f"; did you mean {same_but_case!r}?"
        owners = self.owners_of(key)  # a real field, put at the wrong level
        if owners:
            return f"; {key!r} is a field of {', '.join(owners[:3])}"
        guess = suggest(key, properties)
        return f"; did you mean {guess!r}?" if guess else ""

    def owners_of(self, key: str) -> list[str]:
        """The structures that do define a field, for a field put at the wrong level."""
        if self._owners is None:
            self._owners = {}
            for name, definition in self.defs.items():
                if name.endswith(("Request", "Response", "Document")):
                    continue
                for member in definition.get("properties", ()):
                    self._owners.setdefault(member, []).append(name)
        return self._owners.get(key, [])

    def _check_array(self, node: _Node, value: list, path: list, errors: list[SchemaError]) -> None:
        items = node.items
        if items is not None:
            for index, item in enumerate(value):
                if item is not None:
                    path.append(index)
                    self._check(items, item, path, errors)
                    path.pop()
        low, high = node.min_items, node.max_items
        if low is not None and len(value) < low:
            message = f"{aws_path(path)} needs at least {low} item{'' if low == 1 else 's'}"
            errors.append(SchemaError(INVALID, tuple(path), message))
        if high is not None and len(value) > high:
            message = f"{aws_path(path)} allows at most {high} items"
            errors.append(SchemaError(INVALID, tuple(path), message))

    def _check_string(self, node: _Node, value: str, path: list, errors: list[SchemaError]) -> None:
        allowed = node.enum
        if allowed is not None and value not in allowed:
            guess = suggest(value, allowed)  # one of AWS's values, not the user's
            hint = f"did you mean {guess!r}? " if guess else ""
            message = (
                f"{aws_path(path)} is not one of the valid values; {hint}"
                f"valid values: {', '.join(allowed)}"
            )
            errors.append(SchemaError(INVALID, tuple(path), message))
        low, high = node.min_length, node.max_length
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            bounds = f"at least {low}" if high is None else f"{low or 0} to {high}"
            message = f"{aws_path(path)} must be {bounds} characters long"
            errors.append(SchemaError(INVALID, tuple(path), message))

    def _check_number(
        self, node: _Node, value: float, path: list, errors: list[SchemaError]
    ) -> None:
        low, high = node.minimum, node.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"between {low} and {high}"
            message = f"{aws_path(path)} must be {bounds}"
            errors.append(SchemaError(INVALID, tuple(path), message))


_shared: Validator | None = None


def shared_validator() -> Validator:
    """One validator per process: the schema file is read once, on first use."""
    global _shared
    if _shared is None:
        _shared = Validator.load()
    return _shared
