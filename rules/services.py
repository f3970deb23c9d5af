"""Service configuration: tags that let you see what a service costs."""

from __future__ import annotations

import json
from collections.abc import Iterator

from advisor.model import WARNING, Document, Fix, Kind, Service
from advisor.values import is_unknown
from rules.base import Hit, Rule, RuleOptions

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


def _insert(service: Service, key: str, value: object) -> Fix | None:
    """Add a missing member to a create-service file; describe output is AWS's, not edited."""
    if not service.editable or not isinstance(service.document, Document):
        return None
    document = service.document
    return Fix(lambda: list(filter(None, [document.insert_member(service.pointer, key, value)])))


class ServiceWithoutManagedTags(Rule[Service]):
    fix_safety = 'Safe: lint --fix adds "enableECSManagedTags": true to a create-service file (one inserted line); tags change no behaviour, only what the bill can tell.'
    code = "ECS501"
    name = "service-without-managed-tags"
    severity = WARNING
    applies_to = (Kind.SERVICE,)
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

    fixable = True

    def check(self, resource: Service, options: RuleOptions) -> Iterator[Hit]:
        value = resource.data.get("enableECSManagedTags")
        if value is True or is_unknown(value):
            return
        if value is None:
            yield Hit(
                resource.pointer,
                f"service {resource.label} does not enable ECS managed tags",
                fix=_insert(resource, "enableECSManagedTags", True),
            )
        else:
            yield Hit(
                resource.at("enableECSManagedTags"),
                f"service {resource.label} sets enableECSManagedTags to {json.dumps(value)}, not true",
            )


class ServiceTagsNotPropagated(Rule[Service]):
    fix_safety = 'Safe: lint --fix adds "propagateTags": "SERVICE" to a create-service file (one inserted line).'
    code = "ECS502"
    name = "service-tags-not-propagated"
    severity = WARNING
    applies_to = (Kind.SERVICE,)
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

    fixable = True

    def check(self, resource: Service, options: RuleOptions) -> Iterator[Hit]:
        value = resource.data.get("propagateTags")
        if is_unknown(value):
            return
        if value is None:
            yield Hit(
                resource.pointer,
                f"service {resource.label} does not propagate tags to its tasks",
                fix=_insert(resource, "propagateTags", "SERVICE"),
            )
        elif value == "NONE":
            yield Hit(
                resource.at("propagateTags"),
                f"service {resource.label} sets propagateTags to NONE; its tasks carry no cost tags",
            )
