"""The libcst walk behind ``python_code``: which names are ECS clients, and what they call.

Scopes are followed the way Python does for plain code: a name bound in a function shadows the
module's; ``self.NAME`` bound in any method is the class's. Only what is bound to an ECS client
call counts, so a ``run_task`` method on a Celery app or a class of your own is not ECS.
"""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from advisor.model import Service, TaskDefinition
from advisor.sources.python_resources import CodeScope, PythonDocument, PythonRunTask
from advisor.values import Unknown

ECS_METHODS = {"run_task", "stop_task", "update_service"}
CDK_TASK_DEFINITIONS = {"FargateTaskDefinition": "FARGATE", "Ec2TaskDefinition": "EC2"}
CDK_SERVICES = {"FargateService", "Ec2Service"}


def literal(node: Any, module: Any) -> Any:
    """A Python value for a literal expression; an Unknown for anything else."""
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


def _string(node: Any) -> str | None:
    if not isinstance(node, cst.SimpleString):
        return None
    value = node.evaluated_value
    return value if isinstance(value, str) else None  # b"ecs" names no service


def _is_ecs_client_call(node: Any, client_names: frozenset[str] = frozenset()) -> bool:
    """``boto3.client("ecs")``, ``session.client("ecs", ...)``, ``boto3.Session().client(...)``,
    or ``client("ecs")`` after ``from boto3 import client``."""
    if not isinstance(node, cst.Call) or not node.args:
        return False
    if isinstance(node.func, cst.Attribute):
        if node.func.attr.value != "client":
            return False
    elif not (isinstance(node.func, cst.Name) and node.func.value in client_names):
        return False
    first = node.args[0]
    if first.keyword is None or first.keyword.value == "service_name":
        return _string(first.value) == "ecs"
    return False


def _as_name(alias: cst.ImportAlias) -> str | None:
    """The name ``import x as NAME`` binds, if it has an ``as``."""
    if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
        return None
    return alias.asname.name.value


