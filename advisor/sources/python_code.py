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
``Unknown`` values the rules leave alone.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from typing import Any

from advisor.model import Edit, InputError, Kind, Location, Resource, RunTaskRequest
from advisor.sources.reading import InputFailure, NotRecognized, read_files
from advisor.values import Unknown

_MENTIONS_ECS = re.compile(r"""["']ecs["']|aws_ecs""")
# ... and calls something the rules read: only such files are parsed.
_MENTIONS_CALLS = re.compile(
    r"run_task|stop_task|update_service|TaskDefinition|FargateService|Ec2Service"
)
CDK_TASK_DEFINITIONS = {"FargateTaskDefinition": "FARGATE", "Ec2TaskDefinition": "EC2"}
CDK_SERVICES = {"FargateService", "Ec2Service"}


class PythonDocument:
    """Positions of the calls and keywords a finding can point at."""

    from_api = False

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self.positions: dict[str, tuple[int, int]] = {}
        self.duplicate_keys: list[str] = []
        self.data = None
        self.module: Any = None  # the libcst module, for fixes

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


class CodeScope(Resource):
    """ECS calls in one function (or at module level)."""

    __slots__ = ("calls", "scope")
    kind = Kind.PYTHON_CODE

    def __init__(self, document: PythonDocument, scope: str) -> None:
        super().__init__(document, f"/{scope}", {})
        self.scope = scope
        self.calls: list[dict[str, Any]] = []  # {"method", "pointer", "kwargs", ...}

    @property
    def label(self) -> str:
        return self.scope


class PythonRunTask(RunTaskRequest):
    """One boto3 ``run_task`` call: its keyword arguments are the request's fields."""

    __slots__ = ("node",)

    def __init__(self, document: PythonDocument, pointer: str, kwargs: dict, node: Any) -> None:
        super().__init__(document, pointer, kwargs)
        self.node = node  # the libcst Call, for the fix

    def managed_tags_edit(self) -> Edit | None:
        from advisor.sources.python_fixes import managed_tags_edit

        return managed_tags_edit(self.document.module, self.node)


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
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
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
    document.module = module
    try:
        resources = collect(module, document)
    except RecursionError:
        raise InputFailure(InputError(display, "Python nested too deeply for the parser")) from None
    if not resources:
        raise NotRecognized("no ECS calls")
    return document, resources


def read(candidates: list[Any], context: Any) -> Iterator[Resource]:
    """The source's door (``advisor.sources.registry``): the ECS calls of each file."""
    return read_files(candidates, context, load)
