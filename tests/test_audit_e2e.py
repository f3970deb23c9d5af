"""End to end: `ecs-advisor audit` as a subprocess against moto_server on 127.0.0.1.

The server listens on loopback only, on a free port, and is stopped by the test.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
import cloudtrail_factory as ct
import pytest

from advisor.history.events import INTERESTING_CALLS

REGION = "eu-west-1"
REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def moto_server(tmp_path):
    with running_moto_server(tmp_path) as url:
        yield url


@contextlib.contextmanager
def running_moto_server(tmp_path: Path) -> Iterator[str]:
    """moto_server on 127.0.0.1 and a free port, its log in tmp_path; stopped on leaving."""
    executable = Path(sys.executable).with_name("moto_server")
    command = [str(executable)] if executable.exists() else [shutil.which("moto_server") or ""]
    if not command[0]:  # moto[server] is in the test extra: missing, this fails
        pytest.fail("moto_server is not installed: pip install -e '.[test]'")
    port = _free_port()
    log = open(tmp_path / "moto.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [*command, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("moto_server did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _environment(url: str, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ENDPOINT_URL=url,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    return env


def _seed(url: str, tmp_path: Path) -> None:
    clients = {
        s: boto3.client(
            s,
            region_name=REGION,
            endpoint_url=url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        for s in ("ecs", "s3")
    }
    ecs, s3 = clients["ecs"], clients["s3"]
    ecs.create_cluster(clusterName="prod")
    ecs.register_task_definition(
        family="report",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="512",
        memory="1024",
        containerDefinitions=[
            {"name": "report", "image": "acme/report:latest", "memoryReservation": 512}
        ],
    )
    ecs.create_service(
        cluster="prod",
        serviceName="report",
        taskDefinition="report:1",
        desiredCount=1,
        launchType="FARGATE",
    )
    ct.reset()
    now = dt.datetime.now(dt.UTC)
    stops = [
        ct.stop_task(
            ct.sso_user(),
            now - dt.timedelta(days=2 + n * 4),
            ct.task_id(),
            family="report",
            revision=1,  # the revision the service runs
            service="report",
            started_at=now - dt.timedelta(days=2 + n * 4, minutes=30),
        )
        for n in range(3)
    ]
    ct.write_trail(tmp_path / "trail", stops)
    s3.create_bucket(Bucket="trail", CreateBucketConfiguration={"LocationConstraint": REGION})
    for path in (tmp_path / "trail").rglob("*.json.gz"):
        s3.put_object(
            Bucket="trail",
            Key=f"logs/{path.relative_to(tmp_path / 'trail')}",
            Body=path.read_bytes(),
        )


def _state(url: str) -> dict:
    ecs = boto3.client(
        "ecs",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3 = boto3.client(
        "s3",
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    service = ecs.describe_services(cluster="prod", services=["report"])["services"][0]
    return {
        "desired": service["desiredCount"],
        "task_definition": service["taskDefinition"],
        "task_definitions": ecs.list_task_definitions()["taskDefinitionArns"],
        "tasks": ecs.list_tasks(cluster="prod")["taskArns"],
        "objects": sorted(o["Key"] for o in s3.list_objects_v2(Bucket="trail")["Contents"]),
    }


def test_audit_against_moto_server(moto_server, tmp_path):
    _seed(moto_server, tmp_path)
    before = _state(moto_server)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor",
            "audit",
            "--region",
            REGION,
            "--cloudtrail",
            "s3://trail/logs",
            "--format",
            "json",
            "--output",
            str(tmp_path / "audit.json"),
        ],
        env=_environment(moto_server, tmp_path),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr
    report = json.loads((tmp_path / "audit.json").read_text())
    names = {f["name"] for f in report["findings"]}
    assert {
        "mutable-image-tag",
        "service-without-managed-tags",
        "service-stopped-manually",
    } <= names
    stopped = next(f for f in report["findings"] if f["name"] == "service-stopped-manually")
    assert stopped["evidence"]["count"] == 3 and stopped["cost"]["current_monthly_usd"] > 0
    assert report["summary"]["services"] == 1 and report["errors"] == []
    assert _state(moto_server) == before  # nothing in the account changed


def test_an_unreachable_endpoint_is_one_line_and_quick(tmp_path):
    port = _free_port()  # nothing listens there
    env = _environment(f"http://127.0.0.1:{port}", tmp_path)
    began = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "audit", "--region", REGION, "--cloudtrail", "none"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "Could not connect to the endpoint URL" in run.stderr
    assert time.monotonic() - began < 60


# --- throttling: a local endpoint that says "slow down" first ------------------------------------

ACCOUNT = ct.ACCOUNT
ARN = f"arn:aws:ecs:{REGION}:{ACCOUNT}"
THROTTLED = {"__type": "ThrottlingException", "message": "Rate exceeded"}


class FakeAws(ThreadingHTTPServer):
    """STS, ECS and CloudTrail on 127.0.0.1, speaking their wire protocols (query for STS, JSON 1.1
    for the others). ``throttle`` says how many times an operation (``LookupEvents:StopTask`` for
    one event name) is refused with HTTP 400 ThrottlingException before it is answered; every
    request is recorded with botocore's ``amz-sdk-invocation-id`` and ``amz-sdk-request`` headers."""

    def __init__(self, answers: dict, throttle: dict[str, int]) -> None:
        super().__init__(("127.0.0.1", 0), _FakeAwsHandler)
        self.answers = answers
        self.throttle = dict(throttle)
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def seen(self, key: str) -> list[dict]:
        return [r for r in self.requests if r["key"] == key]


