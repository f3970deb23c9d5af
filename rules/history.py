"""Rules on history: what people keep doing by hand, and what it costs.

Their examples are CloudTrail records as JSON Lines, judged by ``ecs-advisor history``. The rules
judge what people did; the money in their findings is attached afterwards (``advisor.enrich``),
so a verdict never depends on a price table.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from advisor.model import INFO, WARNING, Fix, Kind, RunTaskRequest
from advisor.rules.base import Hit, Rule, RuleOptions
from advisor.values import is_unknown

if TYPE_CHECKING:  # types only: lint, which loads every rule, never builds a history
    from advisor.history.timeline import JobHistory, ServiceHistory

_SSO = {
    "type": "AssumedRole",
    "arn": "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice",
}
_RULE = {
    "type": "AssumedRole",
    "arn": "arn:aws:sts::123456789012:assumed-role/ecs-events/rule-session",
    "invokedBy": "events.amazonaws.com",
}


def _record(
    event_id: str, time: str, name: str, identity: dict, request: dict, response: dict
) -> str:
    return json.dumps(
        {
            "eventID": event_id,
            "eventTime": time,
            "eventSource": "ecs.amazonaws.com",
            "eventName": name,
            "awsRegion": "eu-west-1",
            "recipientAccountId": "123456789012",
            "userIdentity": identity,
            "requestParameters": request,
            "responseElements": response,
        }
    )


def _stop(day: int, group: str, started_by: str) -> str:
    task = {
        "group": group,
        "startedBy": started_by,
        "cpu": "512",
        "memory": "1024",
        "taskDefinitionArn": "arn:aws:ecs:eu-west-1:123456789012:task-definition/report:4",
        "startedAt": f"2026-10-{day:02d}T02:00:00Z",
    }
    return _record(
        f"stop-{day}", f"2026-10-{day:02d}T02:40:00Z", "StopTask", _SSO,
        {"cluster": "prod", "task": f"task-{day}"}, {"task": task},
    )  # fmt: skip


def _created_service() -> str:
    deployer = {
        "type": "AssumedRole",
        "arn": "arn:aws:sts::123456789012:assumed-role/github-deploy/GitHubActions",
    }
    return _record(
        "create-1", "2026-09-20T09:00:00Z", "CreateService", deployer,
        {"cluster": "prod", "serviceName": "report", "taskDefinition": "report:4", "desiredCount": 1},
        {"service": {"serviceName": "report", "desiredCount": 1}},
    )  # fmt: skip


def _history(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _days(days: float) -> str:
    whole = round(days)
    return "1 day" if whole <= 1 else f"{whole} days"


def _run_length(seconds: float) -> str:
    """``90s``, ``40m``, ``1h5m``: how long a run takes, to the minute past a minute."""
    if seconds < 60:
        return f"{round(seconds)}s"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours}h{minutes}m" if hours and minutes else f"{hours}h" if hours else f"{minutes}m"


def _list(items: list[str], most: int = 3) -> str:
    shown = ", ".join(items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def _evidence(stops: list[Any]) -> dict[str, Any]:
    by = Counter(s.event.actor.label for s in stops)
    return {
        "count": len(stops),
        "by": [{"actor": label, "times": n} for label, n in by.most_common()],
        "first": stops[0].event.iso_time,
        "last": stops[-1].event.iso_time,
        "event_ids": [s.event.id for s in stops],  # all of them; the text report shortens
        "how": sorted({s.how for s in stops}),
        "why_person": sorted({s.event.actor.reason for s in stops}),
    }


def _median(values: list[float]) -> float:
    import statistics  # only when a history is judged: lint, which loads every rule, never pays

    return statistics.median(values)


class ServiceStoppedManually(Rule["ServiceHistory"]):
    code = "ECS601"
    name = "service-stopped-manually"
    severity = WARNING
    applies_to = (Kind.SERVICE_HISTORY,)
    summary = "A desired-count-1 service that a person keeps stopping (a job living as a service)."
    severity_note = (
        "warning where the desired count is known to be 1; info where the records do not say it"
    )
    rationale = (
        "A service keeps its tasks running 24/7 and replaces any that stop. If someone stops its "
        "task, or scales it 1 -> 0, every time its work is done, it is a job: you pay for hours "
        "of availability it does not need, and a person does by hand what a schedule should. "
        "Counts only stops by people (SSO users, console and CLI users, root); deployments, Auto "
        "Scaling, EventBridge, Step Functions and tools such as Terraform never count. Fires at 3 "
        "stops in the window (`min-service-stops`). Where the desired count is known to be 1 "
        "(CreateService/UpdateService records, a deployment's response, `--services` files, the "
        "live service in `audit`) it is a warning; where the records do not say it, the same "
        "stops are reported at info, with `desired_count: null`, so the headline case is never "
        "missed for want of a record. Stops at another known desired count never count."
    )
    example = _history(
        _created_service(),
        *(_stop(day, "service:report", "ecs-svc/1234567890123456789") for day in (1, 8, 15)),
    )
    fixed = _history(_created_service(), _stop(1, "service:report", "ecs-svc/1234567890123456789"))
    fix = (
        "Run the work as a job: RunTask on a schedule (EventBridge Scheduler), with a task that "
        "exits when done; delete the service. The finding shows both monthly costs."
    )

    def check(self, resource: ServiceHistory, options: RuleOptions) -> Iterator[Hit]:
        stops = resource.manual_stops
        if len(stops) < options.min_service_stops:
            return
        known = resource.desired_known
        evidence = {**_evidence(stops), "arn": resource.arn, "desired_count": 1 if known else None}
        run_seconds, run_source = resource.job_run_seconds(options.job_duration)
        evidence["job_run_seconds"] = run_seconds
        evidence["job_run_source"] = run_source or None
        people = _list([b["actor"] for b in evidence["by"]])
        stopped = (
            f"was stopped by hand {_times(len(stops))} in {_days(resource.window_days)} "
            f"(by {people})"
        )
        if known:
            message = f"service {resource.label} runs at desired count 1 and {stopped}; "
            message += "run it as a scheduled job"
        else:
            message = (
                f"service {resource.label} {stopped}; its desired count is not in the records: "
                "if it is 1, run it as a scheduled job (give --services FILE with its "
                "describe-services output, or run audit, to know)"
            )
        if run_seconds is None:
            message += "; no run length known for the job, pass --job-duration to price it"
        else:
            message += f"; a run as a job takes {_run_length(run_seconds)} (from {run_source})"
        yield Hit(resource.anchor(), message, INFO if not known else None, evidence=evidence)


class JobStoppedByHand(Rule["JobHistory"]):
    code = "ECS602"
    name = "job-stopped-by-hand"
    severity = WARNING
    applies_to = (Kind.JOB_HISTORY,)
    summary = "Tasks started with RunTask that a person keeps stopping (a job that never exits)."
    rationale = (
        "A job should run to completion and stop by itself. If a person keeps stopping its "
        "tasks, either the job does not exit when its work is done (and bills until someone "
        "notices) or it is really a daemon that belongs in a service. Fires at 2 stops in the "
        "window (`min-job-stops`); stops by automation never count."
    )
    example = _history(*(_stop(day, "family:report", "alice") for day in (2, 9)))
    fixed = _history(_stop(2, "family:report", "alice"))
    fix = (
        "Make the job exit when its work is done (essential container returns), or, if it is "
        "a daemon, run it as a service. The finding shows what the hand-stopped runtime costs."
    )

    def check(self, resource: JobHistory, options: RuleOptions) -> Iterator[Hit]:
        stops = resource.manual_stops
        if len(stops) < options.min_job_stops:
            return
        evidence = {**_evidence(stops), "arn": resource.arn}
        runtimes = [s.runtime for s in stops if s.runtime]
        if runtimes:
            evidence["median_runtime_seconds"] = _median(runtimes)
        message = (
            f"task family {resource.key[3]} (cluster {resource.key[2]}): {len(stops)} RunTask tasks "
            f"stopped by hand in {_days(resource.window_days)} "
            f"(by {_list([b['actor'] for b in evidence['by']])}); "
            "make the job exit when done, or run it as a service if it is a daemon"
        )
        yield Hit(resource.anchor(), message, evidence=evidence)


class RunTaskWithoutManagedTags(Rule[RunTaskRequest]):
    fix_safety = 'Safe in Python code: lint --fix adds enableECSManagedTags=True, propagateTags="TASK_DEFINITION" to the run_task call with libcst, keeping layout and comments; calls with **kwargs, an explicit enableECSManagedTags=False, or a comment after the last argument are left for a person. Safe in a run-task --cli-input-json file: the same two members, inserted after its opening brace (propagateTags only where the file does not set it); a file that sets enableECSManagedTags to false is left for a person. History cannot be fixed.'
    code = "ECS603"
    name = "run-task-without-managed-tags"
    severity = INFO
    applies_to = (Kind.RUN_TASK,)
    summary = "RunTask calls without `enableECSManagedTags: true`: their tasks cannot be allocated."
    rationale = (
        "Fargate bills per task. Without ECS managed tags (`aws:ecs:clusterName`, "
        "`aws:ecs:taskDefinitionFamily`) and propagated tags, a job's tasks are anonymous in Cost "
        "Explorer and the Cost and Usage Report. Reported once per task family and caller, with "
        "the number of calls."
    )
    example = _history(
        _record(
            "run-1", "2026-10-03T01:00:00Z", "RunTask", _RULE,
            {"cluster": "prod", "taskDefinition": "report:4", "count": 1}, {"tasks": [{}]},
        )
    )  # fmt: skip
    fixed = _history(
        _record(
            "run-1", "2026-10-03T01:00:00Z", "RunTask", _RULE,
            {"cluster": "prod", "taskDefinition": "report:4", "enableECSManagedTags": True,
             "propagateTags": "TASK_DEFINITION"},
            {"tasks": [{}]},
        )
    )  # fmt: skip
    fix = (
        "Pass `enableECSManagedTags: true` and `propagateTags: TASK_DEFINITION` in the RunTask "
        "call (or the EventBridge target / Scheduler target that makes it)."
    )

    fixable = True

    def check(self, resource: RunTaskRequest, options: RuleOptions) -> Iterator[Hit]:
        tagged = resource.enableECSManagedTags
        if tagged is True or is_unknown(tagged):
            return  # tagged, or decided by a value the code computes
        calls = resource.untagged_calls
        plural = "call" if calls == 1 else "calls"
        message = (
            f"{calls} RunTask {plural} for task family {resource.label} without "
            "enableECSManagedTags: true; their cost cannot be allocated by cluster or family"
        )
        fix = Fix(lambda: list(filter(None, [resource.managed_tags_edit()])))
        yield Hit(resource.anchor(), message, evidence=resource.evidence(), fix=fix)
