"""A small, fast validator for the JSON Schema subset that ``generate.py`` emits.

jsonschema takes about a millisecond per task definition and tens of milliseconds to import;
``ecs-advisor lint`` runs on every commit, so it walks the schema itself. The subset is fixed:
``$ref``, ``type``, ``properties``, ``additionalProperties``, ``required``, ``enum``, ``items``,
``minimum``/``maximum``, ``minLength``/``maxLength``, ``minItems``/``maxItems``. The test suite
checks that this validator and jsonschema agree on every document in the corpus.

Two deliberate departures, both about files people keep rather than API calls:
- ``null`` means "not set" (console exports write it for every absent field);
- a string holding a template placeholder is never judged (see ``advisor.placeholders``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from advisor.placeholders import has_placeholder

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


def aws_path(path: tuple[str | int, ...]) -> str:
    """``containerDefinitions[0].portMappings[1].hostPort``, as AWS error messages write it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


def _matches_type(value: Any, expected: str) -> bool:
    kind = type(value)
    if expected == "string":
        return kind is str
    if expected == "object":
        return kind is dict
    if expected == "array":
        return kind is list
    if expected == "integer":
        return kind is int
    if expected == "boolean":
        return kind is bool
    if expected == "number":
        return kind is int or kind is float
    return False


def _describe(value: Any) -> str:
    name = _JSON_TYPE_NAMES.get(type(value), type(value).__name__)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"{name} ({json.dumps(shown)})"
    if isinstance(value, bool | int | float):
        return f"{name} ({json.dumps(value)})"
    return name


def suggest(word: str, candidates: list[str] | set[str]) -> str | None:
    """The closest candidate to a misspelt word, if one is close enough."""
    lowered = {c.lower(): c for c in candidates}
    if word.lower() in lowered:
        return lowered[word.lower()]
    import difflib  # only needed when something is misspelt

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


class Validator:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = schema["$defs"]
        self._owners: dict[str, list[str]] | None = None

    @classmethod
    def load(cls) -> Validator:
        return cls(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))

    def definition(self, name: str) -> dict[str, Any]:
        return self.defs[name]

    def validate(self, value: Any, definition: str) -> list[SchemaError]:
        errors: list[SchemaError] = []
        self._check(self.defs[definition], value, (), errors)
        return errors

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        return self.defs[ref[8:]] if ref else node

    def _check(
        self, node: dict[str, Any], value: Any, path: tuple, errors: list[SchemaError]
    ) -> None:
        if value is None:
            return
        node = self._resolve(node)
        expected = node.get("type")
        if expected is not None:
            options = expected if isinstance(expected, list) else (expected,)
            if not any(_matches_type(value, option) for option in options):
                if has_placeholder(value):
                    return
                wanted = " or ".join(_EXPECTED[option] for option in options)
                errors.append(
                    SchemaError(
                        INVALID,
                        path,
                        f"{aws_path(path)} must be {wanted}, not {_describe(value)}",
                    )
                )
                return
        if type(value) is dict:
            self._check_object(node, value, path, errors)
        elif type(value) is list:
            self._check_array(node, value, path, errors)
        elif type(value) is str:
            self._check_string(node, value, path, errors)
        elif type(value) is int or type(value) is float:
            self._check_number(node, value, path, errors)

    def _check_object(
        self, node: dict[str, Any], value: dict, path: tuple, errors: list[SchemaError]
    ) -> None:
        properties = node.get("properties")
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if properties is not None and key in properties:
                self._check(properties[key], item, (*path, key), errors)
            elif extra is False:
                errors.append(
                    SchemaError(UNKNOWN, (*path, key), self._unknown_message(path, key, node))
                )
            elif isinstance(extra, dict):
                self._check(extra, item, (*path, key), errors)
        for key in node.get("required", ()):
            if value.get(key) is None:
                where = aws_path(path) if path else "the document"
                errors.append(
                    SchemaError(REQUIRED, (*path, key), f"{where} is missing required field {key}")
                )

    def _unknown_message(self, path: tuple, key: str, node: dict[str, Any]) -> str:
        where = aws_path(path) if path else "the document"
        message = f"unknown field {key!r} in {where}"
        properties = node["properties"]
        same_but_case = {p.lower(): p for p in properties}.get(key.lower())
        if same_but_case:
            return f"{message}; did you mean {same_but_case!r}?"
        owners = self.owners_of(key)  # a real field, put at the wrong level
        if owners:
            return f"{message}; {key!r} is a field of {', '.join(owners[:3])}"
        guess = suggest(key, properties)
        return f"{message}; did you mean {guess!r}?" if guess else message

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

    def _check_array(
        self, node: dict[str, Any], value: list, path: tuple, errors: list[SchemaError]
    ) -> None:
        items = node.get("items")
        if items is not None:
            for index, item in enumerate(value):
                self._check(items, item, (*path, index), errors)
        low, high = node.get("minItems"), node.get("maxItems")
        if low is not None and len(value) < low:
            errors.append(
                SchemaError(INVALID, path, f"{aws_path(path)} needs at least {low} items")
            )
        if high is not None and len(value) > high:
            errors.append(
                SchemaError(INVALID, path, f"{aws_path(path)} allows at most {high} items")
            )

    def _check_string(
        self, node: dict[str, Any], value: str, path: tuple, errors: list[SchemaError]
    ) -> None:
        allowed = node.get("enum")
        if allowed is not None and value not in allowed and not has_placeholder(value):
            guess = suggest(value, allowed)
            hint = f"did you mean {guess!r}? " if guess else ""
            errors.append(
                SchemaError(
                    INVALID,
                    path,
                    f"{aws_path(path)} has invalid value {json.dumps(value)}; {hint}"
                    f"valid values: {', '.join(allowed)}",
                )
            )
        low, high = node.get("minLength"), node.get("maxLength")
        if (low is not None and len(value) < low) or (high is not None and len(value) > high):
            bounds = f"at least {low}" if high is None else f"{low or 0} to {high}"
            errors.append(
                SchemaError(INVALID, path, f"{aws_path(path)} must be {bounds} characters long")
            )

    def _check_number(
        self, node: dict[str, Any], value: float, path: tuple, errors: list[SchemaError]
    ) -> None:
        low, high = node.get("minimum"), node.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"at least {low}" if high is None else f"between {low} and {high}"
            errors.append(
                SchemaError(INVALID, path, f"{aws_path(path)} must be {bounds}, not {value}")
            )


_shared: Validator | None = None


def shared_validator() -> Validator:
    """One validator per process: the schema file is read once, on first use."""
    global _shared
    if _shared is None:
        _shared = Validator.load()
    return _shared
