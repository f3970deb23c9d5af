"""The README's generated parts stay in step with the code, CI runs what it says, and its "Try it"
commands do what it says they do."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from conftest import REPO

from advisor.report.rule_docs import markdown_table

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_rule_table_is_generated_from_the_catalogue():
    match = re.search(r"<!-- rules-table:start -->\n(.*?)<!-- rules-table:end -->", README, re.S)
    assert match, "README lost its rule table markers"
    assert match.group(1) == markdown_table(), "run: python tests/update_readme.py"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in README and "python -m pytest" in README
    assert "-e '.[test]'" in ci and "python -m pytest" in ci


# "Try it": the commands exactly as the README shows them.
TRY_IT = [
    "python3 -m venv .venv && .venv/bin/pip install -q . && .venv/bin/ecs-advisor lint examples/",
    "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest",
]
# What `ecs-advisor lint examples/` reports: examples/bad's mistakes, nothing from examples/good.
EXAMPLE_FINDINGS = {
    ("examples/bad/describe-export.json", 2, 3, "ECS104", "output-only-field"),
    ("examples/bad/web-service.json", 1, 1, "ECS501", "service-without-managed-tags"),
    ("examples/bad/web-service.json", 1, 1, "ECS502", "service-tags-not-propagated"),
    ("examples/bad/web-service.json", 1, 1, "ECS812", "resource-without-tags"),
    ("examples/bad/web-service.json", 6, 3, "ECS102", "invalid-field-value"),
    ("examples/bad/web-taskdef.json", 1, 1, "ECS304", "missing-execution-role"),
    ("examples/bad/web-taskdef.json", 4, 3, "ECS302", "fargate-requires-awsvpc"),
    ("examples/bad/web-taskdef.json", 6, 3, "ECS301", "invalid-fargate-size"),
    ("examples/bad/web-taskdef.json", 10, 7, "ECS401", "mutable-image-tag"),
    ("examples/bad/web-taskdef.json", 11, 7, "ECS101", "unknown-field"),
    ("examples/bad/web-taskdef.json", 12, 25, "ECS102", "invalid-field-value"),
    ("examples/bad/web-taskdef.json", 14, 33, "ECS402", "secret-in-environment"),
    ("examples/bad/web-taskdef.json", 18, 9, "ECS202", "awslogs-missing-stream-prefix"),
    ("examples/bad/web-taskdef.json", 18, 9, "ECS203", "awslogs-incomplete-options"),
    ("examples/bad/web-taskdef.json", 23, 5, "ECS201", "missing-log-configuration"),
    ("examples/bad/web-taskdef.json", 25, 7, "ECS401", "mutable-image-tag"),
    # Info (the gate passes them): no user, and a writable root filesystem, in every container.
    ("examples/bad/describe-export.json", 14, 5, "ECS802", "root-user"),
    ("examples/bad/describe-export.json", 14, 5, "ECS804", "writable-root-filesystem"),
    ("examples/bad/web-taskdef.json", 8, 5, "ECS802", "root-user"),
    ("examples/bad/web-taskdef.json", 8, 5, "ECS804", "writable-root-filesystem"),
    ("examples/bad/web-taskdef.json", 23, 5, "ECS802", "root-user"),
    ("examples/bad/web-taskdef.json", 23, 5, "ECS804", "writable-root-filesystem"),
}
# A finding line of the text report: path:line:col: CODE severity: message [rule-name]
FINDING = re.compile(r"^(\S+):(\d+):(\d+): (ECS\d+) (error|warning|info): .* \[([a-z-]+)\]$")


def _section(heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}[^\n]*\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README lost its '## {heading}' section"
    return match.group(1)


def _run(*args: str) -> subprocess.CompletedProcess:
    """``ecs-advisor ARGS`` as a user runs it from the repository root (``python -m advisor``: the
    same entry point, without building a virtual environment)."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "advisor", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _findings(output: str) -> set[tuple]:
    return {
        (m[1], int(m[2]), int(m[3]), m[4], m[6])
        for m in map(FINDING.match, output.splitlines())
        if m
    }


def test_try_it_lints_the_examples_and_exits_1_as_the_readme_says():
    section = _section("Try it")
    assert re.findall(r"^```sh\n(.*?)\n```$", section, re.S | re.M) == TRY_IT
    assert "`examples/good` passes" in section and "exits with status 1" in section
    command = shlex.split(TRY_IT[0].split(" && ")[-1])
    assert command == [".venv/bin/ecs-advisor", "lint", "examples/"]

    run = _run(*command[1:])
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stderr == ""
    assert _findings(run.stdout) == EXAMPLE_FINDINGS, run.stdout
    lines = run.stdout.splitlines()
    assert len(lines) == len(EXAMPLE_FINDINGS) + 1  # nothing else, then the summary
    assert lines[-1] == (
        "Found 22 problems (9 errors, 6 warnings, 7 infos) in 3 files; 7 files checked."
    )
    assert "examples/good/" not in run.stdout
    # Each line carries its finding's own severity: the missing stream prefix is an error in
    # the Fargate task definition, although the rule's default is a warning.
    severities = {
        (m[1], m[4]): m[5] for m in map(FINDING.match, lines) if m and m[1].endswith("taskdef.json")
    }
    assert severities[("examples/bad/web-taskdef.json", "ECS202")] == "error"
    assert severities[("examples/bad/web-taskdef.json", "ECS401")] == "warning"
    assert severities[("examples/bad/web-taskdef.json", "ECS802")] == "info"


def test_try_it_on_the_example_trail():
    match = re.search(
        r"Try it on the example trail that ships with the project \(`([^`]+)`\)", README
    )
    assert match and match.group(1) == "ecs-advisor history examples/history/"
    run = _run(*shlex.split(match.group(1))[1:])
    assert run.returncode == 1 and run.stderr == "", run.stdout + run.stderr
    assert {(f[0], f[1], f[3], f[4]) for f in _findings(run.stdout)} == {
        ("examples/history/trail.jsonl", 12, "ECS601", "service-stopped-manually"),
        ("examples/history/trail.jsonl", 62, "ECS602", "job-stopped-by-hand"),
        ("examples/history/trail.jsonl", 67, "ECS603", "run-task-without-managed-tags"),
    }
    assert "service prod/report runs at desired count 1 and was stopped by hand 10 times" in (
        run.stdout
    )


def test_readme_shows_the_audit_iam_policy():
    import json

    from advisor.audit.aws_session import IAM_POLICY

    match = re.search(
        r"<!-- iam-policy:start -->\n```json\n(.*?)\n```\n<!-- iam-policy:end -->", README, re.S
    )
    assert match and json.loads(match.group(1)) == IAM_POLICY


def test_readme_shows_the_report_output_policy_apart_from_the_read_only_one():
    import json

    from advisor.audit.report_output import output_policy

    match = re.search(
        r"<!-- iam-output-policy:start -->\n```json\n(.*?)\n```\n<!-- iam-output-policy:end -->",
        README,
        re.S,
    )
    assert match and json.loads(match.group(1)) == output_policy(None)
    assert README.index("<!-- iam-policy:end -->") < README.index("<!-- iam-output-policy:start")


def test_the_scheduled_audit_task_definition_is_a_clean_job():
    from advisor.config import Settings
    from advisor.engine import lint_paths

    result = lint_paths([str(REPO / "examples" / "scheduled-audit")], Settings())
    assert result.files_checked == 1 and result.findings == [] and result.errors == []
