"""`lint --fix` and `--fix --diff`: safe, minimal, atomic, idempotent."""

from __future__ import annotations

import json
import os

import libcst  # noqa: F401 - a core dependency: missing, these tests fail, never skip
import pytest
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


def test_python_fix_without_a_trailing_comma_keeps_the_closing_line(cli, tmp_path):
    text = 'import boto3\n\nboto3.client("ecs").run_task(\n    cluster="c",\n    taskDefinition="t"\n)\n'
    path = write(tmp_path, "job.py", text)
    assert cli("lint", "--fix", "job.py")[0] == 0
    assert path.read_text() == (
        'import boto3\n\nboto3.client("ecs").run_task(\n    cluster="c",\n    taskDefinition="t",\n'
        '    enableECSManagedTags=True,\n    propagateTags="TASK_DEFINITION"\n)\n'
    )


def test_diff_of_a_file_without_a_final_line_break_applies_with_git(cli, tmp_path):
    import subprocess

    text = 'import boto3\nboto3.client("ecs").run_task(cluster="c", taskDefinition="t")'
    path = write(tmp_path, "job.py", text)
    code, patch, _ = cli("lint", "--fix", "--diff", "./job.py")
    assert code == 1
    assert patch.startswith("--- a/job.py\n+++ b/job.py\n")
    assert patch.count("\\ No newline at end of file\n") == 2
    (tmp_path / "fix.diff").write_text(patch)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "apply", "fix.diff"], cwd=tmp_path, check=True)
    assert path.read_text() == (
        'import boto3\nboto3.client("ecs").run_task(cluster="c", taskDefinition="t", '
        'enableECSManagedTags=True, propagateTags="TASK_DEFINITION")'
    )


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


# --- what the diff shows ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (SCRIPT, SCRIPT.replace("    ecs.run_task(taskDefinition", "    ecs.stop_task(task")),
        (SERVICE, SERVICE.replace("{\n", '{\n    "propagateTags": "SERVICE",\n', 1)),
        ("a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n", "a\nB\nc\nd\ne\nf\ng\nh\ni\nJ\nk\nl\n"),
        ("one\ntwo\n", ""),
        ("", "one\n"),
        ("same\n", "same\n"),
    ],
)
def test_the_diff_is_difflibs_when_there_is_nothing_to_hide(old, new):
    import difflib

    from advisor.fix import unified_diff

    expected = "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), "a/x.py", "b/x.py"
        )
    )
    assert unified_diff("x.py", old, new) == expected


def test_a_last_line_without_a_break_is_marked_as_git_marks_it():
    from advisor.fix import unified_diff

    assert unified_diff("x.py", "a\nb", "a\nc") == (
        "--- a/x.py\n+++ b/x.py\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
        "+c\n\\ No newline at end of file\n"
    )
    assert unified_diff("x.py", "a\nb", "a\nb\n").endswith("-b\n\\ No newline at end of file\n+b\n")


def test_json_lines_keep_keys_and_names_and_hide_values():
    from advisor.redact import hidden_lines

    text = json.dumps(
        {
            "family": "web",
            "containerDefinitions": [
                {
                    "name": "web",
                    "environment": [{"name": "DB_PASSWORD", "value": "hunter2"}],
                    "secrets": [{"name": "KEY", "valueFrom": "arn:aws:ssm:x"}],
                    "logConfiguration": {"logDriver": "awslogs", "options": {"name": "x"}},
                    "dockerLabels": {"a": "b"},
                    "repositoryCredentials": {"credentialsParameter": "arn:p"},
                    "healthCheck": {"command": ["CMD", "curl -u admin:pw@x"]},
                    "image": "AKIAIOSFODNN7EXAMPLE",
                }
            ],
            "tags": [{"key": "dbPassword", "value": "x"}],
            "password": {"nested": ["hunter2", 42]},
            "odd\u2028key": "line\u2028separator",
        },
        indent=2,
        ensure_ascii=False,
    )
    shown = hidden_lines("td.json", text)
    assert len(shown) == len(text.splitlines(keepends=True))
    joined = "".join(shown)
    for hidden in (
        '"value": <hidden>',
        '"valueFrom": <hidden>',
        '"credentialsParameter": <hidden>',
    ):
        assert hidden in joined
    assert '"name": "DB_PASSWORD"' in joined and '"name": "KEY"' in joined  # names, not values
    assert '"logDriver": "awslogs"' in joined and '"family": "web"' in joined
    assert '"options": {\n' in joined and '"name": <hidden>' in joined  # a log option's value
    assert '"a": <hidden>' in joined
    assert '"image": <hidden>' in joined  # shaped like an access key, wherever it is
    assert "hunter2" not in joined and "arn:p" not in joined and "42" not in joined
    assert '"key": "dbPassword"' in joined  # a tag is not hidden; "password" is, everything in it
    # A command line may carry a credential (secret-in-command): its items are hidden, its key not.
    assert '"command": [' in joined and "admin:pw" not in joined and '"CMD"' not in joined


def test_python_lines_hide_secret_assignments_overrides_and_cdk_environments():
    from advisor.redact import hidden_lines

    text = '''import boto3
DB_PASSWORD = "hunter2"
self_token: str = 'tok' 'en'
ecs.run_task(overrides={"containerOverrides": [{"name": "app", "environment": [
    {"name": "PIN", "value": 4242}]}]}, taskDefinition="app:1")
task.add_container("web", environment={"API_KEY": f"k-{x}"}, docker_labels={"l": "v"})
note = """a
-----BEGIN RSA PRIVATE KEY-----"""
secret = """first
second"""
'''
    shown = hidden_lines("jobs.py", text)
    assert len(shown) == len(text.splitlines(keepends=True))
    assert shown[1] == "DB_PASSWORD = <hidden>\n"
    assert shown[2] == "self_token: str = <hidden>\n"
    assert '[{"name": "app", "environment": [' in shown[3]
    assert shown[4] == '    {"name": "PIN", "value": <hidden>}]}]}, taskDefinition="app:1")\n'
    assert shown[5] == (
        'task.add_container("web", environment={"API_KEY": <hidden>}, docker_labels={"l": <hidden>})\n'
    )
    assert shown[6] == "note = <hidden>\n" and shown[7] == "\n"  # a credential in a string
    assert shown[8] == "secret = <hidden>\n" and shown[9] == "\n"


@pytest.mark.parametrize(
    "text",
    [
        'ecs.run_task(\n    cluster="prod", count=2,\n    password = f"{x}hunter2"\n',
        'ecs.run_task(cluster="prod",\n    password="hunter2 and more\n',
        'x = """prod\nhunter2\n',
    ],
)
def test_python_that_does_not_parse_has_every_literal_hidden(text):
    from advisor.redact import hidden_lines

    shown = hidden_lines("broken.py", text)
    assert len(shown) == len(text.splitlines())
    assert "prod" not in "".join(shown) and "hunter2" not in "".join(shown)
    joined = "".join(shown)
    assert "cluster=<hidden>" in joined or joined.startswith("x = <hidden>\n")


def test_a_bom_does_not_shift_what_is_hidden():
    from advisor.redact import hidden_lines

    text = '\ufeff{"environment": [{"name": "A", "value": "hunter2"}]}\n'
    assert hidden_lines("td.json", text) == [
        '\ufeff{"environment": [{"name": "A", "value": <hidden>}]}\n'
    ]
