"""What RegisterTaskDefinition refuses: names, references, sizes and Fargate's limits.

Each rule here is a mistake AWS rejects when the task definition is registered (a
``ClientException`` from the API, a failed deploy in CI), so each is an error. Where a value is
only known later (``Unknown``: a template, an expression) the rule does not guess: a reference
that could match a name nobody knows yet is not reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from advisor.fargate import format_cpu, format_memory, parse_cpu, parse_memory
from advisor.model import ERROR, Kind, TaskDefinition
from advisor.rules.base import Hit, Rule, RuleOptions, container_hits
from advisor.values import is_unknown, text_of

_TASK = """{{
  "family": "shop",
  "requiresCompatibilities": ["{compatibility}"],
  "networkMode": "awsvpc",
  "cpu": "{cpu}",
  "memory": "2048",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",{task}
  "containerDefinitions": [
    {{
      "name": "app",
      "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop:4.2.0",
      "cpu": 768,
      "memoryReservation": 1536,{app}
      "logConfiguration": {{
        "logDriver": "awslogs",
        "options": {{
          "awslogs-group": "/ecs/shop",
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "shop"
        }}
      }}
    }},
    {{
      "name": "{sidecar}",
      "image": "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
      "cpu": 256,
      "memoryReservation": 512,
      "essential": false
    }}
  ]{volumes}
}}"""


def _task(
    app: str = "",
    sidecar: str = "otel",
    task: str = "",
    cpu: str = "1024",
    volumes: str = "",
    compatibility: str = "FARGATE",
) -> str:
    return _TASK.format(
        app=app, sidecar=sidecar, task=task, cpu=cpu, volumes=volumes, compatibility=compatibility
    )


def _known_names(resource: TaskDefinition) -> set[str] | None:
    """The containers' names, or None when one is not known (a reference may name it)."""
    names: set[str] = set()
    for _index, container in resource.containers():
        name = container.get("name")
        if not isinstance(name, str):
            return None
        names.add(name)
    return names


class DuplicateContainerName(Rule[TaskDefinition]):
    code = "ECS306"
    name = "duplicate-container-name"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "Two container definitions of one task definition have the same `name`."
    rationale = (
        "A container's name is how everything else in the task refers to it (`dependsOn`, "
        "`links`, `volumesFrom`, a load balancer's `containerName`, overrides), so it must be "
        "unique within the task definition; RegisterTaskDefinition rejects a duplicate. It "
        "happens when a sidecar block is copied and only its image is changed. "
        "An error: AWS refuses the task definition, so nothing deploys."
    )
    example = _task(sidecar="app")
    fixed = _task()
    fix = "Give each container its own name, and update the references to the renamed one."

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        seen: set[str] = set()
        for index, container, name in container_hits(resource):
            if not isinstance(container.get("name"), str):
                continue
            if name in seen:
                yield Hit(
                    resource.at("containerDefinitions", index, "name"),
                    f"container name {name!r} is used by another container of the task; "
                    "names must be unique",
                )
            seen.add(name)


