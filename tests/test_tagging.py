"""resource-without-tags (ECS812): Security Hub ECS.13/ECS.14, judged only where a file can tell."""

from __future__ import annotations

import json

import pytest
from conftest import good_service
from test_security_rules import cluster_findings


def tag_findings(linter, document: dict, name: str = "service.json"):
    return [f for f in linter.findings(document, name) if f.name == "resource-without-tags"]


def test_a_create_service_request_without_tags_hits_and_says_propagation_gives_nothing(linter):
    service = good_service()
    del service["tags"]
    [finding] = tag_findings(linter, service)
    assert finding.code == "ECS812" and finding.severity == "info"
    assert finding.location.pointer == "" and finding.location.line == 1
    assert finding.message == (
        "service prod/web has no tags of its own, so propagateTags SERVICE gives its tasks none"
    )


def test_only_aws_reserved_tags_count_as_none(linter):
    service = good_service(tags=[{"key": "aws:cloudformation:stack-name", "value": "prod"}])
    [finding] = tag_findings(linter, service)
    assert finding.location.pointer == "/tags"
    assert finding.message == (
        "service prod/web has no tags of its own, so propagateTags SERVICE gives its tasks none"
    )


def test_without_propagation_the_message_does_not_claim_it(linter):
    service = good_service(propagateTags="NONE", tags=[])
    [finding] = tag_findings(linter, service)
    assert finding.message == "service prod/web has no tags of its own"


@pytest.mark.parametrize(
    "tags", [[{"key": "team", "value": "web"}], "${TAGS}", [{"key": "Owner", "value": "x"}]]
)
def test_own_tags_or_a_templated_value_are_quiet(linter, tags):
    assert tag_findings(linter, good_service(tags=tags)) == []


def test_describe_services_output_read_without_tags_is_not_judged(linter):
    service = good_service()
    del service["tags"]
    service["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/prod/web"
    assert tag_findings(linter, {"services": [service], "failures": []}) == []


def test_describe_services_output_with_an_empty_tag_list_is_not_judged_either(linter):
    # Saved describe-* output may come from a call without --include TAGS: it cannot tell.
    service = good_service(tags=[])
    service["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/prod/web"
    assert tag_findings(linter, {"services": [service], "failures": []}) == []


def test_task_definitions_are_not_judged(linter):
    taskdef = json.loads(
        '{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.27"}]}'
    )
    assert [f for f in linter.findings(taskdef) if f.name == "resource-without-tags"] == []


def test_a_cluster_without_tags_hits_and_with_tags_is_quiet():
    untagged = [f for f in cluster_findings({"clusterName": "prod"}) if f.code == "ECS812"]
    assert [f.message for f in untagged] == ["cluster prod has no tags of its own"]
    tagged = {"clusterName": "prod", "tags": [{"key": "team", "value": "platform"}]}
    assert [f for f in cluster_findings(tagged) if f.code == "ECS812"] == []
