"""Snapshots of everything users see: stdout, stderr and the exit code of each command.

Each test runs the real entry point (``advisor.cli.main``) with its working directory in a
temporary copy of fixed inputs (``tests/data/snapshots/``), naming them by relative paths, and
compares a transcript with ``tests/__snapshots__/test_snapshots/<test>.txt`` byte for byte.
After an intended change of output: ``python -m pytest tests/test_snapshots.py --snapshot-update``
and review the diff of the .txt files.

What is held still, so that the same code always prints the same bytes:
- the environment: no colour, no AWS region or profile variables, no price cache of the user's,
  not under pre-commit;
- "today", which decides whether a price is old enough to be flagged (``_price_age_note``): it is
  TODAY below for every test (``pinned_today``);
- configuration files: the copy is a repository root of its own (an empty ``.git``), so no
  ``pyproject.toml`` or ``.ecs-advisor.toml`` above the temporary folder is read.
Nothing in any output is rewritten (no regex, no placeholders). The audit is run with
``--cloudtrail none`` or a CloudTrail that refuses, so it prints nothing that depends on the
clock; its history findings are not pinned here: their window ends "now", so their timestamps
and their per-month figures (float noise from the window's length) change from run to run.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from conftest import fake_aws_environment
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from advisor.cli import main

DATA = Path(__file__).parent / "data" / "snapshots"
TODAY = datetime.date(2026, 12, 1)  # the day these snapshots were first taken
FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")
HISTORY_ARGS = (
    "trail.jsonl",
    "--task-definitions",
    "report-taskdef.json",
    "--task-definitions",
    "etl-taskdef.json",
)


class Transcript(SingleFileSnapshotExtension):
    """One .txt file per snapshot, read and written as UTF-8 text (a line diff on failure)."""

    _write_mode = WriteMode.TEXT
    file_extension = "txt"  # syrupy >= 5
    _file_extension = "txt"  # syrupy 4


@pytest.fixture
def snapshot(snapshot):
    return snapshot.use_extension(Transcript)


class _FixedDateMeta(type):
    """So that isinstance/issubclass with ``datetime.date`` still hold for real dates."""

    def __instancecheck__(cls, obj):
        return isinstance(obj, _REAL_DATE)

    def __subclasscheck__(cls, sub):
        return issubclass(sub, _REAL_DATE)


_REAL_DATE = datetime.date


class _FixedDate(_REAL_DATE, metaclass=_FixedDateMeta):
    @classmethod
    def today(cls):
        return TODAY


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    """``datetime.date.today()`` is TODAY; nothing else about dates and times changes."""
    monkeypatch.setattr(datetime, "date", _FixedDate)


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_ENDPOINT_URL",
        "PRE_COMMIT",
        "ECS_ADVISOR_DEBUG",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def inputs(tmp_path, monkeypatch):
    """Copy tests/data/snapshots/<name> to a temporary repository root and work from there."""

    def copy(name: str) -> Path:
        root = tmp_path / "work"
        shutil.copytree(DATA / name, root)
        (root / ".git").mkdir()
        monkeypatch.chdir(root)
        return root

    return copy


@pytest.fixture
def run(capsys):
    """``ecs-advisor ARGS`` in-process; returns the transcript: command, exit code, stdout,
    stderr, each exactly as printed."""

    def transcript(*args: str) -> str:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return (
            f"$ ecs-advisor {' '.join(args)}\n"
            f"exit code: {code}\n"
            f"----- stdout -----\n{out}"
            f"----- stderr -----\n{err}"
        )

    return transcript


def files(root: Path) -> str:
    """Every input file's content, by relative path (what --fix wrote)."""
    parts = [
        f"===== {path.relative_to(root)} =====\n{path.read_text(encoding='utf-8')}"
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.parts
    ]
    return "".join(parts)


# --- lint ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_lint_folder_with_an_unreadable_file(inputs, run, snapshot, fmt):
    """Every kind of input and finding, plus a truncated task definition: exit 2."""
    inputs("lint")
    assert run("lint", "--format", fmt, ".") == snapshot


@pytest.mark.parametrize("fmt", FORMATS)
def test_lint_folder_with_findings(inputs, run, snapshot, fmt):
    """The same folder without the truncated file: exit 1."""
    inputs("lint")
    assert run("lint", "--format", fmt, "ecs") == snapshot


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_lint_only_an_unreadable_file(inputs, run, snapshot, fmt):
    """Nothing could be checked: exit 2, and what the summary says about it."""
    inputs("lint")
    assert run("lint", "--format", fmt, "broken") == snapshot


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_lint_cost(inputs, run, snapshot, fmt):
    """A service priced from its task definition (a capacity provider strategy), and one whose
    task definition is not in the run."""
    inputs("lint-cost")
    assert run("lint", "--cost", "--region", "us-east-1", "--format", fmt) == snapshot


# --- lint --fix ---------------------------------------------------------------------------------


