"""Python code that drives ECS, read with libcst: boto3 clients and AWS CDK constructs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import libcst  # noqa: F401 - a core dependency: missing, these tests fail, never skip
import pytest
from conftest import REPO

SCRIPT = """
import time

import boto3
from celery import Celery

app = Celery("jobs")
ecs = boto3.client("ecs", region_name="eu-west-1")
session = boto3.Session(profile_name="ops")


def nightly():
    response = ecs.run_task(cluster="prod", taskDefinition="report:4")
    arn = response["tasks"][0]["taskArn"]
    time.sleep(3600)
    ecs.stop_task(cluster="prod", task=arn)


def scale_down():
    ecs.update_service(cluster="prod", service="report", desiredCount=0)


def other_work():
    app.run_task("send-emails")  # a Celery app, not ECS
    ecs.stop_task(cluster="prod", task=find_stuck_task())  # stopping some other task is fine


def shadowed():
    ecs = Scheduler()
    ecs.run_task("x")  # this ecs is not the ECS client


class Runner:
    def __init__(self):
        self.client = session.client("ecs")

    def go(self, **extra):
        self.client.run_task(taskDefinition="etl:1", **extra)  # not guessed at
        self.client.run_task(taskDefinition="etl:1", enableECSManagedTags=True, propagateTags="TASK_DEFINITION")
        self.client.run_task(taskDefinition="etl:2")
"""

CDK_APP = """
import aws_cdk.aws_ecs as ecs
from aws_cdk import Stack
from aws_cdk.aws_ecs import FargateService


class Web(Stack):
    def __init__(self, scope, id, size):
        super().__init__(scope, id)
        td = ecs.FargateTaskDefinition(self, "Web", cpu=512, memory_limit_mib=512)
        td.add_container(
            "web",
            image=ecs.ContainerImage.from_registry("nginx:latest"),
            environment={"DB_PASSWORD": "hunter2", "LOG_LEVEL": "info"},
            logging=ecs.LogDrivers.aws_logs(stream_prefix="web"),
        )
        FargateService(self, "Svc", task_definition=td)
        ok = ecs.FargateTaskDefinition(self, "Ok", cpu=256, memory_limit_mib=size)
        ecs.FargateService(self, "Tagged", task_definition=ok, enable_ecs_managed_tags=True,
                           propagate_tags=ecs.PropagatedTagSource.SERVICE)
"""


def found(linter, text, name):
    return [
        (f.name, f.location.line, f.location.column)
        for f in linter.findings(textwrap.dedent(text), name=name)
    ]


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_boto3_script(linter):
    results = found(linter, SCRIPT, "jobs.py")
    names = [name for name, _, _ in results]
    assert sorted(names) == [
        "run-task-without-managed-tags",
        "run-task-without-managed-tags",
        "service-scaled-to-zero-in-code",
        "stop-task-after-run-task",
    ]
    assert (
        "stop-task-after-run-task",
        line_of(SCRIPT, 'ecs.stop_task(cluster="prod", task=arn)'),
        5,
    ) in results
    untagged = sorted(line for name, line, _ in results if name == "run-task-without-managed-tags")
    assert untagged == [
        line_of(SCRIPT, 'taskDefinition="report:4"'),
        line_of(SCRIPT, 'taskDefinition="etl:2"'),
    ]
    scaled = next(r for r in results if r[0] == "service-scaled-to-zero-in-code")
    assert (
        scaled[1] == line_of(SCRIPT, "desiredCount=0")
        and scaled[2] == SCRIPT.splitlines()[scaled[1] - 1].index("desiredCount") + 1
    )


def test_cdk_app(linter):
    results = found(linter, CDK_APP, "app.py")
    names = sorted(name for name, _, _ in results)
    assert names == [
        "invalid-fargate-size",
        "mutable-image-tag",
        "root-user",  # info: add_container without user=
        "secret-in-environment",
        "service-tags-not-propagated",
        "service-without-managed-tags",
        "writable-root-filesystem",  # info: nor readonly_root_filesystem=True
    ]
    size = next(r for r in results if r[0] == "invalid-fargate-size")
    assert size[1] == line_of(CDK_APP, '"Web", cpu=512')
    findings = linter.findings(textwrap.dedent(CDK_APP), name="app.py")
    assert all("hunter2" not in f.message for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "import boto3\ns3 = boto3.client('s3')\ns3.put_object(Bucket='b', Key='k', Body=b'')\n",
        "def run_task(x):\n    return x\n\nrun_task('ecs')\n",
        "import boto3\nclient = boto3.client('ecs')\nclient.run_task(taskDefinition='a:1', enableECSManagedTags=True)\n",
        "import boto3\nclient = boto3.client('ecs')\nflag = load()\nclient.run_task(taskDefinition='a:1', enableECSManagedTags=flag)\n",
    ],
)
def test_code_that_must_stay_quiet(linter, text):
    assert linter.codes(text, name="quiet.py") == []


def test_files_without_ecs_are_not_parsed_and_libcst_is_not_imported(tmp_path):
    (tmp_path / "plain.py").write_text("import os\nprint(os.getcwd())\n")
    (tmp_path / "td.json").write_text(
        '{"family": "x", "containerDefinitions": [{"name": "a", "image": "a:1"}]}'
    )
    run = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "advisor",
            "lint",
            "--fail-on",
            "never",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    imported = {
        line.split("|")[-1].strip().split(".")[0] for line in run.stderr.splitlines() if "|" in line
    }
    assert run.returncode == 0 and "libcst" not in imported


def test_a_python_syntax_error_is_one_line(cli, tmp_path):
    (tmp_path / "broken.py").write_text(
        "import boto3\necs = boto3.client('ecs')\ndef f(:\n    ecs.run_task()\n"
    )
    code, _, err = cli("lint", "broken.py")
    assert code == 2 and "broken.py:" in err and "invalid Python" in err and "Traceback" not in err
    assert err.count("\n") == 1


def test_pre_commit_hook_for_python_is_declared():
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "id: ecs-advisor-python" in hooks and "types: [python]" in hooks


LAMBDA = '''
import json
import os

from boto3 import client

ECS = client("ecs")
CLUSTER = os.environ["CLUSTER"]


def handler(event, context):
    """Started by an S3 upload: one task per file."""
    for record in event["Records"]:
        ECS.run_task(
            cluster=CLUSTER,
            taskDefinition="ingest",
            launchType="FARGATE",
            overrides={"containerOverrides": [{"name": "ingest", "environment": [
                {"name": "KEY", "value": record["s3"]["object"]["key"]}]}]},
        )
    return {"statusCode": 200, "body": json.dumps("ok")}
'''

AIRFLOW = """
from airflow import DAG
from airflow.providers.amazon.aws.operators.ecs import EcsRunTaskOperator