class _FakeAwsHandler(BaseHTTPRequestHandler):
    server: FakeAws

    def log_message(self, *args) -> None:  # keep the test output clean
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        target = self.headers.get("X-Amz-Target")
        if target:  # JSON 1.1: ECS, CloudTrail
            operation, request = target.rsplit(".", 1)[-1], json.loads(body or b"{}")
        else:  # query protocol: STS
            request = dict(urllib.parse.parse_qsl(body.decode()))
            operation = request.get("Action", "")
        key = operation
        if operation == "LookupEvents":
            key += ":" + request["LookupAttributes"][0]["AttributeValue"]
        with self.server.lock:
            self.server.requests.append(
                {
                    "key": key,
                    "body": body,
                    "invocation": self.headers.get("amz-sdk-invocation-id"),
                    "attempt": self.headers.get("amz-sdk-request"),
                }
            )
            throttled = self.server.throttle.get(key, 0) > 0
            if throttled:
                self.server.throttle[key] -= 1
        if throttled:
            self._reply(400, json.dumps(THROTTLED), "application/x-amz-json-1.1")
        elif operation == "GetCallerIdentity":
            self._reply(200, _CALLER_IDENTITY, "text/xml")
        elif key in self.server.answers:
            self._reply(200, json.dumps(self.server.answers[key]), "application/x-amz-json-1.1")
        else:  # the audit asked for something this test did not expect
            unknown = {"__type": "UnknownOperationException", "message": key}
            self._reply(400, json.dumps(unknown), "application/x-amz-json-1.1")

    def _reply(self, status: int, text: str, content_type: str) -> None:
        payload = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.end_headers()
        self.wfile.write(payload)


_CALLER_IDENTITY = f"""<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::{ACCOUNT}:user/auditor</Arn>
    <UserId>AIDAEXAMPLEAUDITOR0001</UserId>
    <Account>{ACCOUNT}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>"""


def _account_answers() -> dict:
    """One cluster with one desired-count-1 service on a :latest image, without managed tags, and
    three stops of its task by a person in CloudTrail: what ECS and LookupEvents would answer."""
    ct.reset()
    now = dt.datetime.now(dt.UTC)
    task_ids = [ct.task_id() for _ in range(3)]
    stops = [
        ct.stop_task(
            ct.sso_user(),
            now - dt.timedelta(days=2 + n * 4),
            task_ids[n],
            family="report",
            revision=1,  # the revision the service runs
            service="report",
            started_at=now - dt.timedelta(days=2 + n * 4, minutes=30),
        )
        for n in range(3)
    ]
    # The newest stopped task's log stream: its last line 25 minutes after it started. (The
    # endpoint gives every DescribeLogStreams this answer; the other tasks' names do not match.)
    started = now - dt.timedelta(days=2, minutes=30)
    stream = {
        "logStreamName": f"report/report/{task_ids[0]}",
        "creationTime": int(started.timestamp() * 1000),
        "firstEventTimestamp": int(started.timestamp() * 1000) + 2000,
        "lastEventTimestamp": int((started + dt.timedelta(minutes=25)).timestamp() * 1000),
        "lastIngestionTime": int((started + dt.timedelta(minutes=25)).timestamp() * 1000) + 900,
        "arn": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/ecs/report:log-stream:"
        f"report/report/{task_ids[0]}",
        "storedBytes": 0,
    }
    events = ct.lookup_events_output(stops)["Events"]
    for event in events:  # JSON 1.1 carries timestamps as epoch seconds
        event["EventTime"] = dt.datetime.fromisoformat(event["EventTime"]).timestamp()
    task_definition = {
        "taskDefinitionArn": f"{ARN}:task-definition/report:1",
        "family": "report",
        "revision": 1,
        "status": "ACTIVE",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "512",
        "memory": "1024",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole",
        "containerDefinitions": [
            {
                "name": "report",
                "image": "acme/report:latest",
                "essential": True,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/report",
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "report",
                    },
                },
            }
        ],
    }
    service = {
        "serviceArn": f"{ARN}:service/prod/report",
        "serviceName": "report",
        "clusterArn": f"{ARN}:cluster/prod",
        "status": "ACTIVE",
        "desiredCount": 1,
        "runningCount": 1,
        "pendingCount": 0,
        "launchType": "FARGATE",
        "taskDefinition": task_definition["taskDefinitionArn"],
        "enableECSManagedTags": False,
        "propagateTags": "NONE",
        "createdAt": (now - dt.timedelta(days=90)).timestamp(),
        "deployments": [],
        "events": [],
    }
    answers = {
        "ListClusters": {"clusterArns": [f"{ARN}:cluster/prod"]},
        "ListServices": {"serviceArns": [service["serviceArn"]]},
        "DescribeServices": {"services": [service], "failures": []},
        "ListTasks": {"taskArns": []},
        "DescribeTaskDefinition": {"taskDefinition": task_definition, "tags": []},
        "DescribeLogStreams": {"logStreams": [stream]},
    }
    for name in INTERESTING_CALLS:  # the event names the audit looks up, one request each
        answers[f"LookupEvents:{name}"] = {"Events": []}
    answers["LookupEvents:StopTask"] = {"Events": events}  # only after the throttling
    return answers


