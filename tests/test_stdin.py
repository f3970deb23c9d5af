"""Standard input: ``lint -`` reads what ``--stdin-filename`` says it is, and ``lint - --fix``
prints the fixed document (as ruff does) rather than failing."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import REPO, good_service

JOB = 'import boto3\necs = boto3.client("ecs")\necs.run_task(cluster="c", taskDefinition="t")\n'
FIXED_JOB = (
    'import boto3\necs = boto3.client("ecs")\necs.run_task(cluster="c", taskDefinition="t", '
    'enableECSManagedTags=True, propagateTags="TASK_DEFINITION")\n'
)
UNTAGGED_SERVICE = json.dumps(
    {k: v for k, v in good_service().items() if k not in ("enableECSManagedTags", "propagateTags")},
    indent=2,
)


def _lint(stdin: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "PRE_COMMIT")}
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "advisor", "lint", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO / "tests",  # no file there is named like the stdin names below
        env=env,
        timeout=60,
    )


def test_stdin_as_python():
    run = _lint(JOB, "-", "--stdin-filename", "jobs/start.py", "--format", "json")
    assert run.returncode == 0 and run.stderr == ""
    [finding] = json.loads(run.stdout)["findings"]
    assert (finding["path"], finding["line"], finding["code"]) == ("jobs/start.py", 3, "ECS603")


def test_stdin_as_json():
    run = _lint(UNTAGGED_SERVICE, "-", "--stdin-filename", "web-service.json")
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.splitlines() == [
        "web-service.json:1:1: ECS501 warning: service prod/web does not enable ECS managed tags "
        "[service-without-managed-tags]",
        "web-service.json:1:1: ECS502 warning: service prod/web does not propagate tags to its tasks "
        "[service-tags-not-propagated]",
        "Found 2 problems (2 warnings) in 1 file; 1 file checked.",
    ]


def test_fix_from_stdin_prints_the_fixed_python():
    run = _lint(JOB, "-", "--stdin-filename", "start.py", "--fix")
    assert run.stdout == FIXED_JOB
    assert run.stderr == "ecs-advisor: fixed 1 problem(s); 0 remain\n" and run.returncode == 0


def test_fix_from_stdin_prints_the_fixed_json():
    run = _lint(UNTAGGED_SERVICE, "-", "--stdin-filename", "web-service.json", "--fix")
    fixed = json.loads(run.stdout)
    assert fixed["enableECSManagedTags"] is True and fixed["propagateTags"] == "SERVICE"
    # Two inserted lines; every other line as it was.
    assert run.stdout.splitlines() == [
        "{",
        '  "enableECSManagedTags": true,',
        '  "propagateTags": "SERVICE",',
        *UNTAGGED_SERVICE.splitlines()[1:],
    ]
    assert run.stderr == "ecs-advisor: fixed 2 problem(s); 0 remain\n" and run.returncode == 0


def test_fix_diff_from_stdin_is_a_patch_named_after_the_stdin_filename():
    run = _lint(JOB, "-", "--stdin-filename", "start.py", "--fix", "--diff")
    assert run.returncode == 1 and run.stderr == ""
    assert run.stdout.splitlines()[:2] == ["--- a/start.py", "+++ b/start.py"]
    assert "+" + FIXED_JOB.splitlines()[-1] in run.stdout.splitlines()


def test_fix_from_stdin_that_does_not_parse_echoes_it_and_says_why():
    broken = '{"containerDefinitions": [}'
    run = _lint(broken, "-", "--stdin-filename", "td.json", "--fix")
    assert run.returncode == 2 and run.stdout == broken
    assert run.stderr.startswith("ecs-advisor: error: td.json:1:27: invalid JSON")
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "other.json"], "--fix with standard input: '-' must be the only PATH"),
        (
            ["-", "--output", "x.txt"],
            "--fix with standard input prints the document: no --output, --report or --baseline",
        ),
    ],
)
def test_fix_from_stdin_refuses_what_it_cannot_do_in_one_line(args, message):
    run = _lint(JOB, *args, "--fix")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == f"ecs-advisor: error: {message}\n"


def test_fix_from_stdin_keeps_a_byte_order_mark():
    env = {k: v for k, v in os.environ.items() if k != "PRE_COMMIT"}
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "lint", "-", "--stdin-filename", "s.json", "--fix"],
        input=b"\xef\xbb\xbf" + UNTAGGED_SERVICE.encode(),
        capture_output=True,
        cwd=REPO / "tests",
        env=env,
        timeout=60,
    )
    assert run.returncode == 0 and run.stdout.startswith(b"\xef\xbb\xbf{\n")
    assert b'"enableECSManagedTags": true' in run.stdout


def test_fix_from_stdin_fails_on_what_it_could_not_fix():
    service = json.loads(UNTAGGED_SERVICE) | {"launchType": "fargate"}  # no safe fix for this
    run = _lint(json.dumps(service), "-", "--stdin-filename", "s.json", "--fix")
    assert json.loads(run.stdout)["enableECSManagedTags"] is True
    assert run.stderr == "ecs-advisor: fixed 2 problem(s); 1 remain\n" and run.returncode == 1
