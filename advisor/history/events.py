"""One normalized ECS event, from a CloudTrail record or an EventBridge task state change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from advisor.history.actors import AWS, Actor, ActorRules, classify
from advisor.history.timefmt import iso, latest_record, parse_time, plausible

# The ECS calls that say something about services and jobs; everything else is passed over.
INTERESTING_CALLS = frozenset(
    {
        "RunTask",
        "StartTask",
        "StopTask",
        "CreateService",
        "UpdateService",
        "DeleteService",
        "RegisterTaskDefinition",
    }
)
TASK_STOPPED = "TaskStopped"  # an EventBridge "ECS Task State Change" to STOPPED

# The fields the timeline reads, with the types AWS writes them in. A record that breaks one is
# not a call ECS logged (hand-edited, corrupted, forged): it is passed over with a note, so one
# bad record costs that record, never its file or the run.
_TEXT_FIELDS = ("awsRegion", "recipientAccountId", "eventID", "errorCode")
_REQUEST_TEXT = ("cluster", "service", "serviceName", "taskDefinition", "family", "task")
_TASK_TEXT = ("group", "startedBy", "taskArn", "taskDefinitionArn", "clusterArn", "stopCode")
_TASK_TIMES = ("startedAt", "createdAt", "stoppedAt")
_MOST_TASKS = 1_000_000  # far above any ECS quota; beyond it a count is not one


def _text_problem(where: str, data: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if data.get(key) is not None and not isinstance(data[key], str):
            return f"{where}{key} is {_kind(data[key])}, not a string"
    return None


def _count_problem(where: str, value: object) -> str | None:
    if value is None or (
        isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MOST_TASKS
    ):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{where}desiredCount is out of range"
    return f"{where}desiredCount is {_kind(value)}, not a whole number"


def _task_problem(where: str, task: object) -> str | None:
    if not isinstance(task, dict):
        return None
    problem = _text_problem(where, task, _TASK_TEXT)
    if problem:
        return problem
    for key in _TASK_TIMES:
        if task.get(key) is None:
            continue
        moment = parse_time(task[key])
        if moment is None or not plausible(moment):
            return f"{where}{key} is not a time between 2013 and now"
    return None


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", bool: "a boolean", str: "a string"}
    return names.get(type(value), "a number")


def record_problem(record: dict) -> str | None:
    """Why an ECS record cannot be a call ECS logged, or None when its fields are usable."""
    problem = _text_problem("", record, _TEXT_FIELDS)
    request, response = record.get("requestParameters"), record.get("responseElements")
    if problem is None and isinstance(request, dict):
        problem = _text_problem("requestParameters.", request, _REQUEST_TEXT)
        problem = problem or _count_problem("requestParameters.", request.get("desiredCount"))
    if problem is None and isinstance(response, dict):
        problem = _task_problem("responseElements.task.", response.get("task"))
        service = response.get("service")
        if problem is None and isinstance(service, dict):
            problem = _text_problem("responseElements.service.", service, ("taskDefinition",))
            where = "responseElements.service."
            problem = problem or _count_problem(where, service.get("desiredCount"))
        tasks = response.get("tasks")
        for task in tasks if isinstance(tasks, list) and problem is None else ():
            problem = problem or _task_problem("responseElements.tasks[].", task)
    return problem


class Event:
    """One ECS call or task state change, with the file and record it came from."""

    __slots__ = (
        "account",
        "actor",
        "error",
        "id",
        "line",
        "name",
        "path",
        "pointer",
        "region",
        "request",
        "response",
        "time",
    )

    def __init__(
        self,
        *,
        id: str,
        name: str,
        time: dt.datetime,
        region: str,
        account: str,
        actor: Actor,
        request: dict[str, Any],
        response: dict[str, Any],
        error: str | None,
        path: str,
        line: int,
        pointer: str,
    ) -> None:
        self.id = id
        self.name = name  # the API call (RunTask, ...) or TASK_STOPPED
        self.time = time
        self.region = region
        self.account = account
        self.actor = actor
        self.request = request
        self.response = response
        self.error = error  # the call's errorCode: a failed call changed nothing
        self.path = path
        self.line = line
        self.pointer = pointer

    def __repr__(self) -> str:
        return f"Event({self.name} {self.time} {self.id})"

    @property
    def iso_time(self) -> str:
        """When it happened, as evidence prints it (``2026-10-01T02:00:00Z``)."""
        return iso(self.time)


def from_cloudtrail(
    record: dict,
    rules: ActorRules,
    path: str,
    line: int,
    pointer: str,
    problems: list[str] | None = None,
) -> Event | None:
    """An Event for an ECS call that matters, else None; why a record of such a call was passed
    over goes to ``problems``. A record dated outside the plausible years is passed over
    silently: the reader notes the times of all records, ECS or not."""
    if record.get("eventSource") != "ecs.amazonaws.com":
        return None
    name = record.get("eventName")
    time = parse_time(record.get("eventTime"))
    if not isinstance(name, str) or name not in INTERESTING_CALLS:
        return None  # a list or an object is no call's name (and cannot be looked up)
    if time is None or not plausible(time):
        return None
    problem = record_problem(record)
    if problem is not None:
        if problems is not None:
            problems.append(problem)
        return None
    identity = record.get("userIdentity")
    identity = identity if isinstance(identity, dict) else {}
    request = record.get("requestParameters")
    response = record.get("responseElements")
    return Event(
        id=str(record.get("eventID") or f"{path}:{line}:{pointer}"),
        name=name,
        time=time,
        region=record.get("awsRegion") or "",
        account=record.get("recipientAccountId") or identity.get("accountId") or "",
        actor=classify(record, rules),
        request=request if isinstance(request, dict) else {},
        response=response if isinstance(response, dict) else {},
        error=record.get("errorCode"),
        path=path,
        line=line,
        pointer=pointer,
    )


_ECS_ITSELF = Actor(AWS, "Amazon ECS", "a task state change reported by ECS")


def from_eventbridge(
    event: dict, path: str, line: int, pointer: str, problems: list[str] | None = None
) -> Event | None:
    """An Event for a task that stopped (on its own or not), else None (and why, for an event
    of a stopped task that cannot be one, in ``problems``)."""
    if event.get("source") != "aws.ecs" or event.get("detail-type") != "ECS Task State Change":
        return None
    detail = event.get("detail")
    if not isinstance(detail, dict) or detail.get("lastStatus") != "STOPPED":
        return None
    time = parse_time(detail.get("stoppedAt")) or parse_time(event.get("time"))
    if time is None or not plausible(time, latest_record()):
        return None
    problem = _text_problem("", event, ("region", "account", "id")) or _task_problem(
        "detail.", detail
    )
    if problem is not None:
        if problems is not None:
            problems.append(problem)
        return None
    return Event(
        id=f"eventbridge:{event.get('id') or f'{path}:{line}:{pointer}'}",
        name=TASK_STOPPED,
        time=time,
        region=event.get("region") or "",
        account=event.get("account") or "",
        actor=_ECS_ITSELF,
        request={},
        response=detail,
        error=None,
        path=path,
        line=line,
        pointer=pointer,
    )


def duration_seconds(start: object, end: dt.datetime | None) -> float | None:
    began = parse_time(start)
    if began is None or end is None or end < began:
        return None
    return (end - began).total_seconds()
