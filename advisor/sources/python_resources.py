"""What the Python source makes: its document and its resources.

Kept apart from ``python_code`` (the source's door) and ``python_visitor`` (the libcst walk that
builds these), so that the two import it and not each other. Imports no libcst (the fix
does, when ``--fix`` asks for it).
"""

from __future__ import annotations

from typing import Any

from advisor.model import Edit, Kind, Location, Resource, RunTaskRequest


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
    document: PythonDocument  # what __init__ takes: the fix needs its libcst module

    def __init__(self, document: PythonDocument, pointer: str, kwargs: dict, node: Any) -> None:
        super().__init__(document, pointer, kwargs)
        self.node = node  # the libcst Call, for the fix

    def managed_tags_edit(self) -> Edit | None:
        from advisor.sources.python_fixes import managed_tags_edit

        return managed_tags_edit(self.document.module, self.node)


class CdkScheduledTask(RunTaskRequest):
    """The RunTask an AWS CDK ``ScheduledFargateTask`` makes on every run of its EventBridge rule.

    The construct's target (``aws_events_targets.EcsTask``) passes ``propagate_tags`` and
    ``tags`` but has no option for ECS managed tags, so the rule's EcsParameters never set
    EnableECSManagedTags unless the code overrides it on the synthesized ``CfnRule`` (an escape
    hatch the source looks for) or schedules the task another way (``aws_scheduler`` with
    ``aws_scheduler_targets.EcsRunFargateTask(enable_ecs_managed_tags=True)``).
    """

    __slots__ = ("construct",)

    def __init__(self, document: PythonDocument, pointer: str, data: dict, construct: str) -> None:
        super().__init__(document, pointer, data)
        self.construct = construct  # the construct's id

    def evidence(self) -> dict[str, Any]:
        return {
            "count": 1,
            "call": "ScheduledFargateTask",
            "construct": self.construct,
            "managed_tags": (
                "ScheduledFargateTask has no option for ECS managed tags: override "
                "Targets.0.EcsParameters.EnableECSManagedTags on its event rule's CfnRule, or "
                "schedule the task with aws_scheduler and aws_scheduler_targets."
                "EcsRunFargateTask(enable_ecs_managed_tags=True)"
            ),
        }
