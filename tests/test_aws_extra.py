"""The commands that call AWS: the region they use, and what they say without the AWS SDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import boto3
import moto
import pytest
from conftest import REPO, fake_aws_environment

from advisor.audit.iam_policy import IAM_POLICY

REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch, tmp_path):
    fake_aws_environment(monkeypatch, tmp_path, REGION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with moto.mock_aws():
        ecs = boto3.client("ecs", region_name=REGION)
        ecs.create_cluster(clusterName="prod")
        ecs.register_task_definition(
            family="web",
            containerDefinitions=[{"name": "web", "image": "nginx:latest", "memory": 512}],
        )
        ecs.create_service(cluster="prod", serviceName="web", taskDefinition="web:1")
        yield


def _regions_of_findings(out: str) -> set[str]:
    return {finding["region"] for finding in json.loads(out)["findings"]}


@pytest.mark.parametrize(
    "environment",
    [
        {"AWS_REGION": REGION},
        {"AWS_DEFAULT_REGION": REGION},
        {"AWS_REGION": REGION, "AWS_DEFAULT_REGION": "us-east-1"},  # as the AWS CLI: AWS_REGION
    ],
)
def test_audit_takes_its_region_from_the_environment(aws, cli, monkeypatch, environment):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, out, err = cli("audit", "--cloudtrail", "none", "--format", "json")
    assert code == 1, err
    assert _regions_of_findings(out) == {REGION}


def test_audit_without_any_region_says_how_to_give_one(aws, cli, monkeypatch):
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    code, out, err = cli("audit", "--cloudtrail", "none")
    assert code == 2 and out == ""
    assert err == (
        "ecs-advisor: error: no region: pass --region, --all-regions, or set AWS_REGION\n"
    )


# Runs ecs-advisor in a new process where boto3 and botocore cannot be imported, as after
# `pip install ecs-advisor` without the [aws] extra.
WITHOUT_SDK = """
import sys

class NoSdk:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("boto3", "botocore", "s3transfer"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoSdk())
from advisor.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def _without_sdk(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_SDK, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_blocker_does_block():
    run = _without_sdk("audit", "--region", REGION)
    assert "Traceback" not in run.stderr
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            WITHOUT_SDK.replace("from advisor.cli", "import boto3\nfrom advisor.cli"),
        ],
        capture_output=True,
        text=True,
    )
    assert "No module named 'boto3'" in probe.stderr


def test_print_iam_policy_needs_no_aws_sdk():
    run = _without_sdk("audit", "--print-iam-policy")
    assert run.returncode == 0 and run.stderr == ""
    assert json.loads(run.stdout) == IAM_POLICY


@pytest.mark.parametrize(
    ("args", "command"),
    [(["audit", "--region", REGION], "audit"), (["pricing", "update"], "pricing update")],
)
def test_commands_that_need_the_sdk_say_how_to_install_it(args, command):
    run = _without_sdk(*args)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == (
        f"ecs-advisor: error: {command} needs the AWS SDK: pip install 'ecs-advisor[aws]'\n"
    )


def test_another_missing_module_is_not_blamed_on_the_sdk():
    # A broken install (one of our own modules missing) is a bug to report, not the [aws] extra.
    script = WITHOUT_SDK.replace(
        '("boto3", "botocore", "s3transfer")', '("advisor.audit.account_reader",)'
    ).replace('name.split(".")[0] in', "name in")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    run = subprocess.run(
        [sys.executable, "-c", script, "audit", "--region", REGION],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2 and "pip install" not in run.stderr
    assert run.stderr.startswith("ecs-advisor: internal error: ModuleNotFoundError")