def test_lint_fix_diff(inputs, run, snapshot):
    root = inputs("fix")
    before = files(root)
    assert run("lint", "--fix", "--diff") == snapshot
    assert files(root) == before  # --diff writes nothing


def test_lint_fix_written_files(inputs, run, snapshot):
    root = inputs("fix")
    assert run("lint", "--fix") + files(root) == snapshot


# --- history ------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_history(inputs, run, snapshot, fmt):
    """ECS601, ECS602 and ECS603 from a fixed trail, priced from task definition files."""
    inputs("history")
    assert run("history", "--format", fmt, *HISTORY_ARGS) == snapshot


@pytest.mark.parametrize("fmt", ("text", "json"))
def test_history_of_task_definitions(inputs, run, snapshot, fmt):
    """Task definitions hold no CloudTrail record: an error of the run, never "no problems"."""
    inputs("history")
    assert run("history", "--format", fmt, "report-taskdef.json", "etl-taskdef.json") == snapshot


# --- rules and explain --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_rules(run, snapshot, fmt):
    assert run("rules", "--format", fmt) == snapshot


def test_explain_ECS202(run, snapshot):
    assert run("explain", "ECS202") == snapshot


# --- cost ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cost_task_definition(inputs, run, snapshot, fmt):
    """An arm64 task with extra storage, 2 tasks x 12 minutes, 3 runs a day for 30 days."""
    inputs("cost")
    args = ("report-taskdef.json", "--region", "eu-west-1", "--tasks", "2", "--duration", "12m")
    assert run("cost", *args, "--runs-per-day", "3", "--days", "30", "--format", fmt) == snapshot


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cost_compare(inputs, run, snapshot, fmt):
    """The same task always on as a service against a 12-minute daily job."""
    inputs("cost")
    args = ("report-taskdef.json", "--region", "eu-west-1", "--compare", "--duration", "12m")
    assert run("cost", *args, "--format", fmt) == snapshot


# --- audit (moto, in-process) -------------------------------------------------------------------

AUDIT_REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch, tmp_path):
    """Fake credentials and an in-process AWS holding two services (as tests/test_audit.py)."""
    import boto3
    import moto

    from advisor.audit import account_reader

    monkeypatch.setattr(account_reader.time, "sleep", lambda seconds: None)
    fake_aws_environment(monkeypatch, tmp_path, AUDIT_REGION)
    monkeypatch.chdir(tmp_path)
    with moto.mock_aws():
        ecs = boto3.client("ecs", region_name=AUDIT_REGION)
        ecs.create_cluster(clusterName="prod")
        logs = {"awslogs-group": "/ecs/report", "awslogs-region": AUDIT_REGION}
        ecs.register_task_definition(
            family="report",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="512",
            memory="1024",
            executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            containerDefinitions=[
                {
                    "name": "report",
                    "image": "nginx:latest",
                    "memoryReservation": 512,
                    "environment": [{"name": "API_TOKEN", "value": "t0k3n-from-the-console"}],
                    "logConfiguration": {"logDriver": "awslogs", "options": logs},
                }
            ],
        )
        ecs.register_task_definition(
            family="web",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="1024",
            memory="2048",
            runtimePlatform={"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
            executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
            containerDefinitions=[
                {
                    "name": "web",
                    "image": "public.ecr.aws/nginx/nginx:1.27.0",
                    "memoryReservation": 1024,
                    "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
                    "logConfiguration": {
                        "logDriver": "awslogs",
                        "options": {**logs, "awslogs-stream-prefix": "web"},
                    },
                }
            ],
        )
        ecs.create_service(
            cluster="prod",
            serviceName="report",
            taskDefinition="report:1",
            desiredCount=1,
            launchType="FARGATE",
        )
        ecs.create_service(
            cluster="prod",
            serviceName="web",
            taskDefinition="web:1",
            desiredCount=2,
            launchType="FARGATE",
            enableECSManagedTags=True,  # moto does not keep this one: ECS501 is still reported
            propagateTags="SERVICE",
        )
        yield


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif"])
def test_audit(aws, run, snapshot, fmt):
    assert run("audit", "--region", AUDIT_REGION, "--cloudtrail", "none", "--format", fmt) == (
        snapshot
    )


def test_audit_when_cloudtrail_refuses(aws, run, snapshot, monkeypatch):
    """LookupEvents denied: reported on stderr and in the report, the rest goes on."""
    import boto3
    from botocore.stub import Stubber

    from advisor.audit import aws_session

    cloudtrail = boto3.client("cloudtrail", region_name=AUDIT_REGION)
    stubber = Stubber(cloudtrail)
    stubber.add_client_error("lookup_events", "AccessDeniedException", "denied", 400)
    stubber.activate()
    real = aws_session.client

    def client(session, service, region=None):
        return cloudtrail if service == "cloudtrail" else real(session, service, region)

    monkeypatch.setattr(aws_session, "client", client)
    assert run("audit", "--region", AUDIT_REGION) == snapshot