class _Scope:
    def __init__(self, name: str, kind: str) -> None:
        self.name = name
        self.kind = kind  # module | class | function
        self.clients: set[str] = set()
        self.other: set[str] = set()  # names bound to something else here (shadowing)
        self.run_results: set[str] = set()  # names holding what run_task returned, or parts of it


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, module: cst.Module, document: PythonDocument) -> None:
        self.module = module
        self.document = document
        self.scopes = [_Scope("<module>", "module")]
        self.class_attrs: list[set[str]] = []
        self.ecs_modules: set[str] = set()  # names bound to aws_cdk.aws_ecs
        self.cdk_names: dict[str, str] = {}  # FargateService imported by name -> its class
        self.client_functions: frozenset[str] = frozenset()  # `from boto3 import client`
        self.cdk_roots: set[str] = set()  # names bound to aws_cdk itself (import aws_cdk as cdk)
        self.code: dict[str, CodeScope] = {}
        self.resources: list[Any] = []
        self.task_definitions: dict[str, TaskDefinition] = {}  # variable -> CDK definition
        self._pending_task_definition: str | None = None  # the variable a CDK definition binds
        self.count = 0

    # --- positions ---------------------------------------------------------------------

    def _pointer(self, node: cst.CSTNode, kind: str) -> str:
        self.count += 1
        pointer = f"/{kind}{self.count}"
        position = self.get_metadata(PositionProvider, node).start
        self.document.positions[pointer] = (position.line, position.column + 1)
        return pointer

    def _keyword_positions(
        self, pointer: str, call: cst.Call, rename: dict[str, str] | None = None
    ) -> None:
        for arg in call.args:
            if arg.keyword is not None:
                position = self.get_metadata(PositionProvider, arg).start
                name = (rename or {}).get(arg.keyword.value, arg.keyword.value)
                self.document.positions[f"{pointer}/{name}"] = (position.line, position.column + 1)

    # --- imports and scopes ------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = self.module.code_for_node(alias.name)
            bound = _as_name(alias) or dotted
            if dotted == "aws_cdk.aws_ecs":
                self.ecs_modules.add(bound)
            elif dotted == "aws_cdk":
                self.cdk_roots.add(bound)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        source = self.module.code_for_node(node.module) if node.module else ""
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            bound = _as_name(alias) or name
            if source == "boto3" and name == "client":
                self.client_functions = self.client_functions | {bound}
            elif source == "aws_cdk" and name == "aws_ecs":
                self.ecs_modules.add(bound)
            elif source == "aws_cdk.aws_ecs" and (
                name in CDK_SERVICES or name in CDK_TASK_DEFINITIONS
            ):
                self.cdk_names[bound] = name

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(_Scope(node.name.value, "class"))
        self.class_attrs.append(set())

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.pop()
        self.class_attrs.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scope = _Scope(node.name.value, "function")
        params = node.params
        for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
            scope.other.add(param.name.value)  # a parameter hides a module-level client
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                scope.other.add(star.name.value)
        self.scopes.append(scope)

    def visit_For(self, node: cst.For) -> None:
        derived = self._base_is_run_result(node.iter)
        for name in _target_names(node.target):
            self.scopes[-1].clients.discard(name)
            self.scopes[-1].other.add(name)
            if derived:  # for task in response["tasks"]: ...
                self.scopes[-1].run_results.add(name)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            for name in _target_names(node.asname.name):
                self.scopes[-1].clients.discard(name)
                self.scopes[-1].other.add(name)

    def leave_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def _scope_name(self) -> str:
        names = [s.name for s in self.scopes[1:]]
        return ".".join(names) or "<module>"

    # --- what names hold ---------------------------------------------------------------

    def _is_client(self, node: Any) -> bool:
        if _is_ecs_client_call(node, self.client_functions):
            return True
        if isinstance(node, cst.Name):
            for scope in reversed(self.scopes):
                if scope.kind == "class":
                    continue  # class bodies are not enclosing scopes for functions
                if node.value in scope.clients:
                    return True
                if node.value in scope.other:
                    return False
            return False
        if (
            isinstance(node, cst.Attribute)
            and isinstance(node.value, cst.Name)
            and node.value.value in ("self", "cls")
            and self.class_attrs
        ):
            return node.attr.value in self.class_attrs[-1]
        return False

    def _base_is_run_result(self, node: Any) -> bool:
        """Whether an expression is what run_task returned, or a part of it
        (``response["tasks"][0]["taskArn"]``, ``response.get("tasks")``, ``task["taskArn"]``)."""
        while True:
            if isinstance(node, cst.Subscript | cst.Attribute):
                node = node.value
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                node = node.func.value
            else:
                break
        return isinstance(node, cst.Name) and any(node.value in s.run_results for s in self.scopes)

    def _mentions_run_result(self, node: Any) -> bool:
        if isinstance(node, cst.List | cst.Tuple):
            return any(self._base_is_run_result(e.value) for e in node.elements)
        return self._base_is_run_result(node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def _bind(self, target: Any, value: Any) -> None:
        scope = self.scopes[-1]
        client = self._is_client(value)
        if isinstance(target, cst.Name):
            name = target.value
            if client:
                scope.clients.add(name)
                scope.other.discard(name)
            else:
                scope.clients.discard(name)
                scope.other.add(name)
            if self._is_ecs_call(value, "run_task") or self._mentions_run_result(value):
                scope.run_results.add(name)
            else:
                scope.run_results.discard(name)  # rebound to something else
            if isinstance(value, cst.Call) and self._cdk_class(value) in CDK_TASK_DEFINITIONS:
                self._pending_task_definition = name
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
            and self.class_attrs
            and client
        ):
            self.class_attrs[-1].add(target.attr.value)

    def _is_ecs_call(self, node: Any, method: str | None = None) -> bool:
        return (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in ECS_METHODS
            and (method is None or node.func.attr.value == method)
            and self._is_client(node.func.value)
        )

    def _cdk_class(self, node: cst.Call) -> str | None:
        func = node.func
        if isinstance(func, cst.Attribute):
            owner = self.module.code_for_node(func.value)  # ecs, aws_cdk.aws_ecs, cdk.aws_ecs
            if owner in self.ecs_modules or (
                owner.endswith(".aws_ecs") and owner.split(".")[0] in self.cdk_roots
            ):
                return func.attr.value
        if isinstance(func, cst.Name):
            return self.cdk_names.get(func.value)
        return None

    # --- calls -------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if self._is_ecs_call(node):
            self._ecs_call(node)
            return
        cdk = self._cdk_class(node)
        if cdk in CDK_TASK_DEFINITIONS:
            self._cdk_task_definition(node, cdk)
        elif cdk in CDK_SERVICES:
            self._cdk_service(node)
        elif (
            isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "add_container"
            and isinstance(node.func.value, cst.Name)
            and node.func.value.value in self.task_definitions
        ):
            self._cdk_container(node, self.task_definitions[node.func.value.value])

    def _kwargs(self, node: cst.Call) -> tuple[dict[str, Any], bool]:
        values, spread = {}, False
        for arg in node.args:
            if arg.star == "**":
                spread = True
            elif arg.keyword is not None:
                values[arg.keyword.value] = literal(arg.value, self.module)
        return values, spread

    def _ecs_call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute):
            return  # never: _is_ecs_call let only client.method(...) through
        method = node.func.attr.value
        kwargs, spread = self._kwargs(node)
        pointer = self._pointer(node, method)
        self._keyword_positions(pointer, node)
        scope = self._scope_name()
        code = self.code.setdefault(scope, CodeScope(self.document, scope))
        task = next((a.value for a in node.args if a.keyword and a.keyword.value == "task"), None)
        code.calls.append(
            {
                "method": method,
                "pointer": pointer,
                "kwargs": kwargs,
                "spread": spread,
                "stops_own_task": method == "stop_task"
                and task is not None
                and self._mentions_run_result(task),
            }
        )
        if method == "run_task" and not (spread and "enableECSManagedTags" not in kwargs):
            self.resources.append(PythonRunTask(self.document, pointer, kwargs, node))

    def _cdk_task_definition(self, node: cst.Call, kind: str) -> None:
        kwargs, spread = self._kwargs(node)
        pointer = self._pointer(node, "task_definition")
        self._keyword_positions(pointer, node, {"cpu": "cpu", "memory_limit_mib": "memory"})
        identifier = literal(node.args[1].value, self.module) if len(node.args) > 1 else None

        def value(name: str, default: int) -> Any:
            found = kwargs.get(name, default if not spread else Unknown("**kwargs"))
            return found if isinstance(found, Unknown) else str(found)

        data = {
            "family": identifier if isinstance(identifier, str) else "(CDK task definition)",
            "requiresCompatibilities": [CDK_TASK_DEFINITIONS[kind]],
            "networkMode": "awsvpc" if kind == "FargateTaskDefinition" else "bridge",
            "containerDefinitions": [],
        }
        if kind == "FargateTaskDefinition":
            data["cpu"], data["memory"] = value("cpu", 256), value("memory_limit_mib", 512)
            data["executionRoleArn"] = "(created by CDK)"  # CDK adds one when a container needs it
        resource = TaskDefinition(self.document, pointer, data, "", wrapped=True)
        self.resources.append(resource)
        name = self._pending_task_definition
        if name:
            self.task_definitions[name] = resource
            self._pending_task_definition = None

    def _cdk_container(self, node: cst.Call, resource: TaskDefinition) -> None:
        kwargs, _spread = self._kwargs(node)
        index = len(resource.data["containerDefinitions"])
        name = literal(node.args[0].value, self.module) if node.args else None
        container_pointer = f"{resource.pointer}/containerDefinitions/{index}"
        position = self.get_metadata(PositionProvider, node).start
        self.document.positions[container_pointer] = (position.line, position.column + 1)
        self._keyword_positions(container_pointer, node)
        container: dict[str, Any] = {"name": name if isinstance(name, str) else f"#{index}"}
        image = next((a.value for a in node.args if a.keyword and a.keyword.value == "image"), None)
        if isinstance(image, cst.Call) and image.args:
            method = image.func.attr.value if isinstance(image.func, cst.Attribute) else ""
            reference = literal(image.args[0].value, self.module)
            if method == "from_registry" and isinstance(reference, str):
                container["image"] = reference
                self.document.positions[f"{container_pointer}/image"] = self.document.positions.get(
                    f"{container_pointer}/image", self.document.positions[container_pointer]
                )
        environment = kwargs.get("environment")
        if isinstance(environment, dict):
            container["environment"] = [{"name": k, "value": v} for k, v in environment.items()]
        if "logging" in kwargs:
            container["logConfiguration"] = {"logDriver": "awsfirelens"}  # configured in code
        if isinstance(kwargs.get("essential"), bool):
            container["essential"] = kwargs["essential"]
        resource.data["containerDefinitions"].append(container)

    def _cdk_service(self, node: cst.Call) -> None:
        kwargs, spread = self._kwargs(node)
        pointer = self._pointer(node, "service")
        self._keyword_positions(
            pointer,
            node,
            {"enable_ecs_managed_tags": "enableECSManagedTags", "propagate_tags": "propagateTags"},
        )
        identifier = literal(node.args[1].value, self.module) if len(node.args) > 1 else None
        data: dict[str, Any] = {
            "serviceName": identifier if isinstance(identifier, str) else "(CDK service)"
        }
        for cdk_name, api_name in (
            ("enable_ecs_managed_tags", "enableECSManagedTags"),
            ("propagate_tags", "propagateTags"),
        ):
            if cdk_name in kwargs:
                found = kwargs[cdk_name]
                data[api_name] = found
            elif spread:
                data[api_name] = Unknown("**kwargs")
        self.resources.append(Service(self.document, pointer, data, "", wrapped=True))


def _target_names(node: Any) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, cst.Tuple | cst.List):
        return [n for e in node.elements for n in _target_names(e.value)]
    return []


def collect(module: cst.Module, document: PythonDocument) -> list[Any]:
    collector = _Collector(module, document)
    MetadataWrapper(module, unsafe_skip_copy=True).visit(collector)
    return [*collector.resources, *(c for c in collector.code.values() if c.calls)]
