"""Read JSON files and recognize, by content, the ECS resources inside them.

Recognized shapes:
- ``register-task-definition`` input (``family`` + ``containerDefinitions``), console exports;
- ``describe-task-definition`` output (``{"taskDefinition": {...}, "tags": [...]}``);
- ``create-service`` input (``serviceName`` plus service settings);
- ``describe-services`` output (``{"services": [...]}``) and create/update-service output
  (``{"service": {...}}``).
Anything else is not ours: skipped, so that a pre-commit run over every JSON file in a
repository never fails on a ``package.json``.
"""

from __future__ import annotations

import json
import re

from advisor.model import Document, InputError, Resource, Service, TaskDefinition

# Keys that mark a file as ECS configuration even when it does not parse, so a broken task
# definition is reported while a tsconfig.json with comments is left alone.
_ECS_MARKERS = re.compile(r'"(containerDefinitions|taskDefinitionArn|serviceName|serviceArn)"\s*:')

_SERVICE_KEYS = {
    "taskDefinition",
    "desiredCount",
    "cluster",
    "launchType",
    "capacityProviderStrategy",
    "loadBalancers",
    "networkConfiguration",
    "deploymentConfiguration",
    "schedulingStrategy",
    "enableECSManagedTags",
    "propagateTags",
}


class NotRecognized(Exception):
    """The file is valid input but holds no ECS resource."""


def read_text(path: str, display: str) -> str:
    """The file's text, or an InputError-shaped exception with a clear message."""
    with open(path, "rb") as handle:
        raw = handle.read()
    if not raw.strip():
        raise InputFailure(InputError(display, "empty file: expected a JSON document"))
    if b"\x00" in raw[:8192]:
        raise InputFailure(InputError(display, "binary file: expected a JSON document"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFailure(
            InputError(display, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line)
        ) from None


class InputFailure(Exception):
    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


def parse(text: str, display: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if not _ECS_MARKERS.search(text):
            raise NotRecognized from None
        raise InputFailure(
            InputError(display, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno)
        ) from None
    except RecursionError:
        raise InputFailure(
            InputError(display, "JSON nested too deeply to be ECS configuration")
        ) from None


def _is_task_definition(data: object) -> bool:
    return isinstance(data, dict) and isinstance(data.get("containerDefinitions"), list)


def _is_service(data: object) -> bool:
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("serviceArn"), str):
        return True
    return isinstance(data.get("serviceName"), str) and not _SERVICE_KEYS.isdisjoint(data)


def resources_in(document: Document) -> list[Resource]:
    """The task definitions and services a document holds (empty when it holds none).

    A bare request is validated against the request shape plus the describe-only fields (which
    output-only-field reports); a resource inside a describe response against the output shape.
    """
    data = document.data
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


def load(path: str, display: str) -> tuple[Document, list[Resource]]:
    """Read and recognize one file.

    Raises InputFailure for unreadable or broken ECS files, NotRecognized for anything else.
    """
    text = read_text(path, display)
    data = parse(text, display)
    document = Document(display, text, data)
    found = resources_in(document)
    if not found:
        raise NotRecognized
    return document, found
