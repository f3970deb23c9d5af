"""How long the service tasks people stopped really worked: the last event of their log stream.

A service replaces its task at once, so a task a person stops has usually been up for days; its
age is not the job's run length. Its awslogs stream (``prefix/container/task-id``) says when its
work went quiet. Read-only and bounded: one DescribeLogStreams a task, for the latest few tasks
of the services people stopped often enough for ``service-stopped-manually``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple

from botocore.exceptions import ClientError

from advisor.audit import responses
from advisor.audit.region_data import RegionData
from advisor.history.actors import PERSON
from advisor.history.events import Event
from advisor.history.timefmt import parse_time

MAX_TASKS_PER_SERVICE = 5
# Lines logged this close to the stop may be the task's own shutdown (SIGTERM handlers log):
# they do not say the work had ended, so such a stream is no evidence.
SHUTDOWN_MARGIN = dt.timedelta(seconds=60)


class StoppedTask(NamedTuple):
    """A service task a person stopped, as its StopTask record describes it."""

    arn: str
    task_definition: str
    started: dt.datetime | None
    stopped: dt.datetime


def stopped_by_people(events: list[Event], min_stops: int) -> dict[str, list[StoppedTask]]:
    """Per service (cluster/name) stopped by people at least ``min_stops`` times: its latest
    ``MAX_TASKS_PER_SERVICE`` stopped tasks, newest first."""
    found: dict[str, list[StoppedTask]] = {}
    for event in events:
        if event.name != "StopTask" or event.error or event.actor.kind != PERSON:
            continue
        task = event.response.get("task")
        if not isinstance(task, dict) or not isinstance(task.get("taskArn"), str):
            continue
        group = str(task.get("group") or "")
        if not group.startswith("service:"):
            continue
        cluster = str(task.get("clusterArn") or "default").rsplit("/", 1)[-1]
        service = f"{cluster}/{group.removeprefix('service:')}"
        started = parse_time(task.get("startedAt"))
        found.setdefault(service, []).append(
            StoppedTask(
                task["taskArn"],
                str(task.get("taskDefinitionArn") or ""),
                started,
                event.time,
            )
        )
    return {
        service: sorted(tasks, key=lambda t: t.stopped, reverse=True)[:MAX_TASKS_PER_SERVICE]
        for service, tasks in found.items()
        if len(tasks) >= min_stops
    }


def log_stream(definition: dict, task_arn: str, region: str) -> tuple[str, str] | None:
    """(log group, stream) of the task's work: its first essential container that logs with
    awslogs and a stream prefix, in this region. One stream a task: sidecars (log routers,
    proxies) log until the task is stopped, and the first essential container is the work."""
    for container in definition.get("containerDefinitions") or []:
        if not isinstance(container, dict) or container.get("essential") is False:
            continue
        configuration = container.get("logConfiguration") or {}
        options = configuration.get("options") or {}
        if configuration.get("logDriver") != "awslogs":
            continue
        group, prefix = options.get("awslogs-group"), options.get("awslogs-stream-prefix")
        if options.get("awslogs-region", region) != region or not (group and prefix):
            return None  # the work's stream is elsewhere or unnamed: no evidence
        task_id = task_arn.rsplit("/", 1)[-1]
        return str(group), f"{prefix}/{container.get('name')}/{task_id}"
    return None


def worked_seconds(stream: dict, task: StoppedTask) -> float | None:
    """Seconds from the task's start (or the stream's first event) to its last event; None when
    the stream went on until the stop, so it does not say when the work ended."""
    last = parse_time(stream.get("lastEventTimestamp"))
    began = task.started or parse_time(stream.get("firstEventTimestamp"))
    if last is None or began is None or last >= task.stopped - SHUTDOWN_MARGIN:
        return None
    seconds = (last - began).total_seconds()
    return seconds if seconds > 0 else None


def _hidden_error(exc: Exception) -> str:
    """The error's code only: AWS's messages for log reads name the log group, a log option."""
    if isinstance(exc, ClientError):
        code = exc.response.get("Error", {}).get("Code", "Error")
        return f"{code} (the message is not shown: it names the log group)"
    if isinstance(exc, responses.IncompleteResponse):
        return str(exc)  # names the call and the key, never the log group
    return type(exc).__name__


def _no_log_group(exc: Exception) -> bool:
    return (
        isinstance(exc, ClientError)
        and exc.response.get("Error", {}).get("Code") == "ResourceNotFoundException"
    )


def read_work_seconds(
    ecs: Any,
    logs: Callable[[], Any],
    data: RegionData,
    min_stops: int,
    unreadable: frozenset[str] = frozenset(),
) -> list[tuple[str, Exception]]:
    """Fill ``data.work_seconds`` (task ARN -> seconds) for the tasks people stopped. A source
    that cannot be read is recorded as an error of the region, never fatal: less evidence.
    Returns the task definitions that could not be described (the reader reports them, one
    error for each kind of failure); ``unreadable`` ones failed already and are not asked again."""
    definitions: dict[str, dict | None] = dict(data.task_definitions)
    definitions.update(dict.fromkeys(unreadable))
    failed: list[tuple[str, Exception]] = []
    client = None
    for service, tasks in sorted(stopped_by_people(data.events, min_stops).items()):
        for task in tasks:
            definition = _definition(ecs, task.task_definition, definitions, failed)
            where = log_stream(definition, task.arn, data.region) if definition else None
            if where is None:
                continue
            client = client or logs()
            try:
                answer = client.describe_log_streams(
                    logGroupName=where[0], logStreamNamePrefix=where[1]
                )
                streams = responses.items(answer, "logStreams", "logs:DescribeLogStreams")
            except Exception as exc:  # any fault is this source's error
                if _no_log_group(exc):  # deleted, or never created: no evidence, not unread
                    break
                data.errors.append(
                    {
                        "account": data.account,
                        "region": data.region,
                        "source": f"logs:DescribeLogStreams (service {service})",
                        "message": _hidden_error(exc),
                    }
                )
                break  # the same log group: the service's other tasks would fail the same way
            for stream in streams:
                if stream.get("logStreamName") == where[1]:
                    seconds = worked_seconds(stream, task)
                    if seconds is not None:
                        data.work_seconds[task.arn] = seconds
    return failed


def _definition(
    ecs: Any, reference: str, known: dict[str, dict | None], failed: list[tuple[str, Exception]]
) -> dict | None:
    """The task definition the stopped task ran, read once; for evidence only, never linted."""
    if not reference:
        return None
    if reference not in known:
        try:
            answer = ecs.describe_task_definition(taskDefinition=reference)
            known[reference] = responses.member(
                answer, "taskDefinition", "ecs:DescribeTaskDefinition"
            )
        except Exception as exc:  # one malformed answer costs this one
            failed.append((reference, exc))
            known[reference] = None
    return known[reference]