def _references(container: dict) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(path in the container, referenced name, what refers) for each reference it makes."""
    depends = container.get("dependsOn")
    for d_index, item in enumerate(depends if isinstance(depends, list) else []):
        if isinstance(item, dict) and isinstance(item.get("containerName"), str):
            yield ("dependsOn", d_index, "containerName"), item["containerName"], "dependsOn"
    links = container.get("links")
    for l_index, link in enumerate(links if isinstance(links, list) else []):
        if isinstance(link, str):  # "name" or "name:alias"
            yield ("links", l_index), link.split(":", 1)[0], "links"
    volumes_from = container.get("volumesFrom")
    for v_index, item in enumerate(volumes_from if isinstance(volumes_from, list) else []):
        if isinstance(item, dict) and isinstance(item.get("sourceContainer"), str):
            yield (
                ("volumesFrom", v_index, "sourceContainer"),
                item["sourceContainer"],
                "volumesFrom",
            )


def _uses_firelens(container: dict) -> bool:
    log = container.get("logConfiguration")
    return isinstance(log, dict) and log.get("logDriver") == "awsfirelens"


class UnknownContainerReference(Rule[TaskDefinition]):
    code = "ECS307"
    name = "unknown-container-reference"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = (
        "`dependsOn`, `links` or `volumesFrom` names a container the task does not have, or a "
        "container logs with `awsfirelens` and no container is the FireLens log router."
    )
    rationale = (
        "Containers refer to each other by name, and ECS resolves the names when the task "
        "definition is registered: a `dependsOn[].containerName`, a link (`name` or "
        "`name:alias`) or a `volumesFrom[].sourceContainer` that names no container of the task "
        "is rejected, and so is the `awsfirelens` log driver without a container that has a "
        "`firelensConfiguration` to route the logs. Typos and renamed sidecars are the usual "
        "causes. When a container's name is a template value, references are not judged: they "
        "may name it. "
        "An error: AWS refuses the task definition, so nothing deploys."
    )
    example = _task(
        app='\n      "dependsOn": [{"containerName": "otel-collector", "condition": "START"}],'
    )
    fixed = _task(app='\n      "dependsOn": [{"containerName": "otel", "condition": "START"}],')
    fix = (
        "Name an existing container (the message lists them), or add the missing container; for "
        "FireLens, add a log router container with `firelensConfiguration` (type `fluentbit`)."
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        names = _known_names(resource)
        if names is None:
            return
        known = ", ".join(repr(n) for n in sorted(names)) or "none"
        for index, container, name in container_hits(resource):
            for path, target, field in _references(container):
                if target not in names:
                    yield Hit(
                        resource.at("containerDefinitions", index, *path),
                        f"container {name!r} {field} names container {target!r}, which the "
                        f"task does not have (its containers: {known})",
                    )
        routers = [
            c
            for _, c in resource.containers()
            if isinstance(c.get("firelensConfiguration"), dict)
            or is_unknown(c.get("firelensConfiguration"))
        ]
        if routers:
            return
        for index, container, name in container_hits(resource):
            if _uses_firelens(container):
                yield Hit(
                    resource.at("containerDefinitions", index, "logConfiguration", "logDriver"),
                    f"container {name!r} logs with awsfirelens, but no container of the task "
                    "has a firelensConfiguration (the log router)",
                )


class UnknownVolumeReference(Rule[TaskDefinition]):
    code = "ECS308"
    name = "unknown-volume-reference"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A mount point's `sourceVolume` is not one of the task's `volumes`."
    rationale = (
        "A container mounts volumes the task declares: `mountPoints[].sourceVolume` must be the "
        "name of an entry in the task definition's `volumes`. Otherwise AWS rejects it (\"Unknown "
        'volume"). It happens when the volume is renamed, or declared in another revision. When '
        "a volume's name is a template value, mount points are not judged. "
        "An error: AWS refuses the task definition, so nothing deploys."
    )
    example = _task(
        app='\n      "mountPoints": [{"sourceVolume": "cache", "containerPath": "/var/cache/shop"}],',
        volumes=',\n  "volumes": [{"name": "shop-cache"}]',
    )
    fixed = _task(
        app='\n      "mountPoints": [{"sourceVolume": "shop-cache", "containerPath": "/var/cache/shop"}],',
        volumes=',\n  "volumes": [{"name": "shop-cache"}]',
    )
    fix = "Use the name of a declared volume, or declare the volume under the task's `volumes`."

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        volumes = resource.data.get("volumes")
        if volumes is not None and not isinstance(volumes, list):
            return  # a template's list, or a wrong type invalid-field-value reports
        declared: set[str] = set()
        for volume in volumes or []:
            if not isinstance(volume, dict):
                continue
            name = volume.get("name")
            if not isinstance(name, str):
                return  # a volume nobody can name yet: any mount point may be its
            declared.add(name)
        known = ", ".join(repr(n) for n in sorted(declared)) or "none"
        for index, container, name in container_hits(resource):
            mounts = container.get("mountPoints")
            for m_index, mount in enumerate(mounts if isinstance(mounts, list) else []):
                if not isinstance(mount, dict):
                    continue
                source = mount.get("sourceVolume")
                if isinstance(source, str) and source not in declared:
                    yield Hit(
                        resource.at(
                            "containerDefinitions", index, "mountPoints", m_index, "sourceVolume"
                        ),
                        f"container {name!r} mounts volume {source!r}, which the task does not "
                        f"declare (its volumes: {known})",
                    )


def _reserved_cpu(container: dict) -> int | None:
    """A container's CPU units (0 when unset), or None when not known."""
    value = container.get("cpu", 0)
    return value if type(value) is int else None


