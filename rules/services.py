"""Service and RunTask configuration: tags that let you see what a service costs, and where
its tasks run."""

from __future__ import annotations

import json
from collections.abc import Iterator

from advisor.model import ERROR, WARNING, Document, Fix, Kind, Resource, Service
from advisor.rules.base import Hit, Rule, RuleOptions
from advisor.values import is_unknown

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


_BOTH_SET = """{
  "cluster": "production",
  "serviceName": "web",
  "taskDefinition": "web:42",
  "desiredCount": 2,
  "launchType": "FARGATE",
  "capacityProviderStrategy": [
    {"capacityProvider": "FARGATE_SPOT", "weight": 3},
    {"capacityProvider": "FARGATE", "base": 1, "weight": 1}
  ],
  "enableECSManagedTags": true,
  "propagateTags": "SERVICE"
}"""


class LaunchTypeWithCapacityProvider(Rule[Resource]):
    code = "ECS503"
    name = "launch-type-with-capacity-provider"
    severity = ERROR
    applies_to = (Kind.SERVICE, Kind.RUN_TASK)
    summary = (
        "A service or RunTask request that sets both `launchType` and `capacityProviderStrategy`."
    )
    rationale = (
        "The two are alternatives: a launch type places every task on one kind of capacity, a "
        "capacity provider strategy spreads tasks over providers (Fargate Spot, an Auto Scaling "
        "group). CreateService, UpdateService and RunTask reject a request with both "
        '("Specifying both a launch type and capacity provider strategy is not supported"), so '
        "the deployment fails. It usually happens when someone adds Fargate Spot to a file that "
        "still says `launchType: FARGATE`. An empty strategy list, or a value a template fills "
        "in, is not reported. "
        "An error: AWS refuses the request, so nothing deploys."
    )
    example = _BOTH_SET
    fixed = _BOTH_SET.replace('  "launchType": "FARGATE",\n', "")
    fix = (
        "Delete `launchType` to use the capacity provider strategy (`FARGATE` and `FARGATE_SPOT` "
        "are providers too), or delete `capacityProviderStrategy` to place every task with the "
        "launch type."
    )

    def check(self, resource: Resource, options: RuleOptions) -> Iterator[Hit]:
        launch_type = resource.data.get("launchType")
        strategy = resource.data.get("capacityProviderStrategy")
        if not isinstance(launch_type, str) or not launch_type:
            return  # unset, empty (a CLI skeleton), or only known once a template is rendered
        if not isinstance(strategy, list) or not strategy:
            return
        what = "service" if resource.kind is Kind.SERVICE else "RunTask request for"
        yield Hit(
            resource.at("launchType"),
            f"{what} {resource.label} sets both launchType and capacityProviderStrategy, "
            "which AWS rejects; keep one",
        )
