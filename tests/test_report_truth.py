"""Every format tells the truth about what could not be read: for lint, history and the audit,
an unread input is named in the report itself (a GitHub error annotation, a SARIF tool
execution notification of a failed invocation, a JUnit error case, a markdown and a text line,
JSON ``errors``) and no format says the run was clean."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import fake_aws_environment

REPO = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")
# What a report may not say while something could not be read.
CLEAN = re.compile(r"no problems|\bclean\b|^No findings\.$", re.I | re.M)
AUDIT_REGION = "eu-west-1"

BROKEN_TASKDEF = '{"family": "web", "containerDefinitions": ['  # ends before the document does
DAMAGED_TRAIL = '{"Records": [{"eventVersion": "1.08", "eventSource": "ecs.amazonaws.com", '


def _lint(cli, tmp_path: Path) -> tuple[int, str, str]:
    (tmp_path / "broken.json").write_text(BROKEN_TASKDEF)
    return "broken.json", ("lint", "broken.json")


def _history(cli, tmp_path: Path) -> tuple[str, tuple[str, ...]]:
    shutil.copy(REPO / "examples" / "history" / "trail.jsonl", tmp_path / "trail.jsonl")
    (tmp_path / "damaged.json").write_text(DAMAGED_TRAIL)
    return "damaged.json", ("history", "trail.jsonl", "damaged.json", "--select", "ECS603")


@pytest.fixture
def denied_audit(monkeypatch, tmp_path):
    """An account with one service whose CloudTrail history cannot be read (AccessDenied)."""
    import boto3
    import moto
    from botocore.stub import Stubber

    from advisor.audit import account_reader, aws_session

    monkeypatch.setattr(account_reader.time, "sleep", lambda seconds: None)
    fake_aws_environment(monkeypatch, tmp_path, AUDIT_REGION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with moto.mock_aws():
        ecs = boto3.client("ecs", region_name=AUDIT_REGION)
        ecs.create_cluster(clusterName="prod")
        ecs.register_task_definition(
            family="report",
            containerDefinitions=[{"name": "report", "image": "nginx:1.27.0", "memory": 512}],
        )
        ecs.create_service(
            cluster="prod", serviceName="report", taskDefinition="report:1", desiredCount=1
        )
        cloudtrail = boto3.client("cloudtrail", region_name=AUDIT_REGION)
        stubber = Stubber(cloudtrail)
        for _ in range(2):  # a test may run the audit twice
            stubber.add_client_error("lookup_events", "AccessDeniedException", "denied", 400)
        stubber.activate()
        real = aws_session.client

        def client(session, service, region=None):
            return cloudtrail if service == "cloudtrail" else real(session, service, region)

        monkeypatch.setattr(aws_session, "client", client)
        yield


def _check(fmt: str, out: str, unread: str) -> None:
    """``unread`` (a path, or a source the audit could not read) is in the report the way the
    format's readers look for it."""
    if fmt == "json":
        errors = json.loads(out)["errors"]
        assert any(unread in json.dumps(error) for error in errors), errors
    elif fmt == "sarif":
        [invocation] = json.loads(out)["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False
        notes = invocation["toolExecutionNotifications"]
        assert any(n["level"] == "error" and unread in n["message"]["text"] for n in notes)
    elif fmt == "github":
        assert any(line.startswith("::error ") and unread in line for line in out.splitlines()), out
    elif fmt == "junit":
        suite = ET.fromstring(out).find("testsuite")
        assert suite is not None and int(suite.get("errors", "0")) >= 1
        errors = [case for case in suite.iter("testcase") if case.find("error") is not None]
        assert any(unread in ET.tostring(case, encoding="unicode") for case in errors), out
    else:  # text, markdown: a line of the report names it
        assert any(unread in line for line in out.splitlines()), out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", ["lint", "history"])
def test_an_unread_input_is_in_every_format_and_never_clean(cli, tmp_path, command, fmt):
    unread, args = {"lint": _lint, "history": _history}[command](cli, tmp_path)
    code, out, _ = cli(*args, "--format", fmt)
    assert code == 2
    _check(fmt, out, unread)
    assert not CLEAN.search(out), out


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_audit_names_what_it_could_not_read_in_every_format(cli, denied_audit, fmt):
    """A source the audit could not read is reported, not passed: exit 2 by default; with
    --allow-partial the run passes (exit 0 here: the one rule selected has nothing to say), so the
    report itself must not read as clean either way."""
    args = ("audit", "--region", AUDIT_REGION, "--select", "ECS601", "--format", fmt)
    for extra, expected in (((), 2), (("--allow-partial",), 0)):
        code, out, _ = cli(*args, *extra)
        assert code == expected, extra
        _check(fmt, out, "CloudTrail history")
        assert not CLEAN.search(out), out


def test_the_github_annotation_points_at_the_line_and_column_of_the_error(cli, tmp_path):
    (tmp_path / "broken.json").write_text(BROKEN_TASKDEF)
    code, out, _ = cli("lint", "--format", "github", "broken.json")
    assert code == 2
    assert out.startswith("::error file=broken.json,line=1,col=44,title=ecs-advisor input error::")


def test_junit_lists_every_file_checked_and_a_failure_per_finding(cli, tmp_path):
    (tmp_path / "clean-taskdef.json").write_text(
        (REPO / "examples" / "good" / "web-taskdef.json").read_text()
    )
    shutil.copy(REPO / "examples" / "bad" / "web-service.json", tmp_path / "web-service.json")
    code, out, _ = cli("lint", "--format", "junit", "clean-taskdef.json", "web-service.json")
    assert code == 1
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    cases = [(c.get("classname"), c.get("name"), c.find("failure")) for c in suite]
    passing = [(path, name) for path, name, failure in cases if failure is None]
    assert passing == [("clean-taskdef.json", "no findings")]
    failing = sorted((path, name) for path, name, failure in cases if failure is not None)
    # examples/bad/web-service.json: ECS102 at 6:3, ECS501, ECS502 and ECS812 at 1:1
    assert failing == [
        ("web-service.json", "ECS102 invalid-field-value at 6:3"),
        ("web-service.json", "ECS501 service-without-managed-tags at 1:1"),
        ("web-service.json", "ECS502 service-tags-not-propagated at 1:1"),
        ("web-service.json", "ECS812 resource-without-tags at 1:1"),
    ]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("5", "4", "0")
    severities = {c.find("failure").get("type") for c in suite if c.find("failure") is not None}
    assert severities == {"error", "warning", "info"}


def test_lint_cost_keeps_its_cost_table_in_markdown(cli, tmp_path):
    data = REPO / "tests" / "data" / "snapshots" / "lint-cost"
    for path in data.iterdir():
        shutil.copy(path, tmp_path / path.name)
    code, out, _ = cli("lint", "--cost", "--region", "us-east-1", "--format", "markdown", ".")
    assert code == 1
    assert "### Monthly cost of services (730 hours, region us-east-1" in out
    assert re.search(r"^\| production/api +\| 3 x ", out, re.M), out
    assert re.search(r"^\| production/search +\| .*not priced", out, re.M), out


def test_lint_cost_keeps_its_cost_table_in_markdown_without_findings(cli, tmp_path):
    data = REPO / "tests" / "data" / "snapshots" / "lint-cost"
    for name in ("api-service.json", "api-taskdef.json"):
        shutil.copy(data / name, tmp_path / name)
    code, out, _ = cli(
        "lint", "--cost", "--region", "us-east-1", "--format", "markdown", "--select", "ECS101"
    )
    assert code == 0
    assert "### Monthly cost of services" in out and "production/api" in out
