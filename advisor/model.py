"""The normalized model: documents, resources with locations, and findings.

Sources build these; rules read them; reports print them. Plain slotted classes rather than
dataclasses keep ``import advisor`` cheap (dataclasses pulls in ``inspect``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from advisor.jsonpos import PositionIndex, escape_pointer_token
from advisor.values import text_of

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITY_RANK = {INFO: 1, WARNING: 2, ERROR: 3}


class Kind(StrEnum):
    """What a resource is; each rule names the kinds it judges (``rules.RULES_BY_KIND``)."""

    TASK_DEFINITION = "task-definition"
    SERVICE = "service"
    CLUSTER = "cluster"
    RUN_TASK = "run-task"  # a RunTask request: a CloudTrail record, a boto3 call, a CLI file
    SERVICE_HISTORY = "service-history"
    JOB_HISTORY = "job-history"
    PYTHON_CODE = "python-code"  # the ECS calls of one Python function


HISTORY_KINDS = frozenset({Kind.SERVICE_HISTORY, Kind.JOB_HISTORY, Kind.RUN_TASK})

# How safe a fix is to apply without a person looking (ruff's applicability).
SAFE = "safe"
UNSAFE = "unsafe"


class Edit:
    """Replace ``text[start:end]`` with ``content`` (an insertion when start == end)."""

    __slots__ = ("content", "end", "start")

    def __init__(self, start: int, end: int, content: str) -> None:
        self.start = start
        self.end = end
        self.content = content


class Fix:
    """A hit's repair: edits in its document's text, and whether ``--fix`` may apply them.

    The edits may be given as a function that makes them: they are worked out only when
    ``--fix`` asks, so a plain lint run never pays for them.
    """

    __slots__ = ("_edits", "_make", "applicability")

    def __init__(
        self, edits: list[Edit] | Callable[[], list[Edit]], applicability: str = SAFE
    ) -> None:
        self._edits = edits if isinstance(edits, list) else None
        self._make = None if isinstance(edits, list) else edits
        self.applicability = applicability

    @property
    def edits(self) -> list[Edit]:
        if self._edits is None:
            self._edits = self._make() if self._make is not None else []
        return self._edits


class Location:
    """Where a finding is: a file position and the JSON pointer of the key or value."""

    __slots__ = ("column", "line", "path", "pointer")

    def __init__(self, path: str, line: int, column: int, pointer: str) -> None:
        self.path = path
        self.line = line
        self.column = column
        self.pointer = pointer


if TYPE_CHECKING:  # a type for mypy only: building a Protocol class costs lint's start-up

    class Located(Protocol):
        """What a resource's document is to the engine and the rules: a path, its data, and where a
        pointer in it sits. ``Document`` (a JSON file), the Python source's ``PythonDocument``, the
        history's ``EvidenceDocument`` and the audit's ``LiveDocument`` are one each."""

        @property
        def path(self) -> str: ...

        @property
        def from_api(self) -> bool:
            """AWS's own output (live reads): the API-model rules stay quiet."""
            ...

        @property
        def data(self) -> Any:
            """The parsed JSON, or None where there is none (findings are then identified by rule
            and resource)."""
            ...

        @property
        def duplicate_keys(self) -> list[str]: ...

        def locate(self, pointers: list[str]) -> list[Location]: ...

        def location(self, pointer: str) -> Location: ...


class Document:
    """One parsed JSON file. Positions are computed once, and only if a finding needs them."""

    __slots__ = ("data", "path", "positions", "text")

    from_api = False  # True for AWS's own output (live reads): the API-model rules stay quiet

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

    def insert_member(self, pointer: str, key: str, value: Any) -> Edit | None:
        """An edit adding ``"key": value`` as the first member of the object at ``pointer``:
        one insertion right after its brace, spaced like its first member (a minified file
        stays minified), so every other line stays as it was."""
        if pointer and (self.positions is None or not self.positions.has(pointer)):
            self.positions = PositionIndex(self.text)
        text = self.text
        offset: int | None = 0
        if pointer:  # the offset is the key's; its value's brace follows the colon
            offset = self.positions.offset(pointer) if self.positions is not None else None
            if offset is None:
                return None
            offset = text.index(":", offset)
        brace = text.find("{", offset)
        if brace < 0:
            return None
        match = _FIRST_MEMBER.match(text, brace)
        spacing = match.group(1) if match else ""
        # Spaced like the first member: `"a": 1` gets `"key": value`; a minified file stays so.
        after_colon = match.group(3) if match and match.group(3) is not None else " "
        colon = ":" + (after_colon if "\n" not in after_colon else " ")
        member = f"{json.dumps(key)}{colon}{json.dumps(value, ensure_ascii=False)}"
        if match and match.group(2) == "}":  # an empty object
            return Edit(brace + 1, brace + 1, member)
        # On one line, the comma is followed by what follows the colon (`, ` or `,`).
        after_comma = "" if "\n" in spacing else colon[1:]
        return Edit(brace + 1, brace + 1, f"{spacing}{member},{after_comma}")


_FIRST_MEMBER = re.compile(r'\{(\s*)(\}|"(?:[^"\\]|\\.)*"\s*:([ \t]*))')


