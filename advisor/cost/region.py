"""Which region a service runs in, from what its configuration says, for lint ``--cost``.

A service is priced where it runs: its own ARNs say so, then its task definition's, then where
its containers log (``awslogs-region``) and the ECR registry their images come from. Only when
none of these says is the environment (``AWS_REGION``, ``AWS_DEFAULT_REGION``) used, then
us-east-1, and the cost says which.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from advisor.model import Service, TaskDefinition

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
_ARN = re.compile(rf"^arn:aws[a-z-]*:ecs:({_REGION}):")
_ECR = re.compile(rf"^\d{{12}}\.dkr\.ecr(?:-fips)?\.({_REGION})\.amazonaws\.com")
ASSUMED = "assumed: nothing in the configuration, AWS_REGION or AWS_DEFAULT_REGION says"


def _arn_region(value: object) -> str | None:
    found = _ARN.match(value) if isinstance(value, str) else None
    return found.group(1) if found else None


def _said(service: Service, task_definition: TaskDefinition | None) -> Iterator[tuple[str, str]]:
    """(region, what says it), most telling first."""
    data = service.data
    for key, what in (
        ("serviceArn", "the service's ARN"),
        ("taskDefinition", "the service's task definition ARN"),
        ("clusterArn", "the service's cluster ARN"),
        ("cluster", "the service's cluster ARN"),
    ):
        region = _arn_region(data.get(key))
        if region:
            yield region, what
    if task_definition is not None:
        yield from task_definition_says(task_definition.data)


def task_definition_says(data: dict) -> Iterator[tuple[str, str]]:
    """(region, what says it) from a task definition: its ARN, awslogs-region, ECR registry."""
    region = _arn_region(data.get("taskDefinitionArn"))
    if region:
        yield region, "the task definition's ARN"
    containers = data.get("containerDefinitions")
    containers = (
        [c for c in containers if isinstance(c, dict)] if isinstance(containers, list) else []
    )
    for container in containers:
        log = container.get("logConfiguration")
        options = log.get("options") if isinstance(log, dict) else None
        region = options.get("awslogs-region") if isinstance(options, dict) else None
        # A log option is printed only when it is a region's name (log options may hold secrets).
        if isinstance(region, str) and re.fullmatch(_REGION, region):
            yield region, f"awslogs-region of container {container.get('name')!r}"
    for container in containers:
        image = container.get("image")
        found = _ECR.match(image) if isinstance(image, str) else None
        if found:
            yield found.group(1), f"the ECR registry of container {container.get('name')!r}"


def environment_region() -> tuple[str, str]:
    """Where nothing in the configuration says: AWS_REGION, AWS_DEFAULT_REGION, us-east-1."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if os.environ.get(variable):
            return os.environ[variable], variable
    return "us-east-1", ASSUMED


def first_said(said: list[tuple[str, str]]) -> tuple[str, str, list[str]]:
    """The first place that names a region, else the environment's; with a note for each place
    that names another."""
    if not said:
        return (*environment_region(), [])
    region, where = said[0]
    others = sorted({f"{w} says {r}" for r, w in said[1:] if r != region})
    return region, where, [f"priced in {region}, although {o}" for o in others]


def service_region(
    service: Service, task_definition: TaskDefinition | None
) -> tuple[str, str, list[str]]:
    """(region, where it came from, notes on other places that name another region)."""
    return first_said(list(_said(service, task_definition)))
