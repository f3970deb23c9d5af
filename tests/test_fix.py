"""`lint --fix` and `--fix --diff`: safe, minimal, atomic, idempotent."""

from __future__ import annotations

import json
import os

import libcst  # noqa: F401 - a core dependency: missing, these tests fail, never skip
from conftest import good_service, good_taskdef

SCRIPT = """import boto3

ecs = boto3.client("ecs")


def nightly(**extra):
    ecs.run_task(cluster="prod", taskDefinition='report:4')  # quotes stay as they are
    ecs.run_task(
        cluster="prod",  # the main cluster
        taskDefinition="etl:2",
    )
    ecs.run_task(taskDefinition="etl:3", **extra)
"""

SERVICE = """{
    "cluster": "prod",
    "serviceName": "web",
    "taskDefinition": "web:3",
    "desiredCount": 2,
    "launchType": "FARGATE"
}
"""


def write(tmp_path, name, text, mode=0o644):
    path = tmp_path / name
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_python_fix_keeps_layout_and_is_idempotent(cli, tmp_path):
    path = write(tmp_path, "jobs.py", SCRIPT)
    code, _, err = cli("lint", "--fix", "jobs.py")
    assert "fixed 1 file" in err
    fixed = path.read_text()
    assert (
        """ecs.run_task(cluster="prod", taskDefinition='report:4', enableECSManagedTags=True, propagateTags="TASK_DEFINITION")  # quotes stay as they are"""
        in fixed
    )
    assert (
        """        taskDefinition="etl:2",\n        enableECSManagedTags=True,\n        propagateTags="TASK_DEFINITION",\n    )"""
        in fixed
    )
    assert """ecs.run_task(taskDefinition="etl:3", **extra)""" in fixed  # not guessed at
    assert "# the main cluster" in fixed
    assert code == 0  # nothing left to report
    assert cli("lint", "--fix", "--diff", "jobs.py")[0] == 0  # a second run changes nothing


def test_diff_writes_nothing(cli, tmp_path):
    path = write(tmp_path, "jobs.py", SCRIPT)
    code, out, _ = cli("lint", "--fix", "--diff", "jobs.py")
    assert code == 1 and out.startswith("--- a/jobs.py\n+++ b/jobs.py")
    assert path.read_text() == SCRIPT
    assert cli("lint", "--diff", "jobs.py")[0] == 2  # --diff goes with --fix


def test_json_fixes_insert_lines_and_touch_nothing_else(cli, tmp_path):
    path = write(tmp_path, "svc.json", SERVICE, mode=0o640)
    cli("lint", "--fix", "svc.json")
    lines = path.read_text().splitlines()
    assert lines[1:3] == ['    "enableECSManagedTags": true,', '    "propagateTags": "SERVICE",']
    assert [
        line for line in lines if "enableECSManagedTags" not in line and "propagateTags" not in line
    ] == SERVICE.splitlines()
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o640)
    assert json.loads(path.read_text())["enableECSManagedTags"] is True
    assert cli("lint", "svc.json")[0] == 0


def test_stream_prefix_fix_uses_the_container_name(cli, tmp_path):
    doc = good_taskdef()
    del doc["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-stream-prefix"]
    path = write(tmp_path, "td.json", json.dumps(doc, indent=2))
    cli("lint", "--fix", "td.json")
    options = json.loads(path.read_text())["containerDefinitions"][0]["logConfiguration"]["options"]
    assert options["awslogs-stream-prefix"] == "web"
    assert cli("lint", "td.json")[0] == 0


def test_what_is_not_fixed(cli, tmp_path):
    described = {
        "services": [
            {
                **good_service(enableECSManagedTags=False),
                "serviceArn": "arn:aws:ecs:eu-west-1:1:service/prod/web",
            }
        ]
    }
    described["services"][0].pop("cluster")
    text = json.dumps(described, indent=2)
    path = write(tmp_path, "described.json", text)
    broken = write(
        tmp_path, "broken.py", "import boto3\necs = boto3.client('ecs')\necs.run_task(\n"
    )
    cli("lint", "--fix", ".")
    assert path.read_text() == text  # describe output is AWS's, not a config to edit
    assert broken.read_text() == "import boto3\necs = boto3.client('ecs')\necs.run_task(\n"


def test_each_rule_says_whether_its_fix_is_safe(cli):
    _, out, _ = cli("explain", "run-task-without-managed-tags")
    assert "Fix safety" in out and "Safe in Python code" in out
    _, out, _ = cli("explain", "ECS301")
    assert "no automatic fix" in out
