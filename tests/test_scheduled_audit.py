"""examples/scheduled-audit/ as shipped: its image, its task definition, the command it runs (on
moto), and the report it writes to standard output and, optionally, to S3."""

from __future__ import annotations

import json
import re
import shlex

import boto3
import moto
import pytest
from conftest import REPO, fake_aws_environment

EXAMPLE = REPO / "examples" / "scheduled-audit"
REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch, tmp_path):
    fake_aws_environment(monkeypatch, tmp_path, REGION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from advisor.audit import account_reader

    monkeypatch.setattr(account_reader.time, "sleep", lambda seconds: None)
    with moto.mock_aws():
        boto3.client("ecs", region_name=REGION).create_cluster(clusterName="tools")
        yield


def _bucket(name: str = "reports") -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})


def _everything_in_s3() -> dict[str, list[str]]:
    s3 = boto3.client("s3", region_name=REGION)
    return {
        b["Name"]: [o["Key"] for o in s3.list_objects_v2(Bucket=b["Name"]).get("Contents", [])]
        for b in s3.list_buckets()["Buckets"]
    }


# --- --output s3:// -------------------------------------------------------------------------


def test_the_report_goes_to_standard_output_and_to_s3(cli, aws):
    _bucket()
    code, out, err = cli(
        "audit", "--region", REGION, "--cloudtrail", "none", "--format", "markdown",
        "--output", "s3://reports/ecs/weekly.md",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("## ECS audit:")  # on standard output, so it lands in CloudWatch Logs
    s3 = boto3.client("s3", region_name=REGION)
    stored = s3.get_object(Bucket="reports", Key="ecs/weekly.md")
    assert stored["Body"].read().decode() == out
    assert stored["ContentType"] == "text/markdown; charset=utf-8"
    assert _everything_in_s3() == {"reports": ["ecs/weekly.md"]}  # nothing else written


def test_a_report_that_cannot_be_written_to_s3_is_one_line_exit_2(cli, aws):
    code, out, err = cli(
        "audit", "--region", REGION, "--cloudtrail", "none", "--output", "s3://no-such-bucket/r.md"
    )
    assert code == 2 and out.startswith("ECS audit:")  # the log still has the report
    assert err.count("\n") == 1 and "s3://no-such-bucket/r.md" in err and "NoSuchBucket" in err
    assert _everything_in_s3() == {}


@pytest.mark.parametrize("url", ["s3://", "s3://bucket", "s3://bucket/", "s3:///key"])
def test_an_s3_output_needs_a_bucket_and_a_key(cli, url):
    code, out, err = cli("audit", "--output", url)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--output s3://BUCKET/KEY" in err


def test_the_s3_write_has_a_policy_of_its_own(cli):
    code, out, _ = cli("audit", "--print-iam-policy")
    read_only = json.loads(out)
    assert code == 0
    assert not [a for s in read_only["Statement"] for a in s["Action"] if a.startswith("s3:Put")]
    code, out, _ = cli(
        "audit", "--print-iam-policy", "report-output", "--output", "s3://reports/ecs/weekly.md"
    )
    assert code == 0
    assert json.loads(out) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteTheAuditReport",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": "arn:aws:s3:::reports/ecs/weekly.md",
            }
        ],
    }
    _, out, _ = cli("audit", "--print-iam-policy", "report-output")
    resource = json.loads(out)["Statement"][0]["Resource"]
    assert resource == "arn:aws:s3:::YOUR-REPORT-BUCKET/YOUR-REPORT-KEY"


# --- the example as shipped -----------------------------------------------------------------


def _task_definition() -> dict:
    return json.loads((EXAMPLE / "audit-taskdef.json").read_text())


def test_the_task_definition_passes_lint(cli):
    code, out, err = cli("lint", str(EXAMPLE / "audit-taskdef.json"))
    assert (code, err) == (0, ""), out


def test_the_containers_command_parses_and_runs_against_moto(cli, aws, monkeypatch):
    from advisor.cli import build_parser

    [container] = _task_definition()["containerDefinitions"]
    command = container["command"]
    args = build_parser().parse_args(command)
    assert args.command == "audit" and args.output is None  # the report goes to the log
    for variable in container.get("environment", []):
        monkeypatch.setenv(variable["name"], variable["value"])
    asked = _no_cloudtrail_records(monkeypatch)
    code, out, err = cli(*command)
    assert code in (0, 1), err
    assert out.startswith("## ECS audit:") and "eu-west-1" in out
    assert "eu-west-1" in asked and len(asked) > 1  # --all-regions: each region's history


def _no_cloudtrail_records(monkeypatch) -> set[str]:
    """moto has no LookupEvents: an empty history, and the regions it was asked in."""
    from advisor.audit import aws_session

    asked: set[str] = set()
    real = aws_session.client

    class EmptyTrail:
        def __init__(self, region: str) -> None:
            self.region = region

        def lookup_events(self, **arguments):
            assert arguments["LookupAttributes"][0]["AttributeKey"] == "EventName"
            asked.add(self.region)
            return {"Events": []}

    def client(session, service, region=None):
        if service == "cloudtrail":
            return EmptyTrail(region)
        return real(session, service, region)

    monkeypatch.setattr(aws_session, "client", client)
    return asked


def test_the_image_installs_the_package_from_the_build_context():
    dockerfile = (EXAMPLE / "Dockerfile").read_text()
    instructions = [
        line for line in dockerfile.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert instructions[0] == "FROM python:3.12-slim"
    assert "git+" not in dockerfile
    # Every path the image copies exists in the repository (the build context is its root).
    copied = []
    for line in instructions:
        if line.startswith("COPY "):
            *sources, _ = shlex.split(line)[1:]
            copied += sources
    assert copied and all((REPO / s).exists() for s in copied), copied
    assert {"pyproject.toml", "advisor", "rules"} <= {s.rstrip("/") for s in copied}
    assert re.search(r"pip install [^\n]*'/src\[aws\]'", dockerfile)
    assert 'ENTRYPOINT ["ecs-advisor"]' in dockerfile
    # The README says how to build it from the repository's root.
    readme = (EXAMPLE / "README.md").read_text()
    assert "docker build -f examples/scheduled-audit/Dockerfile" in readme


def test_the_files_the_image_copies_build_the_package(tmp_path):
    """What the Dockerfile copies is enough to build ecs-advisor: a wheel with its data files."""
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "src"
    source.mkdir()
    for line in (EXAMPLE / "Dockerfile").read_text().splitlines():
        if line.startswith("COPY "):
            *paths, _ = shlex.split(line)[1:]
            for path in paths:
                if (REPO / path).is_dir():
                    shutil.copytree(
                        REPO / path, source / path, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    shutil.copy(REPO / path, source / path)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("ecs_advisor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"advisor/cli.py", "advisor/cost/fargate_prices.json"} <= names
    assert any(name.endswith("schema/ecs.schema.json") for name in names)
    assert any(name.endswith("secrets.py") and "rules" in name for name in names)


def test_the_schedule_runs_this_task_definition_with_managed_tags():
    schedule = json.loads((EXAMPLE / "scheduler-schedule.json").read_text())
    parameters = schedule["Target"]["EcsParameters"]
    family = parameters["TaskDefinitionArn"].rsplit("/", 1)[-1].split(":")[0]
    assert family == _task_definition()["family"]
    # No container overrides: the command the test above ran is the command the task runs.
    assert "Input" not in schedule["Target"] and "Overrides" not in parameters
    assert parameters["EnableECSManagedTags"] is True and parameters["LaunchType"] == "FARGATE"
