"""Answers cut short or malformed never read as complete ones (issue 14, "Wrong answers").

ECS answers come from botocore's Stubber (shapes as the ECS API reference shows them: ListClusters
``clusterArns``, DescribeServices ``services`` and ``failures``, ...); STS from moto. Nothing
leaves the process.
"""

from __future__ import annotations

import json
from concurrent.futures import Future

import boto3
import moto
import pytest
from botocore.stub import Stubber
from conftest import fake_aws_environment

from advisor.audit import account_reader, aws_session, responses

REGION = "eu-west-1"
ARN = f"arn:aws:ecs:{REGION}:123456789012"
CLUSTER = f"{ARN}:cluster/prod"
TASKDEF = f"{ARN}:task-definition/report:1"


@pytest.fixture(autouse=True)
def aws(monkeypatch, tmp_path):
    fake_aws_environment(monkeypatch, tmp_path, REGION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with moto.mock_aws():
        yield


def _service(name: str) -> dict:
    return {
        "serviceArn": f"{ARN}:service/prod/{name}",
        "serviceName": name,
        "clusterArn": CLUSTER,
        "status": "ACTIVE",
        "desiredCount": 2,
        "runningCount": 2,
        "launchType": "FARGATE",
        "taskDefinition": TASKDEF,
        "enableECSManagedTags": True,
        "propagateTags": "SERVICE",
    }


TASK_DEFINITION = {
    "taskDefinitionArn": TASKDEF,
    "family": "report",
    "revision": 1,
    "requiresCompatibilities": ["FARGATE"],
    "networkMode": "awsvpc",
    "cpu": "256",
    "memory": "512",
    "containerDefinitions": [{"name": "report", "image": "acme/report:latest"}],
}


class _InlinePool:
    """The region reader's pool, run in the caller's thread: a Stubber answers in the order it
    was given, so the calls must come in the order the reader submits them."""

    def __init__(self, *_: object) -> None:
        pass

    def __enter__(self) -> _InlinePool:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def submit(self, function, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


@pytest.fixture
def ecs(monkeypatch):
    """The audit's ECS client, stubbed: the test queues the answers in the order asked."""
    monkeypatch.setattr(account_reader, "ThreadPoolExecutor", _InlinePool)
    client = boto3.client("ecs", region_name=REGION)
    stubber = Stubber(client)
    real = aws_session.client
    monkeypatch.setattr(
        aws_session,
        "client",
        lambda session, service, region=None: (
            client if service == "ecs" else real(session, service, region)
        ),
    )
    with stubber:
        yield stubber


def _audit(cli, *args: str) -> tuple[int, dict, str]:
    code, out, err = cli(
        "audit", "--region", REGION, "--cloudtrail", "none", "--format", "json", *args
    )
    return code, json.loads(out), err


def _listing(stubber: Stubber, names: list[str]) -> None:
    stubber.add_response("list_clusters", {"clusterArns": [CLUSTER]})
    stubber.add_response(
        "list_services", {"serviceArns": [f"{ARN}:service/prod/{n}" for n in names]}
    )


def test_a_describe_services_answer_without_services_is_an_error_not_zero_services(cli, ecs):
    _listing(ecs, ["a", "b"])
    ecs.add_response("describe_services", {})  # a body botocore could not parse reads as {}
    ecs.add_response("list_tasks", {"taskArns": []})
    code, report, err = _audit(cli)
    assert code == 2, err
    [error] = report["errors"]
    assert error["source"] == f"ecs:ListServices/DescribeServices {CLUSTER}"
    assert "no 'services' list" in error["message"]
    assert (error["account"], error["region"]) == ("123456789012", REGION)
    assert any("DescribeServices" in u and "unknown" in u for u in report["summary"]["unknown"])


def test_fewer_services_than_asked_for_is_an_error(cli, ecs):
    _listing(ecs, ["a", "b", "c"])
    ecs.add_response("describe_services", {"services": [_service("a")], "failures": []})
    ecs.add_response("list_tasks", {"taskArns": []})
    code, report, _ = _audit(cli, "--allow-partial")
    assert code == 0  # accepted as partial, and nothing found in what was read
    [error] = report["errors"]
    assert "asked for 3, answered 1 and 0 failures" in error["message"]


def test_describe_failures_are_reported_with_reason_and_arn(cli, ecs):
    _listing(ecs, ["a", "gone"])
    gone = f"{ARN}:service/prod/gone"
    ecs.add_response(
        "describe_services",
        {"services": [_service("a")], "failures": [{"arn": gone, "reason": "MISSING"}]},
    )
    ecs.add_response("list_tasks", {"taskArns": []})
    ecs.add_response("describe_task_definition", {"taskDefinition": TASK_DEFINITION})
    code, report, err = _audit(cli)
    assert code == 2
    [error] = report["errors"]
    assert error["source"] == f"ecs:DescribeServices {CLUSTER}"
    assert error["message"] == f"MISSING: {gone}"
    assert f"MISSING: {gone}" in err
    assert report["summary"]["services"] == 1  # the one that was read is still judged
    assert "mutable-image-tag" in {f["name"] for f in report["findings"]}


def test_a_list_page_without_its_list_is_an_error(cli, ecs):
    ecs.add_response("list_clusters", {})
    code, report, _ = _audit(cli)
    assert code == 2
    assert report["errors"][0]["source"] == "ecs:ListClusters"
    assert "no 'clusterArns' list" in report["errors"][0]["message"]


def test_stopped_tasks_answer_cut_short_is_an_error(cli, ecs):
    _listing(ecs, [])
    task = f"{ARN}:task/prod/0123456789abcdef0123456789abcdef"
    ecs.add_response("list_tasks", {"taskArns": [task]})
    ecs.add_response("describe_tasks", {"failures": []})
    code, report, _ = _audit(cli)
    assert code == 2
    assert report["errors"][0]["source"] == f"ecs:ListTasks/DescribeTasks {CLUSTER}"
    assert "no 'tasks' list" in report["errors"][0]["message"]


def test_a_task_definition_answer_without_task_definition_never_crashes_the_audit(cli, ecs):
    """Was ``KeyError: 'taskDefinition'``: the whole audit lost."""
    _listing(ecs, ["a"])
    ecs.add_response("describe_services", {"services": [_service("a")], "failures": []})
    ecs.add_response("list_tasks", {"taskArns": []})
    ecs.add_response("describe_task_definition", {"tags": []})
    code, report, err = _audit(cli)
    assert code == 2 and "Traceback" not in err
    [error] = report["errors"]
    assert error["source"] == f"ecs:DescribeTaskDefinition {TASKDEF}"
    assert "no 'taskDefinition'" in error["message"]
    assert report["summary"]["services"] == 1  # the service is still judged


def test_a_task_definition_without_its_arn_is_an_error_naming_the_key(cli, ecs):
    _listing(ecs, ["a"])
    ecs.add_response("describe_services", {"services": [_service("a")], "failures": []})
    ecs.add_response("list_tasks", {"taskArns": []})
    damaged = {k: v for k, v in TASK_DEFINITION.items() if k != "taskDefinitionArn"}
    ecs.add_response("describe_task_definition", {"taskDefinition": damaged})
    code, report, _ = _audit(cli)
    assert code == 2
    assert report["errors"][0]["message"] == "KeyError: 'taskDefinitionArn'"


def test_text_report_of_a_partial_audit_lists_every_error_and_never_says_clean(cli, ecs, tmp_path):
    _listing(ecs, ["a", "b"])
    ecs.add_response("describe_services", {})
    ecs.add_response("list_tasks", {})
    out_file = tmp_path / "audit.txt"
    code, out, err = cli(
        "audit", "--region", REGION, "--cloudtrail", "none", "--output", str(out_file)
    )
    assert code == 2 and out == ""
    text = out_file.read_text()
    assert "No findings." not in text
    assert f"Could not read: 123456789012 {REGION} ecs:ListServices/DescribeServices" in text
    assert f"Could not read: 123456789012 {REGION} ecs:ListTasks/DescribeTasks" in text
    assert err.count("ecs-advisor: error:") == 2


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ({"KeyCount": 2, "Contents": [{"Key": "a"}]}, "KeyCount says 2, the answer holds 1"),
        ({"Contents": [{"Key": "a"}]}, "no 'KeyCount'"),
        ({"message": "<ListBucketResult"}, "no 'KeyCount'"),
    ],
)
def test_a_bucket_listing_must_hold_what_it_counts(page, message):
    with pytest.raises(responses.IncompleteResponse, match=message):
        responses.listed_objects(page, "s3:ListObjectsV2")