@pytest.fixture
def throttling_aws():
    """The fake endpoint, serving from a thread; shut down and closed by the test's end."""
    server = FakeAws(_account_answers(), throttle={"ListClusters": 2, "LookupEvents:StopTask": 1})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_throttled_calls_are_retried_and_their_answers_used(throttling_aws, tmp_path):
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "advisor",
            "audit",
            "--region",
            REGION,
            "--format",
            "json",
            "--output",
            str(tmp_path / "audit.json"),
        ],
        env=_environment(throttling_aws.url, tmp_path),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr  # findings; not 2 (nothing read), not a crash

    # The server refused ListClusters twice and LookupEvents(StopTask) once; botocore sent the
    # same request again, as later attempts of the same invocation, until it was answered.
    for key, attempts in (("ListClusters", 3), ("LookupEvents:StopTask", 2)):
        seen = throttling_aws.seen(key)
        assert len(seen) == attempts, [r["key"] for r in throttling_aws.requests]
        assert len({r["invocation"] for r in seen}) == 1 and seen[0]["invocation"]
        assert len({r["body"] for r in seen}) == 1
        # amz-sdk-request: "attempt=1; max=4", then "ttl=...; attempt=2; max=4", ...
        numbers = [re.search(r"\battempt=(\d+)", r["attempt"]).group(1) for r in seen]
        assert numbers == [str(n) for n in range(1, attempts + 1)], [r["attempt"] for r in seen]
    assert throttling_aws.throttle == {"ListClusters": 0, "LookupEvents:StopTask": 0}
    # Nothing else was retried, and nothing was asked that the endpoint does not answer.
    keys = [r["key"] for r in throttling_aws.requests]
    others = [r for r in throttling_aws.requests if r["key"] not in throttling_aws.throttle]
    assert len({r["invocation"] for r in others}) == len(others)  # each sent once
    assert set(keys) == {"GetCallerIdentity", *throttling_aws.answers}
    assert keys.count("DescribeLogStreams") == 3  # one for each task stopped by hand

    # The answers that came after the throttling are the audit's findings: the service found by
    # the retried ListClusters, and the three stops that only the retried LookupEvents returned.
    report = json.loads((tmp_path / "audit.json").read_text())
    assert report["errors"] == [], report["errors"]
    names = {f["name"] for f in report["findings"]}
    assert {
        "mutable-image-tag",
        "service-without-managed-tags",
        "service-tags-not-propagated",
        "service-stopped-manually",
    } <= names
    stopped = next(f for f in report["findings"] if f["name"] == "service-stopped-manually")
    served = throttling_aws.answers["LookupEvents:StopTask"]["Events"]
    assert sorted(stopped["evidence"]["event_ids"]) == sorted(e["EventId"] for e in served)
    assert stopped["evidence"]["count"] == 3
    assert stopped["evidence"]["arn"] == f"{ARN}:service/prod/report"
    # The run length is the one stream found, read through the JSON protocol (epoch ms).
    assert stopped["evidence"]["job_run_seconds"] == 1500
    assert "log stream" in stopped["evidence"]["job_run_source"]
    assert report["summary"]["services"] == 1 and report["summary"]["unknown"] == []
