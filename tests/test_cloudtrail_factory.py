"""Self-checks for the CloudTrail fixture factory: shapes, uniqueness, determinism, bucket layout."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, datetime, timedelta

import cloudtrail_factory as ct
import pytest

T0 = datetime(2026, 4, 27, 2, 18, 3, tzinfo=UTC)

ACTORS = {
    "sso_user": ct.sso_user(),
    "sso_console": ct.sso_user("bob@example.com", "PowerUserAccess", console=True),
    "iam_user_console": ct.iam_user_console("carol"),
    "iam_user_cli": ct.iam_user_cli("dave"),
    "root_user": ct.root_user(),
    "events_rule": ct.events_rule(),
    "step_functions": ct.step_functions(),
    "scheduler": ct.scheduler(),
    "application_autoscaling": ct.application_autoscaling(),
    "aws_service": ct.aws_service(),
    "github_actions": ct.github_actions(),
    "codebuild": ct.codebuild(),
    "ec2_instance_role": ct.ec2_instance_role(),
    "assumed_role_cli": ct.assumed_role_cli(),
}


def sample_records() -> list[dict]:
    sso = ACTORS["sso_user"]
    tid = ct.task_id()
    return [
        ct.run_task(sso, T0, managed_tags=True, propagate_tags="TASK_DEFINITION"),
        ct.run_task(ACTORS["events_rule"], T0, started_by="events-rule/nightly-report", count=2),
        ct.run_task(ACTORS["github_actions"], T0, error_code="AccessDenied"),
        ct.run_task(sso, T0, launch_type=None, time_style="aws"),
        ct.stop_task(ACTORS["sso_console"], T0 + timedelta(minutes=5), tid, reason="stuck"),
        ct.stop_task(ACTORS["iam_user_cli"], T0, ct.task_id(), service="web", task_as_arn=True),
        ct.update_service(ACTORS["application_autoscaling"], T0, "web", desired_count=4),
        ct.update_service(sso, T0 + timedelta(days=1), "web", desired_count=0, previous_desired=2),
        ct.update_service(ACTORS["codebuild"], T0, "web", task_definition="web:7"),
        ct.create_service(ACTORS["root_user"], T0, "report"),
        ct.delete_service(sso, T0, "report", force=True),
        ct.register_task_definition(sso, T0, "report", 2, arch="ARM64", os_family="LINUX"),
        ct.describe_record(sso, T0),
        ct.other_record(T0),
        ct.iam_record(T0),
        ct.iam_record(T0, kind="CreateServiceLinkedRole"),
    ]


@pytest.fixture(autouse=True)
def _fresh_sequence():
    ct.reset()


@pytest.mark.parametrize("name", sorted(ACTORS))
def test_actor_shape(name):
    actor = ACTORS[name]
    assert set(actor) <= {
        "userIdentity",
        "userAgent",
        "sourceIPAddress",
        "sessionCredentialFromConsole",
    }
    assert actor["userIdentity"]["type"] in {"AssumedRole", "IAMUser", "Root", "AWSService"}
    json.dumps(actor)


def test_console_flag_is_top_level_and_only_for_console():
    record = ct.run_task(ACTORS["sso_console"], T0)
    assert record["sessionCredentialFromConsole"] == "true"
    assert "sessionCredentialFromConsole" not in json.dumps(record["userIdentity"])
    assert "sessionCredentialFromConsole" not in ct.run_task(ACTORS["sso_user"], T0)


def test_identity_details():
    sso = ACTORS["sso_user"]["userIdentity"]
    assert re.fullmatch(
        r"arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/alice",
        sso["arn"],
    )
    assert "/aws-reserved/sso.amazonaws.com/" in sso["sessionContext"]["sessionIssuer"]["arn"]
    for name, host in [
        ("events_rule", "events.amazonaws.com"),
        ("step_functions", "states.amazonaws.com"),
        ("scheduler", "scheduler.amazonaws.com"),
        ("application_autoscaling", "ecs.application-autoscaling.amazonaws.com"),
        ("aws_service", "ecs.amazonaws.com"),
    ]:
        actor = ACTORS[name]
        assert actor["userIdentity"]["invokedBy"] == host
        assert actor["sourceIPAddress"] == actor["userAgent"] == host
    assert ACTORS["github_actions"]["userIdentity"]["arn"].endswith("/GitHubActions")
    assert "/AWSCodeBuild-" in ACTORS["codebuild"]["userIdentity"]["arn"]
    assert ACTORS["ec2_instance_role"]["userIdentity"]["arn"].endswith("/i-0abc1234def567890")
    assert ACTORS["iam_user_cli"]["userAgent"].startswith("aws-cli/2.17.0 ")
    assert ct.sso_user() == ct.sso_user()  # the same person is the same identity


def test_records_are_complete_unique_and_serializable():
    records = sample_records()
    ids = [r["eventID"] for r in records]
    assert len(set(ids)) == len(ids)
    for record in records:
        json.loads(json.dumps(record))
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["eventTime"])
        for field in ("requestID", "eventID", "recipientAccountId", "eventType", "eventCategory"):
            assert record[field]
        assert (
            record["userIdentity"]
            .get("sessionContext", {})
            .get("attributes", {})
            .get("creationDate", "set")
        )


def test_deterministic_after_reset():
    first = sample_records()
    ct.reset()
    assert sample_records() == first


def test_run_task_shapes():
    record = ct.run_task(ACTORS["sso_user"], T0, count=2, task_ids=["a" * 32, "b" * 32])
    request = record["requestParameters"]
    assert request["taskDefinition"] == "nightly-report:3"
    assert "enableECSManagedTags" not in request and "propagateTags" not in request
    tasks = record["responseElements"]["tasks"]
    assert [t["taskArn"] for t in tasks] == [
        f"arn:aws:ecs:eu-west-1:123456789012:task/prod/{c * 32}" for c in "ab"
    ]
    assert tasks[0]["group"] == "family:nightly-report"
    assert tasks[0]["createdAt"] == "2026-04-27T02:18:03.000Z"
    assert re.fullmatch(r"[0-9a-f]{32}", ct.task_id())
    aws = ct.run_task(ACTORS["sso_user"], T0, time_style="aws")
    assert aws["responseElements"]["tasks"][0]["createdAt"] == "Apr 27, 2026, 2:18:03 AM"
    failed = ct.run_task(ACTORS["sso_user"], T0, error_code="AccessDenied")
    assert failed["errorCode"] == "AccessDenied" and failed["responseElements"] is None


def test_stop_task_and_service_shapes():
    stop = ct.stop_task(ACTORS["sso_user"], T0, "c" * 32, service="web")
    task = stop["responseElements"]["task"]
    assert task["group"] == "service:web"
    assert re.fullmatch(r"ecs-svc/\d{19}", task["startedBy"])
    assert task["stopCode"] == "UserInitiated" and task["stoppedReason"] == "Task stopped by user"
    assert "reason" not in stop["requestParameters"]
    update = ct.update_service(ACTORS["sso_user"], T0, "web", desired_count=0)
    assert update["requestParameters"] == {"cluster": "prod", "service": "web", "desiredCount": 0}
    service = update["responseElements"]["service"]
    assert service["desiredCount"] == 0
    assert service["deployments"][0]["id"] == task["startedBy"]  # same service, same deployment
    describe = ct.describe_record(ACTORS["sso_user"], T0)
    assert describe["readOnly"] is True and describe["responseElements"] is None


def test_task_state_change_shape():
    event = ct.task_state_change(T0, "d" * 32, started_by="events-rule/nightly-report")
    assert event["detail-type"] == "ECS Task State Change" and event["source"] == "aws.ecs"
    detail = event["detail"]
    assert event["resources"] == [detail["taskArn"]]
    assert detail["lastStatus"] == "STOPPED" and detail["stopCode"] == "EssentialContainerExited"
    assert detail["containers"][0]["exitCode"] == 0
    assert detail["stoppedAt"] == "2026-04-27T02:18:03.000Z"
    json.dumps(event)


def test_write_trail_layout(tmp_path):
    records = sample_records()
    paths = ct.write_trail(tmp_path, records, per_file=5, org_id="o-abc123def4", prefix="trail/")
    *logs, digest = paths
    pattern = re.compile(
        r"trail/AWSLogs/o-abc123def4/123456789012/CloudTrail/eu-west-1/(\d{4})/(\d\d)/(\d\d)/"
        r"123456789012_CloudTrail_eu-west-1_(\d{8})T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz"
    )
    seen = []
    for path in logs:
        match = pattern.fullmatch(path.relative_to(tmp_path).as_posix())
        assert match, path
        assert "".join(match.groups()[:3]) == match.group(4)
        raw = gzip.decompress(path.read_bytes())
        assert b"\n" not in raw and b'": ' not in raw[:200]  # compact, like CloudTrail
        file_records = json.loads(raw)["Records"]
        assert 0 < len(file_records) <= 5
        assert {r["eventTime"][:10].replace("-", "") for r in file_records} == {match.group(4)}
        seen += file_records
    assert sorted(r["eventID"] for r in seen) == sorted(r["eventID"] for r in records)
    key = digest.relative_to(tmp_path).as_posix()
    assert re.fullmatch(
        r"trail/AWSLogs/o-abc123def4/123456789012/CloudTrail-Digest/eu-west-1/\d{4}/\d\d/\d\d/"
        r"123456789012_CloudTrail-Digest_eu-west-1_management-events_eu-west-1_\d{8}T\d{6}Z\.json\.gz",
        key,
    )
    body = json.loads(gzip.decompress(digest.read_bytes()))
    assert body["awsAccountId"] == "123456789012" and "digestStartTime" in body
    assert len(body["logFiles"]) == len(logs)


def test_lookup_events_and_jsonl():
    records = sample_records()
    output = ct.lookup_events_output(records)
    events = output["Events"]
    assert len(events) == len(records)
    assert events[0]["EventTime"] >= events[-1]["EventTime"]
    first = events[-1]
    assert first["EventTime"].endswith("+00:00") and first["ReadOnly"] in {"true", "false"}
    assert json.loads(first["CloudTrailEvent"])["eventID"] == first["EventId"]
    lines = ct.jsonl(records).splitlines()
    assert [json.loads(line)["eventID"] for line in lines] == [r["eventID"] for r in records]
