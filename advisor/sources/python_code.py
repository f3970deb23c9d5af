"""ECS calls in Python code, read with libcst: boto3 ECS clients and AWS CDK (``aws_cdk.aws_ecs``).

A file that never mentions ECS is passed over before it is parsed, and libcst is imported only
when a file does. What becomes a resource:
- an ECS client's ``run_task(...)`` -> a ``run-task`` resource, the same the history builds;
- every function's (and the module's) ECS calls -> a ``python-code`` resource, for the rules on
  stopping tasks the code started and scaling services to zero;
- CDK ``FargateTaskDefinition``/``Ec2TaskDefinition`` (with ``add_container``) -> a task
  definition; ``FargateService``/``Ec2Service`` -> a service.
Only names bound to ``boto3.client("ecs")``, ``session.client("ecs")`` or
``boto3.Session().client("ecs")`` are ECS clients: a ``run_task`` on anything else is not ECS.
Values that cannot be known statically (``**kwargs``, variables) are never guessed: they become
placeholders the rules leave alone.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from advisor.model import InputError, Location, Service, TaskDefinition
from advisor.sources.json_files import InputFailure, NotRecognized

_MENTIONS_ECS = re.compile(r"""["']ecs["']|aws_ecs""")
# ... and calls something the rules read: only such files are parsed.
_MENTIONS_CALLS = re.compile(
    r"run_task|stop_task|update_service|TaskDefinition|FargateService|Ec2Service"
)
CDK_TASK_DEFINITIONS = {"FargateTaskDefinition": "FARGATE", "Ec2TaskDefinition": "EC2"}
CDK_SERVICES = {"FargateService", "Ec2Service"}


class Unknown:
    """A value that cannot be known without running the code."""

    def __init__(self, code: str) -> None:
        self.code = code

    def placeholder(self) -> str:
        return "${" + self.code + "}"


class PythonDocument:
    """Positions of the calls and keywords a finding can point at."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.positions: dict[str, tuple[int, int]] = {}
        self.duplicate_keys: list[str] = []
        self.data = None

    def locate(self, pointers: list[str]) -> list[Location]:
        found = []
        for pointer in pointers:
            key = pointer
            while key not in self.positions and "/" in key:
                key = key.rsplit("/", 1)[0]
            line, column = self.positions.get(key, (1, 1))
            found.append(Location(self.path, line, column, pointer))
        return found

    def location(self, pointer: str) -> Location:
        return self.locate([pointer])[0]


class CodeResource:
    """ECS calls in one function (or at module level)."""

    kind = "python-code"

    def __init__(self, document: PythonDocument, scope: str) -> None:
        self.document = document
        self.pointer = f"/{scope}"
        self.scope = scope
        self.calls: list[dict[str, Any]] = []  # {"method", "pointer", "kwargs", "target", ...}

    @property
    def label(self) -> str:
        return self.scope


class RunTaskCall:
    """One ``run_task`` call, as the RunTask rule reads requests."""

    kind = "run-task"

    def __init__(self, document: PythonDocument, pointer: str, kwargs: dict[str, Any]) -> None:
        self.document = document
        self.pointer = pointer
        self.kwargs = kwargs

    @property
    def label(self) -> str:
        definition = self.kwargs.get("taskDefinition")
        if isinstance(definition, str):
            return definition.rsplit("/", 1)[-1].split(":", 1)[0]
        return "(family not known statically)"

    @property
    def data(self) -> dict[str, Any]:
        value = self.kwargs.get("enableECSManagedTags")
        data: dict[str, Any] = {"calls": 1}
        if value is not None:
            data["enableECSManagedTags"] = (
                value.placeholder() if isinstance(value, Unknown) else value
            )
        return data

    def anchor(self) -> str:
        return self.pointer

    def evidence(self) -> dict[str, Any]:
        return {"count": 1, "call": "run_task"}


class CodeTaskDefinition(TaskDefinition):
    """A CDK task definition: judged by the task-definition rules, not by the API schema."""

    __slots__ = ()

    @property
    def schema_errors(self) -> list:
        return []


class CodeService(Service):
    __slots__ = ()

    @property
    def schema_errors(self) -> list:
        return []


def literal(node: Any, module: Any) -> Any:
    """A Python value for a literal expression; an Unknown for anything else."""
    import libcst as cst

    code = module.code_for_node(node)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)):
        try:
            return ast.literal_eval(code)
        except (ValueError, SyntaxError):
            return Unknown(code)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = literal(node.expression, module)
        return -inner if isinstance(inner, int | float) else Unknown(code)
    if (
        isinstance(node, cst.Attribute)
        and code.split(".")[-2:-1]
        and code.split(".")[-2]
        in (
            "PropagatedTagSource",
            "LaunchType",
        )
    ):
        return node.attr.value  # an enum member: its name is its value
    if isinstance(node, cst.Dict):
        out = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return Unknown(code)
            key = literal(element.key, module)
            if isinstance(key, Unknown):
                return Unknown(code)
            out[key] = literal(element.value, module)
        return out
    if isinstance(node, (cst.List, cst.Tuple)):
        return [literal(e.value, module) for e in node.elements]
    return Unknown(code)


def load(path: str, display: str, named: bool) -> tuple[PythonDocument, list[Any]]:
    with open(path, "rb") as handle:
        raw = handle.read()
    if b"\x00" in raw[:8192]:
        if named:
            raise InputFailure(InputError(display, "binary file: expected Python source"))
        raise NotRecognized("binary")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotRecognized("not UTF-8 Python source") from None
    if not _MENTIONS_ECS.search(text) or not _MENTIONS_CALLS.search(text):
        raise NotRecognized("no ECS calls")
    import libcst as cst

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        where = re.search(r"error at (\d+):(\d+)", str(exc))  # the position libcst's message names
        line, column = (
            (int(where[1]), int(where[2])) if where else (exc.editor_line, exc.editor_column)
        )
        raise InputFailure(
            InputError(display, f"invalid Python: {exc.message}", line, column)
        ) from None
    except RecursionError:
        raise InputFailure(InputError(display, "Python nested too deeply for the parser")) from None
    from advisor.sources.python_visitor import collect

    document = PythonDocument(display, text)
    try:
        resources = collect(module, document)
    except RecursionError:
        raise InputFailure(InputError(display, "Python nested too deeply for the parser")) from None
    if not resources:
        raise NotRecognized("no ECS calls")
    return document, resources
