"""What Fargate requires of a task definition: a valid size, awsvpc, an execution role."""

from __future__ import annotations

import re
from collections.abc import Iterator

from advisor.fargate import (
    FARGATE_SIZES,
    WINDOWS_CPU,
    format_cpu,
    format_memory,
    is_valid_size,
    parse_cpu,
    parse_memory,
    valid_memory_text,
)
from advisor.model import ERROR, Kind, TaskDefinition
from advisor.rules.base import Hit, Rule, RuleOptions, container_hits
from advisor.values import is_unknown, text_of

_FARGATE_TASK = """{{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "{mode}",
  "cpu": "{cpu}",
  "memory": "{memory}",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {{
      "name": "web",
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.3.1",
      "portMappings": [{{"containerPort": 8080{host_port}}}],
      "logConfiguration": {{
        "logDriver": "awslogs",
        "options": {{
          "awslogs-group": "/ecs/web",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "web"
        }}
      }}
    }}
  ]
}}"""


def _task(mode="awsvpc", cpu="512", memory="1 GB", host_port="") -> str:
    return _FARGATE_TASK.format(mode=mode, cpu=cpu, memory=memory, host_port=host_port)


class InvalidFargateSize(Rule[TaskDefinition]):
    code = "ECS301"
    name = "invalid-fargate-size"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A Fargate task's CPU and memory are missing or not one of the Fargate sizes."
    rationale = (
        "Fargate runs only fixed CPU/memory pairs (0.25 vCPU with 0.5-2 GB up to 16 vCPU with "
        "32-120 GB, and 32 vCPU with 60, 120 or 244 GB) and needs both at task level. Any other "
        "pair is rejected at registration; Windows runs only 1, 2 or 4 vCPU. Unit strings such as "
        '`"1 vCPU"` and `"2 GB"` are accepted, as the API accepts them.'
    )
    example = _task(cpu="512", memory="512")
    fixed = _task(cpu="512", memory="1 GB")
    fix = "Pick a valid pair; the message lists the memory values allowed with the task's CPU."

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if not resource.is_fargate:
            return
        data = resource.data
        raw_cpu, raw_memory = data.get("cpu"), data.get("memory")
        if is_unknown(raw_cpu) or is_unknown(raw_memory):
            return
        missing = [k for k, v in (("cpu", raw_cpu), ("memory", raw_memory)) if v is None]
        if missing:
            yield Hit(
                resource.pointer,
                f"Fargate needs task-level {' and '.join(missing)}; "
                'set a Fargate size such as cpu "256" with memory "512"',
            )
            return
        cpu, memory = parse_cpu(raw_cpu), parse_memory(raw_memory)
        if cpu is None:
            yield Hit(
                resource.at("cpu"), f'cpu {raw_cpu!r} is not a CPU value (e.g. "256", "1 vCPU")'
            )
            return
        if memory is None:
            yield Hit(
                resource.at("memory"),
                f'memory {raw_memory!r} is not a memory value (e.g. "512", "2 GB")',
            )
            return
        if cpu not in FARGATE_SIZES:
            sizes = ", ".join(str(c) for c in FARGATE_SIZES)
            yield Hit(resource.at("cpu"), f"cpu {cpu} is not a Fargate CPU size ({sizes})")
        elif not is_valid_size(cpu, memory):
            yield Hit(
                resource.at("memory"),
                f"{format_cpu(cpu)} with {format_memory(memory)} is not a Fargate size; "
                f"with {format_cpu(cpu)} use {valid_memory_text(cpu)}",
            )
        elif resource.is_windows and cpu not in WINDOWS_CPU:
            yield Hit(
                resource.at("cpu"),
                f"Windows on Fargate runs 1, 2 or 4 vCPU, not {format_cpu(cpu)}",
            )


class FargateRequiresAwsvpc(Rule[TaskDefinition]):
    code = "ECS302"
    name = "fargate-requires-awsvpc"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A Fargate task definition whose `networkMode` is not `awsvpc`."
    rationale = (
        "Fargate supports only the awsvpc network mode; registration of a FARGATE-compatible task "
        "definition with `bridge`, `host` or `none`, or with no network mode (which means bridge), "
        "fails."
    )
    example = _task(mode="bridge")
    fixed = _task()
    fix = 'Set `"networkMode": "awsvpc"` (and give the service or RunTask call subnets).'

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if not resource.is_fargate:
            return
        mode = resource.data.get("networkMode")
        if mode is None:
            yield Hit(resource.pointer, 'Fargate requires networkMode "awsvpc"; none is set')
        elif isinstance(mode, str) and mode != "awsvpc":
            yield Hit(
                resource.at("networkMode"),
                f'Fargate requires networkMode "awsvpc", not {mode!r}',
            )