def test_a_bucket_listing_of_nothing_is_whole():
    assert responses.listed_objects({"KeyCount": 0}, "s3:ListObjectsV2") == []
    page = {"KeyCount": 2, "Contents": [{"Key": "a"}], "CommonPrefixes": [{"Prefix": "b/"}]}
    assert responses.listed_objects(page, "s3:ListObjectsV2") == [{"Key": "a"}]


def test_the_scheduled_audit_and_ci_docs_keep_the_default_exit_policy():
    """A scheduled audit is trusted when nobody watches it: its command must let an unread
    source fail the run (exit 2), so none of the shipped examples pass --allow-partial."""
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "scheduled-audit"
    command = json.loads((example / "audit-taskdef.json").read_text())["containerDefinitions"][0][
        "command"
    ]
    assert command[0] == "audit" and "--allow-partial" not in command
    for path in sorted(example.iterdir()):
        assert "--allow-partial" not in path.read_text().split("add `--allow-partial`")[0], path
    readme = (example / "README.md").read_text()
    assert "2 something could\nnot be read" in readme and "if: always()" in readme


@pytest.fixture
def stubbed(monkeypatch):
    """Clients the test stubs by service name (others are moto's): {"sts": Stubber, ...}."""
    stubbers: dict[str, Stubber] = {}
    real = aws_session.client

    def client(session, service, region=None):
        return stubbers[service].client if service in stubbers else real(session, service, region)

    monkeypatch.setattr(aws_session, "client", client)

    def stub(service: str) -> Stubber:
        stubbers[service] = Stubber(boto3.client(service, region_name=REGION))
        stubbers[service].activate()
        return stubbers[service]

    return stub


