"""The audit against moto_server behind a fault-injecting proxy (tests/fault_proxy.py), both on
127.0.0.1 and stopped by the test: throttling, HTTP 500, AccessDenied by operation and by region,
bodies cut short with and without Content-Length, dropped connections and hangs. Each case
checks the exit code, the report, and that nothing unread is reported as clean; every call the
proxy sees is a read that the printed IAM policy allows.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import boto3
import pytest
from fault_proxy import Fault, FaultProxy
from test_audit_e2e import REPO, _environment, _seed, running_moto_server

REGION = "eu-west-1"
OTHER = "us-east-1"
# The audit's deadline, from which its client timeouts follow (read: a tenth of it), so a hang
# costs seconds: a call that never answers is tried twice, 3 s each.
TIMEOUT = ("--timeout", "30")
IAM_ACTION = {"s3:ListObjectsV2": "s3:ListBucket"}  # the API and its IAM action differ


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """One moto_server for the module, seeded once: the audit only reads, so the tests share it
    (test_access_denied_by_region adds a cluster in a region no other test audits)."""
    folder = tmp_path_factory.mktemp("moto")
    with running_moto_server(folder) as url:
        _seed(url, folder)
        yield url


@pytest.fixture
def proxy(seeded):
    server = FaultProxy(seeded).start()
    try:
        yield server
    finally:
        server.stop()


def _policy_actions() -> set[str]:
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "audit", "--print-iam-policy"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    return {a for s in json.loads(run.stdout)["Statement"] for a in s["Action"]}


POLICY = _policy_actions()


def _audit(proxy: FaultProxy, tmp_path, *args: str, fmt: str = "json") -> tuple[int, str, str]:
    out = tmp_path / f"audit.{fmt}"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor",
            "audit",
            *TIMEOUT,
            "--format",
            fmt,
            "--output",
            str(out),
            *args,
        ],
        env=_environment(proxy.url, tmp_path),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=150,
    )
    assert "Traceback" not in run.stderr, run.stderr
    # The read-only proof: every operation the proxy saw is a read the printed policy allows.
    seen = proxy.operations()
    assert seen, "the audit sent nothing through the proxy"
    assert {IAM_ACTION.get(op, op) for op in seen} <= POLICY, seen
    assert all(op.split(":")[1].startswith(("List", "Describe", "Get")) for op in seen), seen
    return run.returncode, out.read_text() if out.exists() else "", run.stderr


def _json(proxy, tmp_path, *args: str) -> tuple[int, dict, str]:
    code, text, err = _audit(proxy, tmp_path, *args)
    report = json.loads(text)
    for error in report["errors"]:  # each names the account, the region and the call
        assert error["account"] == "123456789012" and error["region"], error
        call = r"\b(ecs|s3|cloudtrail|logs):[A-Z]\w+|^s3://"  # s3://...: GetObject of that file
        assert re.search(call, error["source"]), error
        assert f"{error['region']}: {error['source']}: " in err  # on stderr too
    return code, report, err


ECS_ONLY = ("--region", REGION, "--cloudtrail", "none")
CLEAN_FINDINGS = {"mutable-image-tag", "service-without-managed-tags"}


def _invocations(proxy: FaultProxy, operation: str) -> dict[str, list[int]]:
    """The attempt numbers (amz-sdk-request) of each invocation of an operation, in order."""
    calls: dict[str, list[int]] = {}
    for request in proxy.requests:
        if request["operation"] == operation:
            number = re.search(r"\battempt=(\d+)", request["attempt"])
            calls.setdefault(request["invocation"], []).append(int(number.group(1)))
    return calls


def _attempts(proxy: FaultProxy, operation: str) -> list[list[int]]:
    return list(_invocations(proxy, operation).values())


def test_through_the_proxy_without_faults_the_audit_is_whole(proxy, tmp_path):
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 1, err
    assert report["errors"] == [] and report["summary"]["services"] == 1
    assert {f["name"] for f in report["findings"]} >= CLEAN_FINDINGS


def test_the_first_requests_throttled_are_retried_and_their_answers_used(proxy, tmp_path):
    proxy.faults = [
        Fault("throttle", operation="ListServices", first=2),
        Fault("throttle", operation="DescribeTaskDefinition", first=1),
    ]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 1, err  # findings; nothing lost to the throttling
    assert report["errors"] == [] and report["summary"]["services"] == 1
    assert {f["name"] for f in report["findings"]} >= CLEAN_FINDINGS
    # One call each, sent again as later attempts of the same invocation until answered.
    assert _attempts(proxy, "ListServices") == [[1, 2, 3]]
    assert _attempts(proxy, "DescribeTaskDefinition") == [[1, 2]]
    assert [f.applied for f in proxy.faults] == [2, 1]


def test_a_fraction_of_requests_throttled_costs_retries_not_answers(proxy, tmp_path):
    proxy.faults = [Fault("throttle", service="ecs", fraction=0.5)]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 1, err
    assert report["errors"] == [] and report["summary"]["services"] == 1
    ecs = [r for r in proxy.requests if r["service"] == "ecs"]
    throttled = [r for r in ecs if r["fault"] == "throttle"]
    assert len(throttled) == len(ecs) // 2  # every other ECS request
    # Each throttled call was tried again: every invocation that met a throttle has a later
    # attempt (the region reads concurrently, so which calls meet one varies from run to run).
    met = {r["invocation"] for r in throttled}
    operations = {r["operation"] for r in ecs}
    attempts = {
        invocation: numbers
        for operation in operations
        for invocation, numbers in _invocations(proxy, operation).items()
    }
    assert met and all(len(attempts[invocation]) > 1 for invocation in met), attempts


def test_throttling_that_never_ends_is_an_error_and_exit_2(proxy, tmp_path):
    proxy.faults = [Fault("throttle", operation="DescribeServices")]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 2, err
    [error] = report["errors"]
    assert error["account"] == "123456789012" and error["region"] == REGION
    assert error["source"].startswith("ecs:ListServices/DescribeServices")
    assert "ThrottlingException" in error["message"]
    # the first attempt and the 3 retries the audit's clients allow (aws_session.Budget)
    assert [len(a) for a in _attempts(proxy, "DescribeServices")] == [4]
    assert report["summary"]["services"] == 0 and report["findings"] == []
    assert any("could not be read" in u for u in report["summary"]["unknown"])


def test_http_500_is_retried_then_reported(proxy, tmp_path):
    proxy.faults = [
        Fault("error500", operation="ListClusters", first=1),  # retried: answered
        Fault("error500", operation="ListTasks"),  # never answered
    ]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 2, err
    assert _attempts(proxy, "ListClusters") == [[1, 2]]
    [error] = report["errors"]
    assert error["source"].startswith("ecs:ListTasks/DescribeTasks")
    assert "InternalFailure" in error["message"]
    # What could be read is still judged: the service's findings are there.
    assert {f["name"] for f in report["findings"]} >= CLEAN_FINDINGS
    code, report, _ = _json(proxy, tmp_path, *ECS_ONLY, "--allow-partial")
    assert code == 1 and len(report["errors"]) == 1  # accepted as partial: the findings decide


def test_access_denied_by_operation(proxy, tmp_path):
    proxy.faults = [Fault("deny", operation="DescribeTaskDefinition")]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 2, err
    [error] = report["errors"]
    assert error["source"] == (
        f"ecs:DescribeTaskDefinition arn:aws:ecs:{REGION}:123456789012:task-definition/report:1"
    )
    assert error["message"].startswith("AccessDeniedException")
    assert f"{REGION}: ecs:DescribeTaskDefinition" in err
    # The task definition was not read: its rules (mutable-image-tag) are not passed, unknown.
    assert "mutable-image-tag" not in {f["name"] for f in report["findings"]}
    assert any("DescribeTaskDefinition" in u for u in report["summary"]["unknown"])


def test_access_denied_by_region(proxy, seeded, tmp_path):
    ecs = boto3.client(
        "ecs",
        region_name=OTHER,
        endpoint_url=seeded,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ecs.create_cluster(clusterName="other")
    proxy.faults = [Fault("deny", region=OTHER, service="ecs")]
    args = ("--region", REGION, "--region", OTHER, "--cloudtrail", "none")
    code, report, err = _json(proxy, tmp_path, *args)
    assert code == 2, err
    assert {(e["region"], e["source"]) for e in report["errors"]} == {(OTHER, "ecs:ListClusters")}
    assert report["summary"]["services"] == 1  # eu-west-1 was read and judged
    assert {f["name"] for f in report["findings"]} >= CLEAN_FINDINGS
    assert all(f["region"] == REGION for f in report["findings"])
    assert any(
        u.startswith(f"123456789012 {OTHER}: ecs:ListClusters")
        for u in report["summary"]["unknown"]
    )


@pytest.mark.parametrize("kind", ["cut", "cut-no-length"])
def test_a_describe_services_body_cut_short_is_never_zero_services(proxy, tmp_path, kind):
    proxy.faults = [Fault(kind, operation="DescribeServices")]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 2, err
    [error] = report["errors"]
    assert (error["account"], error["region"]) == ("123456789012", REGION)
    assert error["source"].startswith("ecs:ListServices/DescribeServices")
    assert report["summary"]["services"] == 0 and report["findings"] == []
    assert any("DescribeServices" in u for u in report["summary"]["unknown"])


@pytest.mark.parametrize("kind", ["cut", "cut-no-length"])
def test_a_list_body_cut_short_is_an_error_in_every_format(proxy, tmp_path, kind):
    proxy.faults = [Fault(kind, operation="ListClusters")]
    code, text, err = _audit(proxy, tmp_path, *ECS_ONLY, fmt="text")
    assert code == 2 and "ecs:ListClusters" in err
    assert f"Could not read: 123456789012 {REGION} ecs:ListClusters" in text
    assert "No findings." not in text
    for fmt, needle in (
        ("markdown", "ecs:ListClusters"),
        ("sarif", '"executionSuccessful": false'),
        ("junit", "ecs:ListClusters"),
        ("github", "::error title=ecs-advisor could not read::"),
    ):
        code, report, _ = _audit(proxy, tmp_path, *ECS_ONLY, fmt=fmt)
        assert code == 2 and needle in report, fmt


def test_a_trail_object_cut_short_is_that_file_s_error(proxy, tmp_path):
    proxy.faults = [Fault("cut-no-length", operation="GetObject", first=1)]
    code, report, err = _json(
        proxy, tmp_path, "--region", REGION, "--cloudtrail", "s3://trail/logs"
    )
    assert code == 2, err
    trail_errors = [e for e in report["errors"] if e["source"].startswith("s3://trail/logs/")]
    assert len(trail_errors) == 1 and trail_errors[0]["region"] == REGION
    # The stops in the damaged file are not there: service-stopped-manually is not claimed
    # on the remaining two (it needs three), and the unread file is reported.
    assert "service-stopped-manually" not in {f["name"] for f in report["findings"]}


def test_connections_dropped_are_retried_then_reported(proxy, tmp_path):
    proxy.faults = [
        Fault("drop", operation="ListServices", first=1),
        Fault("drop", operation="DescribeTaskDefinition"),
    ]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 2, err
    assert _attempts(proxy, "ListServices") == [[1, 2]]
    [error] = report["errors"]
    assert error["source"].startswith("ecs:DescribeTaskDefinition")
    assert report["summary"]["services"] == 1  # the service itself was read


def test_a_hang_times_out_and_the_rest_is_reported(proxy, tmp_path):
    proxy.faults = [Fault("hang", operation="ListTasks")]
    code, report, err = _json(proxy, tmp_path, *ECS_ONLY)
    assert code == 2, err
    [error] = report["errors"]
    assert error["source"].startswith("ecs:ListTasks/DescribeTasks")
    assert "timeout" in error["message"].lower()
    assert {f["name"] for f in report["findings"]} >= CLEAN_FINDINGS
