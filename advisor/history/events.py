"""One normalized ECS event, from a CloudTrail record or an EventBridge task state change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from advisor.history.actors import AWS, Actor, ActorRules, classify
from advisor.history.timefmt import iso, parse_time

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
    record: dict, rules: ActorRules, path: str, line: int, pointer: str
) -> Event | None:
    """An Event for an ECS call that matters, else None."""
    if record.get("eventSource") != "ecs.amazonaws.com":
        return None
    name = record.get("eventName")
    time = parse_time(record.get("eventTime"))
    if name not in INTERESTING_CALLS or time is None:
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


def from_eventbridge(event: dict, path: str, line: int, pointer: str) -> Event | None:
    """An Event for a task that stopped (on its own or not), else None."""
    if event.get("source") != "aws.ecs" or event.get("detail-type") != "ECS Task State Change":
        return None
    detail = event.get("detail")
    if not isinstance(detail, dict) or detail.get("lastStatus") != "STOPPED":
        return None
    time = parse_time(detail.get("stoppedAt")) or parse_time(event.get("time"))
    if time is None:
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