class AwsvpcHostPortMismatch(Rule[TaskDefinition]):
    code = "ECS303"
    name = "awsvpc-host-port-mismatch"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = (
        "With awsvpc (or host) networking, a `hostPort` that differs from its `containerPort`."
    )
    rationale = (
        "In awsvpc and host network modes the task owns its ports: `hostPort` must be omitted or "
        "equal to `containerPort`. A different value is rejected at registration; a copy-pasted "
        "bridge-mode mapping such as 80 -> 8080 is the usual cause."
    )
    example = _task(host_port=', "hostPort": 80')
    fixed = _task(host_port=', "hostPort": 8080')
    fix = "Remove `hostPort` or set it equal to `containerPort`."

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        mode = resource.network_mode
        if mode not in ("awsvpc", "host"):
            return
        for index, container, name in container_hits(resource):
            mappings = container.get("portMappings")
            if not isinstance(mappings, list):
                continue
            for m_index, mapping in enumerate(mappings):
                if not isinstance(mapping, dict):
                    continue
                host, inner = mapping.get("hostPort"), mapping.get("containerPort")
                if type(host) is int and type(inner) is int and host not in (0, inner):
                    yield Hit(
                        resource.at(
                            "containerDefinitions", index, "portMappings", m_index, "hostPort"
                        ),
                        f"container {name!r} maps hostPort {host} to containerPort {inner}; "
                        f"in {mode} mode they must be equal",
                    )


_ECR_PRIVATE = re.compile(r"^[^/]+\.dkr\.ecr\.[^/]+\.amazonaws\.com(\.cn)?/")


def _needs_execution_role(container: dict) -> str | None:
    """Why a container needs the task execution role on Fargate, or None."""
    log = container.get("logConfiguration")
    if isinstance(log, dict):
        if log.get("logDriver") == "awslogs":
            return "logs with awslogs"
        if log.get("secretOptions"):
            return "passes secrets to its log driver"
    if container.get("secrets"):
        return "reads secrets"
    if container.get("repositoryCredentials"):
        return "pulls with private registry credentials"
    if container.get("environmentFiles"):
        return "loads environment files from S3"
    image = text_of(container.get("image"))  # a templated region still names private ECR
    if image is not None and _ECR_PRIVATE.match(image):
        return "pulls from a private ECR repository"
    return None


class MissingExecutionRole(Rule[TaskDefinition]):
    code = "ECS304"
    name = "missing-execution-role"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A Fargate task needs an `executionRoleArn` (awslogs, secrets, ECR or registry auth) and has none."
    rationale = (
        "On Fargate the agent acts with the task execution role to pull private ECR images, send "
        "awslogs output, fetch `secrets` and registry credentials, and read environment files. "
        "Without it the task fails to start (`CannotPullContainerError`, `ResourceInitializationError`), "
        "typically only when it first runs."
    )
    example = _task().replace(
        '\n  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",', ""
    )
    fixed = _task()
    fix = "Set `executionRoleArn` to a role with `AmazonECSTaskExecutionRolePolicy` (plus access to your secrets)."

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if not resource.is_fargate or resource.data.get("executionRoleArn"):
            return
        for _index, container, name in container_hits(resource):
            reason = _needs_execution_role(container)
            if reason:
                yield Hit(
                    resource.pointer,
                    f"container {name!r} {reason}, which on Fargate needs an executionRoleArn; "
                    "none is set",
                )
                return


class NoEssentialContainer(Rule[TaskDefinition]):
    code = "ECS305"
    name = "no-essential-container"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = 'Every container is marked `"essential": false`.'
    rationale = (
        "A task needs at least one essential container: it is what ends the task when it exits. "
        "ECS rejects a task definition without one. (A container with no `essential` key is "
        "essential.)"
    )
    example = _task().replace('"name": "web",', '"name": "web",\n      "essential": false,')
    fixed = _task()
    fix = 'Mark the container whose exit should end the task as `"essential": true`.'

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        containers = resource.containers()
        if containers and all(c.get("essential") is False for _, c in containers):
            yield Hit(
                resource.at("containerDefinitions"),
                'no container is essential; mark the main container "essential": true',
            )
