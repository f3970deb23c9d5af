"""No command prints or stores a secret's value: not in any format, baseline or diff.

One sentinel string and one sentinel number sit everywhere a secret can sit (environment values,
secrets' valueFrom, log options and secretOptions, docker labels, repository credentials,
RunTask overrides in Python code and in CloudTrail, a service's Service Connect log options),
some of them with the wrong type so that invalid-field-value reports them. Every command, in
every format, must name fields and types but never print either sentinel.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cloudtrail_factory as ct
import pytest
from conftest import fake_aws_environment

SECRET = "S3NT1NEL-hunter2-9f8e"
NUMBER = 73914226
NEEDLES = (SECRET.lower(), "s3nt1nel", str(NUMBER))

LINT_FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")


def assert_clean(text: str, where: str) -> None:
    lowered = text.lower()
    for needle in NEEDLES:
        assert needle not in lowered, f"{needle!r} leaked in {where}:\n{text}"


def _log_configuration(driver: str = "awslogs") -> dict:
    # The secret-looking options come first: the stream prefix the fix adds goes right before
    # them, so they are the diff's context lines.
    return {
        "logDriver": driver,
        "options": {
            "apikey": SECRET,
            "awslogs-datetime-format": NUMBER,  # not a string: invalid-field-value
            "awslogs-group": "/ecs/app",
            "awslogs-region": "eu-west-1",
        },
        "secretOptions": [
            {"name": "license", "valueFrom": SECRET},
            {"name": "token", "valueFrom": NUMBER},
        ],
    }


def task_definition() -> dict:
    app = {
        "name": "app",
        "image": "public.ecr.aws/acme/app:1.0.0",
        "essential": True,
        "environment": [
            {"name": "DB_PASSWORD", "value": SECRET},
            {"name": "API_TOKEN", "value": NUMBER},  # a number: invalid-field-value
            {"name": "PLAIN", "value": SECRET},  # no secret name: only the diff could show it
            {"name": "CONFIG", "value": {"password": SECRET, "pin": NUMBER}},
            {"name": "LIST", "value": [SECRET, NUMBER]},
            {"name": "TYPO", "valeu": SECRET},  # unknown field: named, not its value
        ],
        "secrets": [
            {"name": "STRIPE_KEY", "valueFrom": SECRET},
            {"name": "OTHER_KEY", "valueFrom": NUMBER},
        ],
        "logConfiguration": _log_configuration(),
        "dockerLabels": {"com.example.token": SECRET, "com.example.pin": NUMBER},
        "repositoryCredentials": {"credentialsParameter": SECRET},
        "environmentFiles": [{"value": SECRET, "type": "s3"}],
        # secret-in-command: a password glued to mysql's -p, and one after a --password option
        "entryPoint": ["sh", "-c", f"mysql -u app -p{SECRET} shop"],
        "command": ["--db-password", SECRET],
    }
    return {
        "family": "app",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "512",
        "memory": "1024",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [app],
    }


def wrong_types() -> dict:
    """Secrets where an object, a list or an enum value belongs (invalid-field-value)."""
    sidecar = {
        "name": "sidecar",
        "image": "public.ecr.aws/acme/sidecar:1.0.0",
        "environment": {"DB_PASSWORD": SECRET},  # an object, not a list
        "secrets": SECRET,
        "logConfiguration": {"logDriver": SECRET, "options": [SECRET, NUMBER]},
        "repositoryCredentials": {"credentialsParameter": NUMBER},
        "dockerLabels": [SECRET],
    }
    return {"family": "sidecar", "containerDefinitions": [sidecar]}


# Service Connect has its own log configuration with options and secretOptions. No managed tags:
# lint --fix adds them right above these lines.
SERVICE = f"""{{
  "serviceConnectConfiguration": {{"enabled": true, "logConfiguration": {{"logDriver": "awsfirelens",
    "options": {{"apikey": "{SECRET}", "port": {NUMBER}}},
    "secretOptions": [{{"name": "key", "valueFrom": "{SECRET}"}}]}}}},
  "cluster": "prod",
  "serviceName": "app",
  "taskDefinition": "app:1",
  "desiredCount": 1,
  "launchType": "FARGATE",
  "networkConfiguration": {{"awsvpcConfiguration": {{"subnets": ["subnet-0abc1234"]}}}}
}}
"""

# The fix adds managed tags after the last argument: the overrides are its context.
PYTHON = f'''import boto3

ecs = boto3.client("ecs")
DB_PASSWORD = "{SECRET}"


def nightly():
    ecs.run_task(
        cluster="prod",
        taskDefinition="app:1",
        overrides={{"containerOverrides": [{{"name": "app", "environment": [
            {{"name": "DB_PASSWORD", "value": "{SECRET}"}},
            {{"name": "PIN", "value": {NUMBER}}}]}}]}},
    )
    ecs.run_task(taskDefinition="app:1", overrides={{"containerOverrides": [{{"name": "app",
        "environment": [{{"name": "PLAIN", "value": "{SECRET}"}}]}}]}})
'''


def cloudtrail_records() -> list[dict]:
    """A job a person keeps stopping, run with environment overrides and no managed tags, and
    the registration of a task definition with the secrets in its environment."""
    ct.reset()
    start = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
    overrides = {
        "containerOverrides": [
            {
                "name": "app",
                "environment": [
                    {"name": "DB_PASSWORD", "value": SECRET},
                    {"name": "PIN", "value": str(NUMBER)},
                ],
            }
        ]
    }
    registered = ct.register_task_definition(ct.github_actions(), start, "app", 1)
    request = registered["requestParameters"]
    for container in request["containerDefinitions"]:
        container["environment"] = copy.deepcopy(overrides["containerOverrides"][0]["environment"])
        container["secrets"] = [{"name": "STRIPE_KEY", "valueFrom": SECRET}]
        container["logConfiguration"] = _log_configuration()
    records = [registered]
    for day in range(3):
        started = start + timedelta(days=day)
        run = ct.run_task(ct.sso_user(), started, family="app", revision=1)
        run["requestParameters"]["overrides"] = copy.deepcopy(overrides)
        for task in run["responseElements"]["tasks"]:
            task["overrides"] = copy.deepcopy(overrides)
        task_arn = run["responseElements"]["tasks"][0]["taskArn"]
        records.append(run)
        records.append(
            ct.stop_task(
                ct.iam_user_console("carol"),
                started + timedelta(hours=5),
                task_arn.rsplit("/", 1)[-1],
                family="app",
                revision=1,
                started_at=started,
            )
        )
    return records


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "taskdef.json").write_text(json.dumps(task_definition(), indent=2))
    (tmp_path / "service.json").write_text(SERVICE)
    (tmp_path / "sidecar.json").write_text(json.dumps(wrong_types(), indent=2))
    (tmp_path / "minified.json").write_text(json.dumps(task_definition()))
    (tmp_path / "jobs.py").write_text(PYTHON)
    trail = tmp_path / "trail"
    trail.mkdir()
    (trail / "records.jsonl").write_text(ct.jsonl(cloudtrail_records()))
    return tmp_path


def _written(folder: Path, names: list[str]) -> None:
    for name in names:
        assert_clean((folder / name).read_text(), name)


def test_the_inputs_do_hold_the_sentinels(inputs):
    names = ("taskdef.json", "service.json", "sidecar.json", "minified.json", "jobs.py")
    for name in (*names, "trail/records.jsonl"):
        text = (inputs / name).read_text()
        assert SECRET in text and str(NUMBER) in text, name


def test_lint_in_every_format_says_what_is_wrong_but_not_the_values(cli, inputs):
    files = ["taskdef.json", "service.json", "sidecar.json", "minified.json", "jobs.py"]
    for fmt in LINT_FORMATS:
        code, out, err = cli("lint", "--format", fmt, *files)
        assert code == 1, (fmt, err)
        assert_clean(out + err, f"lint --format {fmt}")
    code, out, err = cli("lint", "--format", "json", *files)
    names = {f["name"] for f in json.loads(out)["findings"]}
    # The sentinels are found, and reported by name and type.
    assert {"invalid-field-value", "secret-in-environment", "unknown-field"} <= names
    reports = [f"--report={fmt}:report.{fmt}" for fmt in LINT_FORMATS]
    code, out, err = cli("lint", "--output", "out.txt", *reports, *files)
    assert_clean(out + err, "lint --report")
    _written(inputs, ["out.txt", *(f"report.{fmt}" for fmt in LINT_FORMATS)])
    for fmt in ("text", "json"):
        code, out, err = cli("lint", "--cost", "--region", "eu-west-1", "--format", fmt, *files)
        assert_clean(out + err, f"lint --cost --format {fmt}")


def test_secret_in_environment_names_the_number_too(cli, inputs):
    _, out, _ = cli("lint", "--format", "json", "--select", "secret-in-environment", "taskdef.json")
    hits = {f["pointer"] for f in json.loads(out)["findings"]}
    assert "/containerDefinitions/0/environment/1/value" in hits  # API_TOKEN = 73914226


def test_the_baseline_stores_fingerprints_not_messages(cli, inputs):
    files = ["taskdef.json", "service.json", "sidecar.json", "minified.json", "jobs.py"]
    code, out, err = cli("lint", "--baseline", "baseline.json", "--update-baseline", *files)
    assert code == 0, err
    assert_clean(out + err, "lint --update-baseline")
    _written(inputs, ["baseline.json"])
    entries = json.loads((inputs / "baseline.json").read_text())["findings"]
    assert entries and all("message" not in entry for entry in entries)
    code, out, err = cli("lint", "--baseline", "baseline.json", *files)
    assert code == 0 and "No problems found" in out
    assert_clean(out + err, "lint --baseline")


def test_fix_diff_hides_the_values_around_the_change(cli, inputs):
    code, out, err = cli(
        "lint", "--fix", "--diff", "taskdef.json", "service.json", "minified.json", "jobs.py"
    )
    assert out.count("--- a/") == 4
    assert code == 1, err
    assert_clean(out + err, "lint --fix --diff")
    # Still a diff a reviewer can read: what is added, and the keys around it.
    assert '+          "awslogs-stream-prefix": <hidden>,' in out
    assert '"apikey": <hidden>,' in out
    assert '+  "enableECSManagedTags": true,' in out
    assert "enableECSManagedTags=True" in out
    code, out, err = cli("lint", "--fix", "taskdef.json", "service.json", "jobs.py")
    assert_clean(out + err, "lint --fix")


def test_history_in_every_format(cli, inputs):
    for fmt in LINT_FORMATS:
        code, out, err = cli(
            "history", "--format", fmt, "--task-definitions", "taskdef.json", "trail"
        )
        assert code == 1, (fmt, err)
        assert_clean(out + err, f"history --format {fmt}")
    code, out, _ = cli("history", "--format", "json", "trail")
    names = {f["name"] for f in json.loads(out)["findings"]}
    assert {"job-stopped-by-hand", "run-task-without-managed-tags"} <= names
    code, out, err = cli("history", "--baseline", "history.json", "--update-baseline", "trail")
    assert code == 0, err
    assert_clean(out + err, "history --update-baseline")
    _written(inputs, ["history.json"])


def test_cost_of_the_task_definition(cli, inputs):
    _, out, err = cli("cost", "taskdef.json", "--format", "json")
    assert_clean(out + err, "cost")


def test_audit_in_every_format(cli, inputs, monkeypatch):
    import boto3
    import moto

    region = "eu-west-1"
    fake_aws_environment(monkeypatch, inputs, region)
    # The API takes strings only: the number goes in as text.
    environment = [
        {"name": "DB_PASSWORD", "value": SECRET},
        {"name": "API_TOKEN", "value": str(NUMBER)},
    ]
    options = {"apikey": SECRET, "awslogs-group": "/ecs/app", "awslogs-region": region}
    with moto.mock_aws():
        ecs = boto3.client("ecs", region_name=region)
        ecs.create_cluster(clusterName="prod")
        ecs.register_task_definition(
            family="app",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="512",
            memory="1024",
            executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            containerDefinitions=[
                {
                    "name": "app",
                    "image": "nginx:latest",
                    "environment": environment,
                    "secrets": [{"name": "STRIPE_KEY", "valueFrom": SECRET}],
                    "dockerLabels": {"com.example.token": SECRET},
                    "repositoryCredentials": {"credentialsParameter": SECRET},
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": options,
                        "secretOptions": [{"name": "k", "valueFrom": str(NUMBER)}],
                    },
                }
            ],
        )
        ecs.create_service(
            cluster="prod",
            serviceName="app",
            taskDefinition="app:1",
            desiredCount=1,
            launchType="FARGATE",
        )
        seen = set()
        for fmt in ("text", "json", "markdown", "sarif"):
            code, out, err = cli(
                "audit", "--region", region, "--cloudtrail", str(inputs / "trail"), "--format", fmt
            )
            assert code == 1, (fmt, err)
            assert_clean(out + err, f"audit --format {fmt}")
            if fmt == "json":
                seen = {f["name"] for f in json.loads(out)["findings"]}
        assert "secret-in-environment" in seen
        code, out, err = cli(
            "audit", "--region", region, "--cloudtrail", "none", "--output", "audit.json"
        )
        assert_clean(out + err, "audit --output")
        _written(inputs, ["audit.json"])
