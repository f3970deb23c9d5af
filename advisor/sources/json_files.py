"""Read JSON files and recognize, by content, the ECS resources inside them.

Recognized shapes:
- ``register-task-definition`` input (``family`` + ``containerDefinitions``), console exports;
- ``describe-task-definition`` output (``{"taskDefinition": {...}, "tags": [...]}``);
- a bare list of container definitions (Terraform's ``container_definitions`` files);
- ``create-service`` input (``serviceName`` plus service settings);
- ``describe-services`` output (``{"services": [...]}``) and create/update-service output
  (``{"service": {...}}``).
Anything else is not ours. A file nobody named (found in a folder, or passed by pre-commit) that
cannot be read or parsed is ours only if it looks like ECS configuration, so a pre-commit run over
every JSON file in a repository never fails on a ``tsconfig.json`` with comments.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any, TypeGuard

from advisor.jsonpos import PositionIndex
from advisor.model import (
    ContainerDefinitionList,
    Document,
    InputError,
    Resource,
    Service,
    TaskDefinition,
)
from advisor.sources.registry import InputFailure, NotRecognized, read_files
from advisor.values import mark_unknowns, might_hold_placeholders

# Marks a file as ECS configuration even when it does not parse.
_ECS_MARKERS = re.compile(r'"(containerDefinitions|taskDefinitionArn|serviceArn)"\s*:')
_SERVICE_NAME = re.compile(r'"serviceName"\s*:')
_TASK_DEFINITION = re.compile(r'"taskDefinition"\s*:')
_NON_JSON_CONSTANT = re.compile(r"(?<![\w\"])(-?Infinity|NaN)(?![\w\"])")
_TEMPLATE_START = ("${", "{{", "<%", "$$")

# Keys of a create-service request that a service-name-bearing JSON from another tool is
# unlikely to have two of (OpenTelemetry, Serverless and others use "serviceName" too).
_SERVICE_KEYS = {
    "desiredCount",
    "launchType",
    "capacityProviderStrategy",
    "loadBalancers",
    "networkConfiguration",
    "deploymentConfiguration",
    "deploymentController",
    "schedulingStrategy",
    "enableECSManagedTags",
    "propagateTags",
    "platformVersion",
    "serviceRegistries",
    "healthCheckGracePeriodSeconds",
    "serviceConnectConfiguration",
}


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


def parse(text: str, display: str, named: bool = False) -> tuple[object, bool]:
    """The parsed value and whether any object repeats a key.

    Text that is not JSON is an error when it looks like ECS configuration, or when a person
    named it and it ends before the document does (a truncated file, perhaps cut before the key
    that would say what it is); other non-JSON (a tsconfig with comments) is not ours.
    """
    duplicates = _DuplicateKeys()
    try:
        data = json.loads(text, object_pairs_hook=duplicates, parse_constant=_reject_constant)
        return data, duplicates.found
    except json.JSONDecodeError as exc:
        error = InputError(display, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)
        if exc.msg == "Expecting value" and text.startswith(_TEMPLATE_START, exc.pos):
            error.message += " (an unquoted template placeholder? lint the rendered file)"
        cut_short = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        if named and cut_short:
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
    if looks_like_ecs(text):
        raise InputFailure(error)
    detail = error.message.removeprefix("invalid JSON: ")
    raise NotRecognized(f"not ECS configuration (not JSON either: {detail} at line {error.line})")


def _is_task_definition(data: object) -> TypeGuard[dict]:
    return (
        isinstance(data, dict)
        and isinstance(data.get("containerDefinitions"), list)
        and "AWSEBDockerrunVersion" not in data  # Elastic Beanstalk's own format
    )


def _is_container_list(data: object) -> TypeGuard[list]:
    return (
        isinstance(data, list)
        and len(data) > 0
        and all(isinstance(c, dict) and "name" in c and "image" in c for c in data)
    )


def _is_service(data: object) -> TypeGuard[dict]:
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("serviceArn"), str):
        return True
    if not isinstance(data.get("serviceName"), str):
        return False
    return "taskDefinition" in data or len(_SERVICE_KEYS.intersection(data)) >= 2


def resources_in(document: Document) -> list[Resource]:
    """The task definitions and services a document holds (empty when it holds none).

    A bare request is validated against the request shape plus the describe-only fields (which
    output-only-field reports); a resource inside a describe response against the output shape.
    """
    data = document.data
    if _is_container_list(data):
        return [ContainerDefinitionList(document, "", data, "ContainerDefinitionList", True)]
    if not isinstance(data, dict):
        return []
    if _is_task_definition(data):
        return [TaskDefinition(document, "", data, "TaskDefinitionDocument", wrapped=False)]
    inner = data.get("taskDefinition")
    if _is_task_definition(inner):
        return [TaskDefinition(document, "/taskDefinition", inner, "TaskDefinition", wrapped=True)]
    services = data.get("services")
    if isinstance(services, list) and any(_is_service(s) for s in services):
        return [
            Service(document, f"/services/{i}", s, "Service", wrapped=True)
            for i, s in enumerate(services)
            if isinstance(s, dict)
        ]
    inner = data.get("service")
    if _is_service(inner):
        return [Service(document, "/service", inner, "Service", wrapped=True)]
    if _is_service(data):
        return [Service(document, "", data, "ServiceDocument", wrapped=False)]
    return []


def load_text(text: str, display: str, named: bool = False) -> tuple[Document, list[Resource]]:
    data, has_duplicates = parse(text, display, named)
    if might_hold_placeholders(text):  # values only known later become Unknown, once, here
        data = mark_unknowns(data)
    document = Document(display, text, data)
    found = resources_in(document)
    if not found:
        raise NotRecognized
    if has_duplicates:  # only such files pay for a full position scan up front
        document.positions = PositionIndex(text)
    return document, found


def load(path: str, display: str, named: bool) -> tuple[Document, list[Resource]]:
    """Read and recognize one file (``-``: standard input); ``named``: a person named it.

    Raises InputFailure for files to report as errors, NotRecognized for files to pass over.
    """
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as handle:
            raw = handle.read()
    return load_text(decode(raw, display, named), display, named)


def read(candidates: list[Any], context: Any) -> Iterator[Resource]:
    """The source's door (``advisor.sources.registry``): the resources of each file."""
    return read_files(candidates, context, load)
