"""The libcst walk behind ``python_code``: which names are ECS clients, and what they call.

Scopes are followed the way Python does for plain code: a name bound in a function shadows the
module's; ``self.NAME`` bound in any method is the class's. Only what is bound to an ECS client
call counts, so a ``run_task`` method on a Celery app or a class of your own is not ECS.
"""

from __future__ import annotations

import ast
from typing import Any

import libcst as cst

from advisor.model import Service, TaskDefinition
from advisor.sources import python_cdk as cdk
from advisor.sources.python_positions import starts
from advisor.sources.python_resources import (
    CdkScheduledTask,
    CodeScope,
    PythonDocument,
    PythonRunTask,
)
from advisor.values import Unknown, without_lone_surrogates

ECS_METHODS = {"run_task", "stop_task", "update_service"}
# Container options of CDK -> the API's field a finding about them points at.
_CONTAINER_FIELDS = {
    "image": "image",
    "environment": "environment",
    "secrets": "secrets",
    "essential": "essential",
    "logging": "logConfiguration",
    "log_driver": "logConfiguration",
}


def literal(node: Any, module: Any) -> Any:
    """A Python value for a literal expression; an Unknown for anything else."""
    code = module.code_for_node(node)
    if isinstance(node, cst.Name) and node.value in ("True", "False", "None"):
        return {"True": True, "False": False, "None": None}[node.value]
    if isinstance(node, (cst.Integer, cst.Float, cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = ast.literal_eval(code)
        except (ValueError, SyntaxError, MemoryError, RecursionError):  # 4,300+ digits too
            return Unknown(code)
        return without_lone_surrogates(value) if isinstance(value, str) else value
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
            if isinstance(key, Unknown | list | dict):  # {[]: 1} would not run either
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
        # names holding what a module-level function returned (or parts of it): name -> function
        self.helper_results: dict[str, str] = {}
        self.images: dict[str, Any] = {}  # name -> its ContainerImage.from_registry reference


class _Collector(cst.CSTVisitor):
    def __init__(self, module: cst.Module, document: PythonDocument) -> None:
        self.module = module
        self.document = document
        self.scopes = [_Scope("<module>", "module")]
        self.class_attrs: list[set[str]] = []
        self.ecs_modules: set[str] = set()  # names bound to aws_cdk.aws_ecs
        self.pattern_modules: set[str] = set()  # names bound to aws_cdk.aws_ecs_patterns
        # FargateService imported by name -> (its module, its class)
        self.cdk_names: dict[str, tuple[str, str]] = {}
        self.client_functions: frozenset[str] = frozenset()  # `from boto3 import client`
        self.cdk_roots: set[str] = set()  # names bound to aws_cdk itself (import aws_cdk as cdk)
        self.code: dict[str, CodeScope] = {}
        self.resources: list[Any] = []
        # variable (``td``, ``self.task_def``, ``svc.task_definition``) -> CDK definition
        self.task_definitions: dict[str, TaskDefinition] = {}
        self._pending_binding: str | None = None  # the variable a CDK construct call binds
        self.module_functions: set[str] = set()  # functions defined at module level
        # module-level function -> what its return value comes from: "run_task", or other
        # module-level functions whose result it returns
        self.returns: dict[str, set[str]] = {}
        self.helper_stops: list[tuple[dict[str, Any], str]] = []  # (stop_task call, function)
        self.scheduled: list[CdkScheduledTask] = []
        self.managed_tags_override = False  # an escape hatch sets EnableECSManagedTags
        self.count = 0
        # pointer -> the node it points at: located in one pass once the walk is done (libcst's
        # PositionProvider locates every node of the module, which took most of the time)
        self.located: dict[str, cst.CSTNode] = {}

    # --- positions ---------------------------------------------------------------------

    def _pointer(self, node: cst.CSTNode, kind: str) -> str:
        self.count += 1
        pointer = f"/{kind}{self.count}"
        self.located[pointer] = node
        return pointer

    def _keyword_positions(
        self, pointer: str, call: cst.Call, rename: dict[str, str] | None = None
    ) -> None:
        for arg in call.args:
            if arg.keyword is not None:
                name = (rename or {}).get(arg.keyword.value, arg.keyword.value)
                self.located[f"{pointer}/{name}"] = arg

    # --- imports and scopes ------------------------------------------------------------

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            dotted = self.module.code_for_node(alias.name)
            bound = _as_name(alias) or dotted
            if dotted == "aws_cdk.aws_ecs":
                self.ecs_modules.add(bound)
            elif dotted == "aws_cdk.aws_ecs_patterns":
                self.pattern_modules.add(bound)
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
            elif source == "aws_cdk" and name == "aws_ecs_patterns":
                self.pattern_modules.add(bound)
            elif source == "aws_cdk.aws_ecs" and (
                name in cdk.SERVICES or name in cdk.TASK_DEFINITIONS or name == cdk.CONTAINER
            ):
                self.cdk_names[bound] = ("aws_ecs", name)
            elif source == "aws_cdk.aws_ecs_patterns" and name in cdk.PATTERNS:
                self.cdk_names[bound] = ("aws_ecs_patterns", name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(_Scope(node.name.value, "class"))
        self.class_attrs.append(set())

    def leave_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.pop()
        self.class_attrs.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if len(self.scopes) == 1:
            self.module_functions.add(node.name.value)
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
        helper = self._helper_source(node.iter)
        for name in _target_names(node.target):
            scope = self.scopes[-1]
            scope.clients.discard(name)
            scope.other.add(name)
            if derived:  # for task in response["tasks"]: ...
                scope.run_results.add(name)
            scope.helper_results.pop(name, None)
            if helper:  # for arn in start_all(): ...
                scope.helper_results[name] = helper

    def visit_Return(self, node: cst.Return) -> None:
        """What a module-level function returns: a run_task result, or another's."""
        scopes = self.scopes
        if node.value is None or len(scopes) != 2 or scopes[1].kind != "function":
            return
        sources = self.returns.setdefault(scopes[1].name, set())
        if self._is_ecs_call(node.value, "run_task") or self._mentions_run_result(node.value):
            sources.add("run_task")
        helper = self._helper_source(node.value)
        if helper:
            sources.add(helper)

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
        (``response["tasks"][0]["taskArn"]``, ``response.get("tasks")``, ``task["taskArn"]``,
        ``ecs.run_task(...)["tasks"]``, ``[t["taskArn"] for t in response["tasks"]]``)."""
        while True:
            if self._is_ecs_call(node, "run_task"):
                return True
            if isinstance(node, cst.ListComp | cst.SetComp | cst.GeneratorExp):
                node = node.for_in.iter
            elif isinstance(node, cst.Subscript | cst.Attribute):
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

    def _helper_source(self, node: Any) -> str | None:
        """The module-level function whose result an expression is, or a part of:
        ``start_export(day)``, ``start_export(day)["taskArn"]``, or a name bound to one."""
        if isinstance(node, cst.List | cst.Tuple) and len(node.elements) == 1:
            node = node.elements[0].value  # tasks=[arn]
        while True:
            if isinstance(node, cst.Subscript | cst.Attribute):
                node = node.value
            elif isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
                node = node.func.value
            else:
                break
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Name):
            name = node.func.value
            for scope in self.scopes[1:]:
                if scope.kind != "class" and (name in scope.other or name in scope.clients):
                    return None  # a local name, not the module's function
            return name
        if isinstance(node, cst.Name):
            for scope in reversed(self.scopes):
                if scope.kind == "class":
                    continue
                if node.value in scope.helper_results:
                    return scope.helper_results[node.value]
                if node.value in scope.other:
                    return None
        return None

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind(node.target, node.value)

    def _bind(self, target: Any, value: Any) -> None:
        scope = self.scopes[-1]
        client = self._is_client(value)
        if (
            isinstance(value, cst.Call)
            and (
                self._cdk_class(value, "aws_ecs") in cdk.TASK_DEFINITIONS
                or self._cdk_class(value, "aws_ecs_patterns") in cdk.PATTERNS
            )
            and (isinstance(target, cst.Name) or _is_self_attribute(target))
        ):
            self._pending_binding = self.module.code_for_node(target)
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
            helper = self._helper_source(value)
            if helper:
                scope.helper_results[name] = helper
            else:
                scope.helper_results.pop(name, None)
            image = self._registry_image(value)
            if image is not None:
                scope.images[name] = image
            else:
                scope.images.pop(name, None)
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

    def _cdk_class(self, node: cst.Call, library: str = "aws_ecs") -> str | None:
        """The class a call constructs from ``aws_cdk.<library>`` (aws_ecs, aws_ecs_patterns)."""
        func = node.func
        if isinstance(func, cst.Attribute):
            owner = self.module.code_for_node(func.value)  # ecs, aws_cdk.aws_ecs, cdk.aws_ecs
            modules = self.ecs_modules if library == "aws_ecs" else self.pattern_modules
            if owner in modules or (
                owner.endswith("." + library) and owner.split(".")[0] in self.cdk_roots
            ):
                return func.attr.value
        if isinstance(func, cst.Name):
            found = self.cdk_names.get(func.value)
            return found[1] if found and found[0] == library else None
        return None

    def _registry_image(self, node: Any) -> Any:
        """The reference in ``ecs.ContainerImage.from_registry("nginx:1.27")``, else None."""
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "from_registry"
            and node.args
            and node.args[0].keyword is None
        ):
            return literal(node.args[0].value, self.module)
        if isinstance(node, cst.Name):
            for scope in reversed(self.scopes):
                if scope.kind == "class":
                    continue
                if node.value in scope.images:
                    return scope.images[node.value]
                if node.value in scope.other:
                    return None  # a parameter or another binding
        return None

    # --- calls -------------------------------------------------------------------------

    def visit_Call(self, node: cst.Call) -> None:
        if self._is_ecs_call(node):
            self._ecs_call(node)
            return
        construct = self._cdk_class(node)
        pattern = self._cdk_class(node, "aws_ecs_patterns")
        func = node.func
        if construct in cdk.TASK_DEFINITIONS:
            self._cdk_task_definition(node, construct)
        elif construct in cdk.SERVICES:
            self._cdk_service(node, construct == "FargateService")
        elif construct == cdk.CONTAINER:  # ecs.ContainerDefinition(self, "Id", task_definition=td)
            given = cdk.keyword(node, "task_definition")
            resource = (
                self.task_definitions.get(self.module.code_for_node(given)) if given else None
            )
            if resource is not None:
                id_arg = node.args[1] if len(node.args) > 1 else None
                name_node = id_arg.value if id_arg and id_arg.keyword is None else None
                self._cdk_container(node, resource, name_node or cdk.keyword(node, "id"))
        elif pattern in cdk.PATTERNS:
            self._cdk_pattern(node, pattern)
        elif (
            isinstance(func, cst.Attribute)
            and func.attr.value == "add_container"
            and self.module.code_for_node(func.value) in self.task_definitions
        ):
            first = node.args[0] if node.args else None
            name_node = (
                first.value
                if first is not None and first.keyword is None and not first.star
                else cdk.keyword(node, "id")
            )
            resource = self.task_definitions[self.module.code_for_node(func.value)]
            self._cdk_container(node, resource, name_node)
        elif (
            isinstance(func, cst.Attribute)
            and func.attr.value == "add_property_override"
            and node.args
            and "EnableECSManagedTags" in self.module.code_for_node(node.args[0].value)
        ):
            self.managed_tags_override = True  # the escape hatch past ScheduledFargateTask

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
        call = {
            "method": method,
            "pointer": pointer,
            "kwargs": kwargs,
            "spread": spread,
            "stops_own_task": method == "stop_task"
            and task is not None
            and self._mentions_run_result(task),
        }
        code.calls.append(call)
        helper = self._helper_source(task) if method == "stop_task" and task is not None else None
        if helper and not call["stops_own_task"]:
            self.helper_stops.append((call, helper))  # judged once every function is read
        if method == "run_task" and not (spread and "enableECSManagedTags" not in kwargs):
            self.resources.append(PythonRunTask(self.document, pointer, kwargs, node))

    def _position(self, pointer: str, node: cst.CSTNode) -> None:
        self.located[pointer] = node

    def _identifier(self, node: cst.Call) -> Any:
        """The construct's id: ``ecs.X(self, "Id", ...)``."""
        if len(node.args) > 1 and node.args[1].keyword is None and not node.args[1].star:
            return literal(node.args[1].value, self.module)
        found = cdk.keyword(node, "id")
        return literal(found, self.module) if found is not None else None

    def _take_binding(self) -> str | None:
        name, self._pending_binding = self._pending_binding, None
        return name

    def _cdk_task_definition(self, node: cst.Call, kind: str) -> None:
        """``FargateTaskDefinition``, ``Ec2TaskDefinition`` or the generic ``TaskDefinition``,
        with CDK's defaults (``python_cdk``)."""
        args = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        kwargs, spread = self._kwargs(node)
        pointer = self._pointer(node, "task_definition")
        self._keyword_positions(
            pointer,
            node,
            {
                "memory_limit_mib": "memory",
                "memory_mib": "memory",
                "network_mode": "networkMode",
                "compatibility": "requiresCompatibilities",
            },
        )
        spread_value = Unknown("**kwargs")

        def size(name: str, default: int | None) -> Any:
            if name in kwargs:
                found = kwargs[name]
                return found if isinstance(found, Unknown) else str(found)
            if spread:
                return spread_value
            return None if default is None else str(default)

        compatibility: Any
        mode: Any
        cpu = memory = None
        if kind == "FargateTaskDefinition":
            compatibility, mode = ["FARGATE"], "awsvpc"
            cpu, memory = size("cpu", 256), size("memory_limit_mib", 512)
        else:
            if kind == "Ec2TaskDefinition":
                compatibility = ["EC2"]
            elif "compatibility" in args:
                given = args["compatibility"]
                compatibility = cdk.compatibilities(given, self.module.code_for_node(given))
            else:  # required by CDK: a call without it does not synthesize
                compatibility = spread_value if spread else Unknown("(no compatibility)")
                self.located[f"{pointer}/requiresCompatibilities"] = self.located[pointer]
            fargate = isinstance(compatibility, list) and "FARGATE" in compatibility
            if "network_mode" in args:
                given = args["network_mode"]
                mode = cdk.network_mode(given, self.module.code_for_node(given))
            else:
                mode = spread_value if spread else ("awsvpc" if fargate else "bridge")
            if kind == "TaskDefinition":
                cpu, memory = size("cpu", None), size("memory_mib", None)
        identifier = self._identifier(node)
        family = kwargs.get("family")
        if not isinstance(family, str):
            family = identifier if isinstance(identifier, str) else "(CDK task definition)"
        data: dict[str, Any] = {"family": family, "requiresCompatibilities": compatibility}
        if mode is not None:
            data["networkMode"] = mode
        if cpu is not None:
            data["cpu"] = cpu
        if memory is not None:
            data["memory"] = memory
        data["executionRoleArn"] = "(created by CDK)"  # CDK adds one when a container needs it
        data["containerDefinitions"] = []
        resource = TaskDefinition(self.document, pointer, data, "", wrapped=True)
        self.resources.append(resource)
        name = self._take_binding()
        if name:
            self.task_definitions[name] = resource

    def _cdk_container(self, node: cst.Call, resource: TaskDefinition, name_node: Any) -> None:
        """``task_definition.add_container("web", image=..., logging=...)`` (or a
        ``ContainerDefinition`` construct): ``name_node`` is the container's name."""
        fields = cdk.fields(node)
        if "container_name" in fields:  # ContainerDefinitionOptions.container_name wins
            name_node = fields["container_name"][1]
        name = literal(name_node, self.module) if name_node is not None else None
        logging: Any = None
        if "logging" in fields:
            logging = cdk.log_configuration(fields["logging"][1], self.module, literal)
        elif any(a.star == "**" for a in node.args):
            logging = Unknown("**kwargs")
        self._add_container(resource, node, fields, name, logging)

    def _add_container(
        self,
        resource: TaskDefinition,
        anchor: cst.CSTNode,
        fields: cdk.Fields,
        name: Any,
        logging: Any,
    ) -> None:
        """One container of a CDK task definition, in the API's field names."""
        index = len(resource.data["containerDefinitions"])
        pointer = f"{resource.pointer}/containerDefinitions/{index}"
        self._position(pointer, anchor)
        for key, (at, _value) in fields.items():
            if key in _CONTAINER_FIELDS:
                self._position(f"{pointer}/{_CONTAINER_FIELDS[key]}", at)
        container: dict[str, Any] = {"name": name if isinstance(name, str) else f"#{index}"}
        if "image" in fields:
            image = self._registry_image(fields["image"][1])
            if isinstance(image, str):
                container["image"] = image
        environment = (
            literal(fields["environment"][1], self.module) if "environment" in fields else None
        )
        if isinstance(environment, dict):
            container["environment"] = [{"name": k, "value": v} for k, v in environment.items()]
        if logging is not None:
            container["logConfiguration"] = logging
        essential = literal(fields["essential"][1], self.module) if "essential" in fields else None
        if isinstance(essential, bool):
            container["essential"] = essential
        resource.data["containerDefinitions"].append(container)

    def _cdk_pattern(self, node: cst.Call, pattern: str) -> None:
        """An ``aws_ecs_patterns`` construct: the task definition it creates (or the one it is
        given), its service, and for ``ScheduledFargateTask`` the RunTask its rule makes."""
        options_key, default_name, has_service = cdk.PATTERNS[pattern]
        fields = cdk.fields(node)
        spread = any(a.star == "**" for a in node.args)
        identifier = self._identifier(node)
        binding = self._take_binding()
        given = fields.get(options_key) if options_key else None
        options = fields if options_key is None else cdk.struct(given[1]) if given else None
        if pattern == cdk.SCHEDULED:
            definition = fields.get("scheduled_fargate_task_definition_options")
            reference = (cdk.struct(definition[1]) or {}) if definition else {}
            referenced = reference.get("task_definition")
            sizes, sizes_spread = options or {}, False  # the construct's own cpu/memory: ignored
        else:
            referenced, sizes, sizes_spread = fields.get("task_definition"), fields, spread
        resource: TaskDefinition | None = None
        if referenced is not None:
            resource = self.task_definitions.get(self.module.code_for_node(referenced[1]))
        elif options is not None and "image" in options:
            resource = self._pattern_task_definition(
                node, identifier, options, sizes, sizes_spread, given, default_name, pattern
            )
        if resource is not None and binding:
            self.task_definitions[f"{binding}.task_definition"] = resource
        if has_service:
            self._cdk_service(node, True, resource)
        if pattern == cdk.SCHEDULED:
            self._scheduled_task(node, identifier, resource)

    def _pattern_task_definition(
        self,
        node: cst.Call,
        identifier: Any,
        options: cdk.Fields,
        sizes: cdk.Fields,
        sizes_spread: bool,
        given: tuple[cst.CSTNode, cst.BaseExpression] | None,
        default_name: str,
        pattern: str,
    ) -> TaskDefinition:
        pointer = self._pointer(node, "task_definition")

        def size(name: str, api_name: str, default: int) -> Any:
            if name in sizes:
                self._position(f"{pointer}/{api_name}", sizes[name][0])
                found = literal(sizes[name][1], self.module)
                return found if isinstance(found, Unknown) else str(found)
            return Unknown("**kwargs") if sizes_spread else str(default)

        family = literal(options["family"][1], self.module) if "family" in options else None
        if not isinstance(family, str):
            family = identifier if isinstance(identifier, str) else "(CDK task definition)"
        data: dict[str, Any] = {
            "family": family,
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": size("cpu", "cpu", 256),
            "memory": size("memory_limit_mib", "memory", 512),
            "executionRoleArn": "(created by CDK)",
            "containerDefinitions": [],
        }
        resource = TaskDefinition(self.document, pointer, data, "", wrapped=True)
        self.resources.append(resource)
        name = (
            literal(options["container_name"][1], self.module)
            if "container_name" in options
            else default_name
        )
        prefix = identifier if isinstance(identifier, str) else Unknown("(the construct's id)")
        logging: Any = cdk.default_awslogs(prefix)  # what the pattern adds
        if "log_driver" in options:
            logging = cdk.log_configuration(options["log_driver"][1], self.module, literal)
        elif "enable_logging" in options and pattern != cdk.SCHEDULED:
            enabled = literal(options["enable_logging"][1], self.module)
            if enabled is False:
                logging = None
            elif enabled is not True:
                logging = Unknown(self.module.code_for_node(options["enable_logging"][1]))
        container_fields = {
            k: v
            for k, v in options.items()
            if k in ("image", "environment", "secrets", "log_driver")
        }
        anchor = given[1] if given is not None else node
        self._add_container(resource, anchor, container_fields, name, logging)
        return resource

    def _scheduled_task(
        self, node: cst.Call, identifier: Any, resource: TaskDefinition | None
    ) -> None:
        """The RunTask a ScheduledFargateTask's EventBridge rule makes on every run."""
        kwargs, spread = self._kwargs(node)
        pointer = self._pointer(node, "run_task")
        self._keyword_positions(pointer, node, {"propagate_tags": "propagateTags"})
        family = resource.family if resource is not None else None
        data: dict[str, Any] = {
            "taskDefinition": family
            if isinstance(family, str)
            else Unknown("(task definition not known statically)")
        }
        if "propagate_tags" in kwargs:
            data["propagateTags"] = kwargs["propagate_tags"]
        elif spread:
            data["propagateTags"] = Unknown("**kwargs")
        name = identifier if isinstance(identifier, str) else "(CDK scheduled task)"
        task = CdkScheduledTask(self.document, pointer, data, name)
        self.resources.append(task)
        self.scheduled.append(task)

    def _cdk_service(
        self, node: cst.Call, fargate: bool, task_definition: TaskDefinition | None = None
    ) -> None:
        """A CDK service (or the one a pattern creates), linked to its task definition by
        family when the module defines it, so ``lint --cost`` can price it."""
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
        if task_definition is None:
            given = cdk.keyword(node, "task_definition")
            if given is not None:
                task_definition = self.task_definitions.get(self.module.code_for_node(given))
        if task_definition is not None and isinstance(task_definition.family, str):
            data["taskDefinition"] = task_definition.family
        if type(kwargs.get("desired_count")) is int:
            data["desiredCount"] = kwargs["desired_count"]
        if "capacity_provider_strategies" not in kwargs and not spread:
            data["launchType"] = "FARGATE" if fargate else "EC2"
        self.resources.append(Service(self.document, pointer, data, "", wrapped=True))

    def finish(self) -> None:
        """What needs the whole module: which module-level functions hand out a run_task
        result (directly or through another such function), and the escape hatch."""
        started: set[str] = set()
        changed = True
        while changed:
            changed = False
            for function, sources in self.returns.items():
                if (
                    function in self.module_functions
                    and function not in started
                    and ("run_task" in sources or sources & started)
                ):
                    started.add(function)
                    changed = True
        for call, function in self.helper_stops:
            if function in started:
                call["stops_own_task"] = True
                call["started_by"] = function
        if self.managed_tags_override:
            for task in self.scheduled:
                task.data["enableECSManagedTags"] = Unknown("add_property_override")


def _target_names(node: Any) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, cst.Tuple | cst.List):
        return [n for e in node.elements for n in _target_names(e.value)]
    return []


def _is_self_attribute(node: Any) -> bool:
    return (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == "self"
    )


def collect(module: cst.Module, document: PythonDocument) -> list[Any]:
    collector = _Collector(module, document)
    module.visit(collector)
    collector.finish()
    document.positions.update(starts(module, document.text, collector.located))
    return [*collector.resources, *(c for c in collector.code.values() if c.calls)]