class Resource:
    """Something the rules judge, with the document it came from and where in it it sits.

    ``data`` holds the API's own field names and values as the source read them (unknown values
    as ``Unknown``); the typed properties of each kind read it.
    """

    __slots__ = (
        "_schema_errors",
        "data",
        "definition",
        "document",
        "name_hint",
        "outside",
        "pointer",
        "wrapped",
    )

    kind: Kind

    def __init__(
        self,
        document: Located,
        pointer: str,
        data: dict,
        definition: str = "",
        wrapped: bool = False,
    ) -> None:
        self.document = document
        self.pointer = pointer  # where the resource's object sits in the document
        self.data = data
        self.definition = definition  # the $defs entry it is validated against ("": none)
        self.wrapped = wrapped  # inside a describe-* response rather than a bare request
        # Required top-level fields the document need not hold: given elsewhere (create-service's
        # --service-name, ecspresso's configuration) or present under a misspelt key that
        # unknown-field reports (one finding for a typo, not a second for the missing field).
        self.outside: frozenset[str] = frozenset()
        self.name_hint = ""  # what to call it when its data names it not (the file's name)
        self._schema_errors: list | None = None

    def at(self, *parts: str | int) -> str:
        """The document-level JSON pointer of a path inside this resource."""
        return self.pointer + "".join("/" + escape_pointer_token(p) for p in parts)

    @property
    def schema_errors(self) -> list:
        """Departures from the AWS model, computed once for all the schema rules."""
        if self._schema_errors is None:
            if not self.definition or self.document.from_api:
                self._schema_errors = []
            else:
                from advisor.schema.validate import REQUIRED, shared_validator

                errors = shared_validator().validate(self.data, self.definition)
                self._schema_errors = [
                    e
                    for e in errors
                    if not (e.kind == REQUIRED and len(e.path) == 1 and e.path[0] in self.outside)
                ]
        return self._schema_errors

    @property
    def label(self) -> str:
        return ""

    @property
    def editable(self) -> bool:
        """Whether fixes may edit this resource's text (a file a person keeps)."""
        return not self.wrapped and not self.document.from_api


class TaskDefinition(Resource):
    __slots__ = ()
    kind = Kind.TASK_DEFINITION

    @property
    def family(self) -> Any:
        return self.data.get("family")

    @property
    def label(self) -> str:
        return text_of(self.family) or "(no family)"

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
        self, document: Located, pointer: str, data: list, definition: str, wrapped: bool
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
    kind = Kind.SERVICE

    @property
    def label(self) -> str:
        name = text_of(self.data.get("serviceName"))
        if name is None:
            arn = self.data.get("serviceArn")
            name = arn.rsplit("/", 1)[-1] if isinstance(arn, str) else self.name_hint or "(no name)"
        cluster = text_of(self.data.get("cluster")) or text_of(self.data.get("clusterArn"))
        if cluster:
            return f"{cluster.rsplit('/', 1)[-1]}/{name}"
        return name


class Cluster(Resource):
    __slots__ = ()
    kind = Kind.CLUSTER

    @property
    def label(self) -> str:
        name = text_of(self.data.get("clusterName"))
        if name is None:
            arn = self.data.get("clusterArn")
            name = arn.rsplit("/", 1)[-1] if isinstance(arn, str) else self.name_hint or "(no name)"
        return name


class RunTaskRequest(Resource):
    """A RunTask request, whatever said it: a CloudTrail record (or a caller's group of them),
    a boto3 ``run_task`` call, a ``run-task --cli-input-json`` file.

    ``calls`` is how many calls it stands for, ``untagged_calls`` how many of them did not ask
    for ECS managed tags; ``enableECSManagedTags`` is true only when every call asked.
    """

    __slots__ = ()
    kind = Kind.RUN_TASK

    @property
    def enableECSManagedTags(self) -> Any:
        return self.data.get("enableECSManagedTags")

    @property
    def untagged_calls(self) -> int:
        return 0 if self.enableECSManagedTags is True else 1

    @property
    def label(self) -> str:
        family = self.data.get("taskDefinition")
        if not isinstance(family, str):
            return "(family not known statically)"
        return family.rsplit("/", 1)[-1].split(":", 1)[0]

    def evidence(self) -> dict[str, Any]:
        return {"count": 1, "call": "run_task"}

    def anchor(self) -> str:
        """Where a finding about this request points."""
        return self.pointer

    def managed_tags_edit(self) -> Edit | None:
        """The edit that asks for ECS managed tags, where the source can make one."""
        return None


class Finding:
    """One problem: what, how bad, where, and on which resource."""

    __slots__ = (
        "account",
        "code",
        "cost",
        "evidence",
        "fingerprint",
        "fix",
        "location",
        "message",
        "name",
        "region",
        "resource",
        "severity",
        "subject",
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
        self.fix: Fix | None = None  # the edits that repair it, if the rule has a fix
        self.subject: Resource | None = None  # the resource judged (for enrichment; never printed)

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
            **(
                {"fix": {"applicability": self.fix.applicability}}
                if self.fix and self.fixable
                else {}
            ),
        }

    @property
    def fixable(self) -> bool:
        """Whether the rule has edits for this spot (``--fix`` applies the safe ones)."""
        return self.fix is not None and bool(self.fix.edits)


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
