"""The normalized model: documents, resources with locations, and findings.

Sources build these; rules read them; reports print them. Plain slotted classes rather than
dataclasses keep ``import advisor`` cheap (dataclasses pulls in ``inspect``).
"""

from __future__ import annotations

from typing import Any

from advisor.jsonpos import PositionIndex, escape_pointer_token

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {INFO: 1, WARNING: 2, ERROR: 3}


class Location:
    """Where a finding is: a file position and the JSON pointer of the key or value."""

    __slots__ = ("column", "line", "path", "pointer")

    def __init__(self, path: str, line: int, column: int, pointer: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.pointer = pointer


class Document:
    """One parsed JSON file. Positions are computed once, and only if a finding needs them."""

    __slots__ = ("data", "path", "positions", "text")

    def __init__(self, path: str, text: str, data: Any) -> None:
        self.path = path
        self.text = text
        self.data = data
        # Set up front (a full scan) only for a file with duplicate keys; else made on demand.
        self.positions: PositionIndex | None = None

    @property
    def duplicate_keys(self) -> list[str]:
        """Pointers of keys that repeat an earlier key of the same object."""
        return self.positions.duplicates if self.positions is not None else []

    def locate(self, pointers: list[str]) -> list[Location]:
        """Locations of several pointers, from one scan that stops when all are found."""
        if self.positions is None:
            self.positions = PositionIndex(self.text, wanted=pointers)
        elif not all(self.positions.has(p) for p in pointers):
            self.positions = PositionIndex(self.text)
        return [Location(self.path, *self.positions.position(p), p) for p in pointers]

    def location(self, pointer: str) -> Location:
        return self.locate([pointer])[0]


class Resource:
    """A task definition or service configuration found inside a document."""

    __slots__ = ("_schema_errors", "data", "definition", "document", "pointer", "wrapped")

    kind = "resource"

    def __init__(
        self, document: Document, pointer: str, data: dict, definition: str, wrapped: bool
    ) -> None:
        self.document = document
        self.pointer = pointer  # where the resource's object sits in the document
        self.data = data
        self.definition = definition  # the $defs entry it is validated against
        self.wrapped = wrapped  # inside a describe-* response rather than a bare request
        self._schema_errors: list | None = None

    def at(self, *parts: str | int) -> str:
        """The document-level JSON pointer of a path inside this resource."""
        return self.pointer + "".join("/" + escape_pointer_token(p) for p in parts)

    @property
    def schema_errors(self) -> list:
        """Departures from the AWS model, computed once for all the schema rules."""
        if self._schema_errors is None:
            from advisor.schema.validate import shared_validator

            self._schema_errors = shared_validator().validate(self.data, self.definition)
        return self._schema_errors

    @property
    def label(self) -> str:
        return ""


class TaskDefinition(Resource):
    __slots__ = ()
    kind = "task-definition"

    @property
    def label(self) -> str:
        family = self.data.get("family")
        return family if isinstance(family, str) else "(no family)"

    def containers(self) -> list[tuple[int, dict]]:
        """(index, definition) of each container that is an object."""
        found = self.data.get("containerDefinitions")
        if not isinstance(found, list):
            return []
        return [(i, c) for i, c in enumerate(found) if isinstance(c, dict)]

    @property
    def compatibilities(self) -> set[str]:
        found = self.data.get("requiresCompatibilities")
        if not isinstance(found, list):
            return set()
        return {c.upper() for c in found if isinstance(c, str)}

    @property
    def is_fargate(self) -> bool:
        return "FARGATE" in self.compatibilities

    @property
    def network_mode(self) -> str | None:
        mode = self.data.get("networkMode")
        return mode if isinstance(mode, str) else None

    @property
    def is_windows(self) -> bool:
        platform = self.data.get("runtimePlatform")
        family = platform.get("operatingSystemFamily") if isinstance(platform, dict) else None
        return isinstance(family, str) and family.upper().startswith("WINDOWS")


class ContainerDefinitionList(TaskDefinition):
    """A bare list of container definitions (Terraform ``container_definitions``).

    Seen through a task definition holding only that list, so the container rules apply as
    they are; the task-level rules find nothing to judge.
    """

    __slots__ = ()

    def __init__(
        self, document: Document, pointer: str, data: list, definition: str, wrapped: bool
    ) -> None:
        super().__init__(document, pointer, {"containerDefinitions": data}, definition, wrapped)

    def at(self, *parts: str | int) -> str:
        if parts and parts[0] == "containerDefinitions":
            parts = parts[1:]
        return super().at(*parts)

    @property
    def label(self) -> str:
        return "(container definitions)"


class Service(Resource):
    __slots__ = ()
    kind = "service"

    @property
    def label(self) -> str:
        name = self.data.get("serviceName")
        if not isinstance(name, str):
            arn = self.data.get("serviceArn")
            name = arn.rsplit("/", 1)[-1] if isinstance(arn, str) else "(no name)"
        cluster = self.data.get("cluster") or self.data.get("clusterArn")
        if isinstance(cluster, str) and cluster:
            return f"{cluster.rsplit('/', 1)[-1]}/{name}"
        return name


class Finding:
    """One problem: what, how bad, where, and on which resource."""

    __slots__ = (
        "account",
        "code",
        "cost",
        "evidence",
        "fingerprint",
        "location",
        "message",
        "name",
        "region",
        "resource",
        "severity",
    )

    def __init__(
        self,
        code: str,
        name: str,
        severity: str,
        message: str,
        location: Location,
        resource: str,
    ) -> None:
        self.code = code
        self.name = name
        self.severity = severity
        self.message = message
        self.location = location
        self.resource = resource
        self.cost: dict[str, Any] | None = None  # money involved, with its assumptions
        self.evidence: dict[str, Any] | None = None
        self.fingerprint = ""  # identity across line moves (baselines, code scanning)
        self.account: str | None = None  # live findings (audit): where in AWS
        self.region: str | None = None

    def sort_key(self) -> tuple:
        loc = self.location
        return (loc.path, loc.line, loc.column, self.code)

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "path": loc.path,
            "line": loc.line,
            "column": loc.column,
            "pointer": loc.pointer,
            "resource": self.resource,
            "fingerprint": self.fingerprint,
            **({"account": self.account, "region": self.region} if self.account else {}),
            **({"evidence": self.evidence} if self.evidence is not None else {}),
            **({"cost": self.cost} if self.cost is not None else {}),
        }


class InputError:
    """A file that could not be read or parsed: reported, and the run goes on."""

    __slots__ = ("column", "line", "message", "path")

    def __init__(
        self, path: str, message: str, line: int | None = None, column: int | None = None
    ) -> None:
        self.path = path
        self.message = message
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }
