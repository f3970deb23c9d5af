"""Rules on Python code that drives ECS (boto3): jobs babysat by scripts, services used as jobs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from advisor.model import WARNING, Kind
from advisor.rules.base import Hit, Rule, RuleOptions

if TYPE_CHECKING:  # types only: the Python source loads libcst-facing code on demand
    from advisor.sources.python_resources import CodeScope


class StopTaskAfterRunTask(Rule["CodeScope"]):
    code = "ECS701"
    name = "stop-task-after-run-task"
    severity = WARNING
    applies_to = (Kind.PYTHON_CODE,)
    summary = "Code that stops a task it started itself with run_task: a job that does not exit."
    rationale = (
        "A job should stop when its work is done. A script that starts a task and then stops it "
        "(after a sleep, a poll, a timeout) is babysitting a container that does not exit on its "
        "own: it bills until the script gets round to it, and dies with the script if the "
        "script does. Only ``stop_task`` calls whose task comes from this code's own "
        "``run_task`` result count; stopping other tasks is not flagged."
    )
    example = """import boto3

ecs = boto3.client("ecs")


def nightly():
    response = ecs.run_task(cluster="prod", taskDefinition="report:4", enableECSManagedTags=True)
    arn = response["tasks"][0]["taskArn"]
    wait_for_output()
    ecs.stop_task(cluster="prod", task=arn)
"""
    fixed = """import boto3

ecs = boto3.client("ecs")


def nightly():
    response = ecs.run_task(cluster="prod", taskDefinition="report:4", enableECSManagedTags=True)
    arn = response["tasks"][0]["taskArn"]
    ecs.get_waiter("tasks_stopped").wait(cluster="prod", tasks=[arn])
"""
    fix = "Make the container exit when its work is done (its essential container returns), and wait for the task to stop instead of stopping it."

    def check(self, resource: CodeScope, options: RuleOptions) -> Iterator[Hit]:
        for call in resource.calls:
            if call["stops_own_task"]:
                started_by = call.get("started_by")  # a function of the module that ran it
                what = f"{started_by}() started" if started_by else "it started"
                yield Hit(
                    call["pointer"],
                    f"{resource.label} stops a task {what} with run_task: the job does not exit on its own",
                )


class ServiceScaledToZeroInCode(Rule["CodeScope"]):
    code = "ECS702"
    name = "service-scaled-to-zero-in-code"
    severity = WARNING
    applies_to = (Kind.PYTHON_CODE,)
    summary = "Code that sets a service's desired count to 0: a service being used as a job."
    rationale = (
        "A service keeps tasks running; a script that scales it to 0 when the work is done (and "
        "back up later) is running a job with a service's machinery, and pays for every hour "
        "between. RunTask on a schedule does the same without a service."
    )
    example = """import boto3

ecs = boto3.client("ecs")
ecs.update_service(cluster="prod", service="report", desiredCount=0)
"""
    fixed = """import boto3

ecs = boto3.client("ecs")
ecs.update_service(cluster="prod", service="report", forceNewDeployment=True)
"""
    fix = "Run the work as a job (RunTask on a schedule with EventBridge Scheduler) and delete the service."

    def check(self, resource: CodeScope, options: RuleOptions) -> Iterator[Hit]:
        for call in resource.calls:
            if call["method"] == "update_service" and call["kwargs"].get("desiredCount") == 0:
                service = call["kwargs"].get("service")
                name = service if isinstance(service, str) else "a service"
                yield Hit(
                    call["pointer"] + "/desiredCount",
                    f"{resource.label} scales {name} to 0: a service used as a job; run it with RunTask on a schedule",
                )
