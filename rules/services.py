"""Service configuration: tags that let you see what a service costs."""

from __future__ import annotations

import json
from collections.abc import Iterator

from advisor.model import WARNING, Service
from advisor.placeholders import has_placeholder
from rules.base import Hit, Rule

_SERVICE = """{{
  "cluster": "production",
  "serviceName": "web",
  "taskDefinition": "web:42",
  "desiredCount": 2,
  "launchType": "FARGATE",
  "networkConfiguration": {{
    "awsvpcConfiguration": {{"subnets": ["subnet-0abc1234"], "assignPublicIp": "DISABLED"}}
  }}{tags}
}}"""


def _service(tags: str) -> str:
    return _SERVICE.format(tags=tags)


class ServiceWithoutManagedTags(Rule):
    fix_safety = 'Safe: lint --fix adds "enableECSManagedTags": true to a create-service file (one inserted line); tags change no behaviour, only what the bill can tell.'
    code = "ECS501"
    name = "service-without-managed-tags"
    severity = WARNING
    applies_to = ("service",)
    summary = "A service that does not set `enableECSManagedTags: true`."
    rationale = (
        "ECS managed tags (`aws:ecs:clusterName`, `aws:ecs:serviceName`) are what let Cost "
        "Explorer and the Cost and Usage Report split Fargate spend by cluster and service. "
        "Without them a service's tasks are anonymous on the bill, and nobody can say what "
        "keeping it running 24/7 costs."
    )
    example = _service(',\n  "propagateTags": "SERVICE"')
    fixed = _service(',\n  "enableECSManagedTags": true,\n  "propagateTags": "SERVICE"')
    fix = 'Set `"enableECSManagedTags": true` and activate the tags as cost allocation tags in Billing.'

    def check(self, resource: Service) -> Iterator[Hit]:
        value = resource.data.get("enableECSManagedTags")
        if value is True or has_placeholder(value):
            return
        if value is None:
            yield Hit(
                resource.pointer, f"service {resource.label} does not enable ECS managed tags"
            )
        else:
            yield Hit(
                resource.at("enableECSManagedTags"),
                f"service {resource.label} sets enableECSManagedTags to {json.dumps(value)}, not true",
            )


class ServiceTagsNotPropagated(Rule):
    fix_safety = 'Safe: lint --fix adds "propagateTags": "SERVICE" to a create-service file (one inserted line).'
    code = "ECS502"
    name = "service-tags-not-propagated"
    severity = WARNING
    applies_to = ("service",)
    summary = "A service that does not propagate tags to its tasks (`propagateTags` unset or NONE)."
    rationale = (
        "Fargate is billed per task, so cost allocation tags must be on the tasks. Without "
        "`propagateTags` the tags on the service or task definition (team, cost centre) never "
        "reach the tasks, and the bill cannot be split by them."
    )
    example = _service(',\n  "enableECSManagedTags": true')
    fixed = _service(',\n  "enableECSManagedTags": true,\n  "propagateTags": "SERVICE"')
    fix = (
        'Set `"propagateTags": "SERVICE"` or `"TASK_DEFINITION"`, whichever carries your cost tags.'
    )

    def check(self, resource: Service) -> Iterator[Hit]:
        value = resource.data.get("propagateTags")
        if has_placeholder(value):
            return
        if value is None:
            yield Hit(
                resource.pointer, f"service {resource.label} does not propagate tags to its tasks"
            )
        elif value == "NONE":
            yield Hit(
                resource.at("propagateTags"),
                f"service {resource.label} sets propagateTags to NONE; its tasks carry no cost tags",
            )