def _moto_service() -> None:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod")
    ecs.register_task_definition(
        family="report",
        containerDefinitions=[{"name": "report", "image": "nginx:latest", "memory": 512}],
    )
    ecs.create_service(
        cluster="prod", serviceName="report", taskDefinition="report:1", desiredCount=1
    )


def test_a_lookup_event_that_is_not_json_costs_the_history_not_the_run(cli, stubbed, monkeypatch):
    """Was ``JSONDecodeError`` out of the audit: every region lost."""
    from advisor.audit import account_reader

    monkeypatch.setattr(account_reader.time, "sleep", lambda seconds: None)
    _moto_service()
    cloudtrail = stubbed("cloudtrail")
    cloudtrail.add_response(
        "lookup_events",
        {"Events": [{"EventId": "e1", "EventName": "CreateService", "CloudTrailEvent": '{"eve'}]},
    )
    code, out, err = cli("audit", "--region", REGION, "--format", "json")
    report = json.loads(out)
    assert code == 2 and "Traceback" not in err
    [error] = report["errors"]
    assert error["source"] == "CloudTrail history (lookup) cloudtrail:LookupEvents"
    assert error["message"].startswith("JSONDecodeError: ")
    assert "mutable-image-tag" in {f["name"] for f in report["findings"]}
    assert any("history rules not evaluated" in u for u in report["summary"]["unknown"])


def test_a_caller_identity_without_its_account_is_one_line_exit_2(cli, stubbed):
    stubbed("sts").add_response("get_caller_identity", {"UserId": "AIDAEXAMPLE"})
    code, out, err = cli("audit", "--region", REGION, "--cloudtrail", "none")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.count("\n") == 1 and "KeyError: 'Account'" in err
    assert "the audit could not read the account" in err and "internal error" not in err


def test_a_region_whose_reader_raises_is_an_error_and_the_other_regions_are_reported(
    cli, monkeypatch
):
    from advisor.audit import audit_command

    _moto_service()
    real = audit_command.read_region

    def read_region(client, account, region, options):
        if region == "us-east-1":
            raise RuntimeError("a bug in one region's reader")
        return real(client, account, region, options)

    monkeypatch.setattr(audit_command, "read_region", read_region)
    code, out, _ = cli(
        "audit", "--region", REGION, "--region", "us-east-1", "--cloudtrail", "none",
        "--format", "json",
    )  # fmt: skip
    report = json.loads(out)
    assert code == 2
    [error] = report["errors"]
    assert (error["account"], error["region"]) == ("123456789012", "us-east-1")
    assert error["message"] == "RuntimeError: a bug in one region's reader"
    assert {f["region"] for f in report["findings"]} == {REGION}
    assert (
        "123456789012 us-east-1: nothing could be read; every rule is unknown there"
        in (report["summary"]["unknown"])
    )