with DAG("nightly") as dag:
    run = EcsRunTaskOperator(task_id="report", cluster="prod", task_definition="report:4", overrides={})
    run.run_task()  # an operator, not an ECS client
"""


def test_a_lambda_handler_with_an_imported_client(linter):
    results = found(linter, LAMBDA, "handler.py")
    assert [(name, line) for name, line, _ in results] == [
        ("run-task-without-managed-tags", line_of(LAMBDA, "ECS.run_task("))
    ]


def test_an_airflow_dag_is_not_boto3(linter):
    assert linter.codes(textwrap.dedent(AIRFLOW), name="dag.py") == []


def test_reviewed_cases(linter, tmp_path, cli):
    """Parameters and loop names hide module clients; rebinding ends a run result; the
    usual stop loop is caught; chained calls are not rewritten by --fix."""
    text = textwrap.dedent("""
        import boto3

        ecs = boto3.client("ecs")


        def submit(ecs, name):
            return ecs.run_task(name, cluster="x")  # a parameter: a Celery app, not ECS


        def rebinding():
            resp = ecs.run_task(taskDefinition="a:1", enableECSManagedTags=True)
            resp = ecs.list_tasks(cluster="x")
            ecs.stop_task(cluster="x", task=resp["taskArns"][0])


        def babysit():
            resp = ecs.run_task(taskDefinition="b:1", enableECSManagedTags=True)
            for task in resp["tasks"]:
                ecs.stop_task(cluster="x", task=task["taskArn"])


        def chained():
            return ecs.run_task(taskDefinition="c:1").get("tasks", [])
    """)
    names = sorted(name for name, _, _ in found(linter, text, "jobs.py"))
    assert names == ["run-task-without-managed-tags", "stop-task-after-run-task"]
    path = tmp_path / "jobs.py"
    cli("lint", "--fix", "jobs.py")
    fixed = path.read_text()
    assert (
        '.get("tasks", [])' in fixed and 'taskDefinition="c:1", enableECSManagedTags=True' in fixed
    )
    compile(fixed, "jobs.py", "exec")


def test_empty_and_unrelated_python_named_explicitly(cli, tmp_path):
    (tmp_path / "__init__.py").write_text("")
    code, _, err = cli("lint", "__init__.py")
    assert code == 0 and "JSON" not in err


def test_cdk_import_styles_and_scripts_without_an_extension(linter, tmp_path, cli):
    text = textwrap.dedent(
        """
        import aws_cdk as cdk
        import aws_cdk.aws_ecs


        def build(stack):
            cdk.aws_ecs.FargateTaskDefinition(stack, "A", cpu=256, memory_limit_mib=4096)
            aws_cdk.aws_ecs.FargateService(stack, "S", task_definition=None)
        """
    )
    names = sorted(name for name, _, _ in found(linter, text, "stack.py"))
    assert names == [
        "invalid-fargate-size",
        "service-tags-not-propagated",
        "service-without-managed-tags",
    ]
    script = tmp_path / "nightly"
    script.write_text(
        '#!/usr/bin/env python3\nimport boto3\nboto3.client("ecs").update_service(service="r", desiredCount=0)\n'
    )
    code, out, _ = cli("lint", "nightly")
    assert code == 1 and "nightly:3:" in out and "service-scaled-to-zero-in-code" in out
