"""End to end: `ecs-advisor audit` as a subprocess against moto_server on 127.0.0.1.

The server listens on loopback only, on a free port, and is stopped by the test.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import cloudtrail_factory as ct
import pytest

REGION = "eu-west-1"
REPO = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def moto_server(tmp_path):
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
