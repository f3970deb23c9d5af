"""Resource tags: what Security Hub's tagging controls (ECS.13, ECS.14) check, where a file can tell.

The managed-tag rules (ECS501, ECS502, ECS603) ask ECS to tag tasks with the cluster and service
names. Tags of a team's own (team, cost centre, environment) live on the service, the task
definition and the cluster, and only reach the bill when a service propagates them to its tasks.
"""

from __future__ import annotations

from collections.abc import Iterator

from advisor.model import INFO, Kind, Resource
from advisor.rules.base import Hit, Rule, RuleOptions
from advisor.values import is_unknown

_SERVICE = """{{
  "cluster": "prod",
  "serviceName": "billing-api",
  "taskDefinition": "billing-api:7",
  "desiredCount": 2,
  "launchType": "FARGATE",
  "enableECSManagedTags": true,
  "propagateTags": "SERVICE",{tags}
  "networkConfiguration": {{
    "awsvpcConfiguration": {{"subnets": ["subnet-0a1b2c3d"], "assignPublicIp": "DISABLED"}}
  }}
}}"""

_TAGS = """
  "tags": [{"key": "team", "value": "payments"}, {"key": "cost-centre", "value": "cc-4102"}],"""

_KINDS = {Kind.SERVICE: "service", Kind.CLUSTER: "cluster"}


def own_tags(tags: object) -> list[object] | None:
    """The tags a team set (keys not reserved by AWS's ``aws:`` prefix); None: not known."""
    if is_unknown(tags) or not isinstance(tags, list):
        return None
    return [
        tag
        for tag in tags
        if not (isinstance(tag, dict) and str(tag.get("key", "")).lower().startswith("aws:"))
    ]


class ResourceWithoutTags(Rule[Resource]):
    code = "ECS812"
    name = "resource-without-tags"
    severity = INFO
    applies_to = (Kind.SERVICE, Kind.CLUSTER)
    summary = (
        "A service or cluster request that carries no tags of its own (keys starting with "
        "`aws:` do not count)."
    )
    rationale = (
        "ECS managed tags say which cluster and service a task belongs to; only a team's own "
        "tags say whose it is and which budget pays. A service with `propagateTags: SERVICE` "
        "and no tags propagates nothing, so its tasks reach the bill with the managed tags "
        "alone. It is judged only where the file can tell: a request (create-service, "
        "create-cluster input) without `tags` sends none, and the audit reads services with their "
        "tags. describe-* output in a file may have been read without `--include TAGS`, and CDK "
        "applies tags through `Tags.of()`, which the source cannot see: neither is judged. It is info because "
        "many teams tag through their deployment tool instead (CloudFormation stack tags, "
        "Terraform `default_tags`), which no single file shows. Task definitions (Security Hub "
        "ECS.15) are not judged: their tags reach the bill only through a service or RunTask "
        "that propagates `TASK_DEFINITION`, and 40 of the 42 public task definitions in our "
        "test corpus carry none, so the finding would say nothing about cost."
    )
    example = _SERVICE.format(tags="")
    fixed = _SERVICE.format(tags=_TAGS)
    fix = (
        "Add `tags` with the keys your organization bills and owns by (team, cost centre, "
        "environment), and propagate them to tasks (`propagateTags`)."
    )
    references = ("Security Hub ECS.13", "Security Hub ECS.14")

    def check(self, resource: Resource, options: RuleOptions) -> Iterator[Hit]:
        data = resource.data
        if resource.wrapped and not resource.document.from_api:
            # describe-* output in a file may have been read without --include TAGS, and CDK
            # tags through Tags.of(): not known. The audit asks for tags, so live data says.
            return
        tags = own_tags(data.get("tags", []))
        if tags is None or tags:
            return
        what = _KINDS.get(resource.kind, str(resource.kind))
        propagates = resource.kind is Kind.SERVICE and data.get("propagateTags") == "SERVICE"
        yield Hit(
            resource.at("tags") if "tags" in data else resource.pointer,
            f"{what} {resource.label} has no tags of its own"
            + (", so propagateTags SERVICE gives its tasks none" if propagates else ""),
        )