def _reserved_memory(container: dict) -> int | None:
    """What a container reserves of the task's memory: its soft limit if set, else its hard
    limit (0 when neither is set); None when not known."""
    value = container.get("memoryReservation")
    if value is None:
        value = container.get("memory", 0)
    return value if type(value) is int else None


class ContainerResourcesExceedTask(Rule[TaskDefinition]):
    code = "ECS309"
    name = "container-resources-exceed-task"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "The containers' `cpu`, or their reserved memory, add up to more than the task's."
    rationale = (
        "Task-level `cpu` and `memory` are what the task gets; the containers share them. The "
        "ECS API reference says the CPU reserved by all containers and the memory reserved by "
        "all containers must fit within the task's values, and RegisterTaskDefinition rejects a "
        "task definition whose containers add up to more. A container's memory reservation is "
        "its `memoryReservation` (soft limit) when set, else its `memory` (hard limit), as the "
        'API reference words it for `memory`: "If you specify memoryReservation, then that value '
        "is subtracted from the available memory resources ... Otherwise, the value of memory is "
        'used." So a hard limit above a smaller reservation is not counted; equal totals are '
        'allowed. Task sizes may be unit strings (`"1 vCPU"`, `"2 GB"`). Values a template '
        "sets are not added up; Windows task definitions for EC2 are left alone, since ECS "
        "ignores task-level sizes for Windows containers there. "
        "An error: AWS refuses the task definition, so nothing deploys."
    )
    example = _task(cpu="512")
    fixed = _task()
    fix = (
        "Raise the task's `cpu`/`memory` (on Fargate, to a valid size) or lower the containers' "
        "`cpu`/`memoryReservation`."
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if resource.is_windows and not resource.is_fargate:
            return  # ECS ignores task-level sizes for Windows containers on EC2
        containers = [(name, c) for _, c, name in container_hits(resource)]
        checks = (
            ("cpu", parse_cpu, _reserved_cpu, format_cpu, "CPU units", "cpu"),
            ("memory", parse_memory, _reserved_memory, format_memory, "MiB", "reserved memory"),
        )
        for key, parse, reserved_of, formatted, unit, what in checks:
            task_value = parse(resource.data.get(key))
            if task_value is None or not containers:
                continue
            amounts = [(name, reserved_of(container)) for name, container in containers]
            if any(amount is None for _, amount in amounts):
                continue  # a value only a template knows
            total = sum(amount or 0 for _, amount in amounts)
            if total > task_value:
                parts = ", ".join(f"{name} {amount}" for name, amount in amounts if amount)
                yield Hit(
                    resource.at(key),
                    f"the containers' {what} adds up to {total} {unit} ({parts}), more than "
                    f"the task's {formatted(task_value)} ({task_value} {unit})",
                )


# linuxParameters.capabilities.add: the one capability Fargate lets a task add.
_FARGATE_CAPABILITIES = {"SYS_PTRACE"}


def _fargate_container_problems(container: dict) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path in the container, what Fargate refuses) for each parameter Fargate rejects."""
    if container.get("privileged") is True:
        yield ("privileged",), "privileged containers"
    for key in ("links", "dockerSecurityOptions"):
        value = container.get(key)
        if isinstance(value, list) and value:
            yield (key,), key
    linux = container.get("linuxParameters")
    if not isinstance(linux, dict):
        return
    devices = linux.get("devices")
    if isinstance(devices, list) and devices:
        yield ("linuxParameters", "devices"), "host devices (linuxParameters.devices)"
    capabilities = linux.get("capabilities")
    added = capabilities.get("add") if isinstance(capabilities, dict) else None
    for c_index, capability in enumerate(added if isinstance(added, list) else []):
        if isinstance(capability, str) and capability.upper() not in _FARGATE_CAPABILITIES:
            yield (
                ("linuxParameters", "capabilities", "add", c_index),
                f"adding the {capability} capability (only SYS_PTRACE may be added)",
            )


class FargateUnsupportedParameter(Rule[TaskDefinition]):
    code = "ECS310"
    name = "fargate-unsupported-parameter"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = (
        "A Fargate task definition uses a parameter Fargate does not support (`privileged`, "
        "`pidMode` host, `ipcMode`, devices, `links`, `dockerSecurityOptions`, added "
        "capabilities other than `SYS_PTRACE`, placement constraints)."
    )
    rationale = (
        "Fargate runs tasks on hosts nobody else sees, so the parameters that reach the host are "
        "not available there: privileged containers, host devices, `dockerSecurityOptions`, "
        "`links` (awsvpc has none), added Linux capabilities except `SYS_PTRACE`, `pidMode` "
        "`host` (only `task` is supported), `ipcMode` (not supported on Fargate at all) and "
        "task placement constraints (an empty list is fine). A task definition that requires "
        "FARGATE compatibility and sets one is rejected at registration. Where "
        "`privileged-container` and `host-pid-namespace` warn about the risk on any launch "
        "type, this rule reports that AWS will refuse the task definition. "
        "An error: AWS refuses the task definition, so nothing deploys."
    )
    example = _task(app='\n      "privileged": true,')
    fixed = _task(app='\n      "privileged": false,')
    fix = (
        'Remove the parameter, or run the task on EC2 (`requiresCompatibilities: ["EC2"]`) if '
        "it really needs the host; for debugging, `SYS_PTRACE` is the one capability Fargate adds."
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if not resource.is_fargate:
            return
        data = resource.data
        if data.get("pidMode") == "host":
            yield Hit(
                resource.at("pidMode"),
                'Fargate does not support pidMode "host" (only "task"); registration fails',
            )
        ipc = data.get("ipcMode")
        if isinstance(ipc, str):
            yield Hit(
                resource.at("ipcMode"),
                f"Fargate does not support ipcMode (here {ipc!r}); registration fails",
            )
        constraints = data.get("placementConstraints")
        if isinstance(constraints, list) and constraints:
            yield Hit(
                resource.at("placementConstraints"),
                "Fargate does not support task placement constraints; registration fails",
            )
        for index, container, name in container_hits(resource):
            for path, what in _fargate_container_problems(container):
                yield Hit(
                    resource.at("containerDefinitions", index, *path),
                    f"container {name!r}: Fargate does not support {what}; registration fails",
                )


# RegisterTaskDefinition's quota on the size of a task definition.
MAX_TASK_DEFINITION_BYTES = 64 * 1024


def task_definition_size(data: dict) -> int:
    """Bytes of the task definition as compact UTF-8 JSON, the form an SDK or the CLI sends.

    A value a template fills in later counts with the text that stands for it.
    """
    compact = json.dumps(
        data,
        separators=(",", ":"),
        ensure_ascii=False,
        default=lambda value: text_of(value) if is_unknown(value) else str(value),
    )
    return len(compact.encode("utf-8"))


def _large_task(size: int) -> str:
    """A task definition made about ``size`` bytes of compact JSON by one long environment value."""
    route = "/shop/category/{:05d}=catalog-{};"  # 31 bytes a route
    routes = "".join(route.format(n, n % 7) for n in range(size // 31))
    return _task(app=f'\n      "environment": [{{"name": "ROUTES", "value": "{routes}"}}],')


class TaskDefinitionTooLarge(Rule[TaskDefinition]):
    code = "ECS311"
    name = "task-definition-too-large"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "The task definition is larger than the 64 KiB RegisterTaskDefinition accepts."
    rationale = (
        "ECS limits the size of a task definition to 64 KiB (65,536 bytes, a service quota that "
        "cannot be raised); a larger one is rejected at registration. The size measured is that "
        "of the task definition's JSON written compactly (no indentation or spaces between "
        "tokens) in UTF-8, which is what the AWS CLI and the SDKs send: the indentation of the "
        "file does not count, its content does. Output-only fields of a console export count "
        "too, as they would if the export were registered. Long inline scripts in `command`, "
        "large environments and many containers are the usual causes. "
        "An error: AWS refuses the request, so nothing deploys."
    )
    example = _large_task(66_000)
    # The fix the rule advises: the routes move to an environment file in S3.
    fixed = _task(
        app='\n      "environmentFiles": [{"value": "arn:aws:s3:::shop-config/routes.env", "type": "s3"}],'
    )
    fix = (
        "Move large values out of the task definition: environment into `environmentFiles` (S3) "
        "or `secrets`, inline scripts into the image; split unrelated containers into their own "
        "task definitions."
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        size = task_definition_size(resource.data)
        if size > MAX_TASK_DEFINITION_BYTES:
            yield Hit(
                resource.pointer,
                f"task definition {resource.label} is {size:,} bytes as compact JSON, over the "
                f"{MAX_TASK_DEFINITION_BYTES:,} bytes (64 KiB) ECS accepts",
            )
