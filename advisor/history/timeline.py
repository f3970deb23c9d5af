"""Tie ECS events together into the histories the rules judge.

- ``ServiceHistory``: one service (account, region, cluster, name): its desired count over time,
  the stops a person made while it ran at desired count 1 (StopTask of its task, or a 1 -> 0
  scale-down), and how long those runs had been up.
- ``JobHistory``: one task family run with RunTask (not by a service): the tasks a person
  stopped and how long they had run, and the runs that ended on their own.
- ``RunTaskGroup``: RunTask calls for one family by one caller, and whether they asked for ECS
  managed tags.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from advisor.history.actors import PERSON, Actor
from advisor.history.events import TASK_STOPPED, Event, duration_seconds
from advisor.model import Location


def _name(value: object, default: str = "") -> str:
    """The last part of an ARN or a name (``arn:...:cluster/prod`` -> ``prod``)."""
    if not isinstance(value, str) or not value:
        return default
    return value.rsplit("/", 1)[-1]


def family_of(task_definition: object) -> str:
    """``arn:...:task-definition/web:3`` or ``web:3`` -> ``web``."""
    return _name(task_definition).split(":", 1)[0]


class EvidenceDocument:
    """Locates a history finding at the file and record of one of its events."""

    def __init__(self, events_by_id: dict[str, Event]) -> None:
        self.events_by_id = events_by_id

    def locate(self, pointers: list[str]) -> list[Location]:
        locations = []
        for event_id in pointers:
            event = self.events_by_id[event_id]
            locations.append(Location(event.path, event.line, 1, event.pointer))
        return locations


class HistoryResource:
    """Base of the history resources: a label, an ARN, the settings, and the events' document."""

    kind = "history"

    def __init__(self, key: tuple, context: HistoryContext) -> None:
        self.key = key
        self.context = context
        self.document = context.document
        self.arn = ""

    @property
    def label(self) -> str:
        return "/".join(str(part) for part in self.key[2:])

    @property
    def region(self) -> str:
        return self.key[1]

    def anchor(self) -> str:
        """The event a finding about this history is located at (its latest evidence)."""
        raise NotImplementedError


class ManualStop:
    """A person ending a run by hand."""

    __slots__ = ("event", "how", "runtime", "task")

    def __init__(self, event: Event, how: str, runtime: float | None, task: dict) -> None:
        self.event = event
        self.how = how  # "stopped its task" | "scaled it to 0" | "stopped the task"
        self.runtime = runtime  # seconds the run had been up, where known
        self.task = task


class ServiceHistory(HistoryResource):
    kind = "service-history"

    def anchor(self) -> str:
        return self.manual_stops[-1].event.id

    def __init__(self, key: tuple, context: HistoryContext) -> None:
        super().__init__(key, context)
        self.desired: int | None = None
        self.desired_known = False
        self.manual_stops: list[ManualStop] = []
        self.unknown_desired_stops = 0  # stops counted while no desired count was on record
        self.sizes: list[dict] = []
        self.task_definition = ""
        self.last_scale_down: Event | None = None
        self.last_scale_up: dt.datetime | None = None  # when a 0 -> 1 began the current run


class JobHistory(HistoryResource):
    kind = "job-history"

    def anchor(self) -> str:
        return self.manual_stops[-1].event.id

    def __init__(self, key: tuple, context: HistoryContext) -> None:
        super().__init__(key, context)
        self.manual_stops: list[ManualStop] = []
        self.self_exits: list[float] = []  # run lengths of tasks that ended on their own
        self.sizes: list[dict] = []
        self.task_definition = ""


class RunTaskGroup(HistoryResource):
    kind = "run-task"

    def __init__(self, key: tuple, context: HistoryContext, actor: Actor) -> None:
        super().__init__(key, context)
        self.actor = actor
        self.events: list[Event] = []
        self.tasks = 0

    @property
    def label(self) -> str:
        return f"{self.key[2]} (by {self.actor.label})"

    def anchor(self) -> str:
        return self.events[-1].id

    @property
    def data(self) -> dict[str, Any]:
        """The request as the RunTask rule reads it: managed tags only if every call set them."""
        tagged = all(e.request.get("enableECSManagedTags") is True for e in self.events)
        return {"enableECSManagedTags": tagged, "calls": len(self.events)}

    def evidence(self) -> dict[str, Any]:
        from advisor.history.timefmt import iso

        return {
            "count": len(self.events),
            "tasks": self.tasks,
            "caller": self.actor.to_dict(),
            "first": iso(self.events[0].time),
            "last": iso(self.events[-1].time),
            "event_ids": [e.id for e in self.events[-5:]],
        }


class HistoryContext:
    """What every history resource shares: the window, the settings and the evidence."""

    def __init__(self, settings: Any, window: tuple[dt.datetime, dt.datetime]) -> None:
        self.settings = settings
        self.window = window
        self.document = EvidenceDocument({})
        self._prices: Any = None
        self.registered: dict[str, dict] = {}  # family -> its latest RegisterTaskDefinition request
        self.task_definitions: dict[str, tuple[str, dict]] = {}  # family -> (path, data) given

    def prices(self) -> Any:
        """The price table, loaded once, when the first finding needs money."""
        if self._prices is None:
            from advisor.cost.prices import PriceTable

            self._prices = PriceTable.load()
        return self._prices

    @property
    def window_days(self) -> float:
        start, end = self.window
        return max((end - start).total_seconds() / 86400, 1.0)


def _task_of(event: Event) -> dict:
    task = event.response.get("task")
    return task if isinstance(task, dict) else {}


def build(events: list[Event], context: HistoryContext) -> list[HistoryResource]:
    """The service, job and RunTask histories the events describe, oldest event first."""
    events.sort(key=lambda e: (e.time, e.id))
    context.document.events_by_id.update((e.id, e) for e in events)
    services: dict[tuple, ServiceHistory] = {}
    jobs: dict[tuple, JobHistory] = {}
    groups: dict[tuple, RunTaskGroup] = {}

    def service(event: Event, cluster: str, name: str) -> ServiceHistory:
        key = (event.account, event.region, cluster, name)
        if key not in services:
            services[key] = ServiceHistory(key, context)
            services[
                key
            ].arn = f"arn:aws:ecs:{event.region}:{event.account}:service/{cluster}/{name}"
        return services[key]

    def job(event: Event, cluster: str, family: str) -> JobHistory:
        key = (event.account, event.region, cluster, family)
        if key not in jobs:
            jobs[key] = JobHistory(key, context)
            jobs[key].arn = f"arn:aws:ecs:{event.region}:{event.account}:task-definition/{family}"
        return jobs[key]

    for event in events:
        if event.error:
            continue  # a failed call changed nothing
        request, response = event.request, event.response
        cluster = _name(request.get("cluster"), "default")
        if event.name == "CreateService":
            created = response.get("service") if isinstance(response.get("service"), dict) else {}
            record = service(event, cluster, _name(request.get("serviceName")))
            desired = request.get("desiredCount", created.get("desiredCount"))
            record.desired = desired if isinstance(desired, int) else 1
            record.desired_known = True
            record.task_definition = str(request.get("taskDefinition") or record.task_definition)
        elif event.name == "UpdateService":
            record = service(event, cluster, _name(request.get("service")))
            updated = response.get("service") if isinstance(response.get("service"), dict) else {}
            new = request.get("desiredCount", updated.get("desiredCount"))
            if isinstance(new, int):
                previous = record.desired if record.desired_known else None
                if new == 0 and previous in (1, None) and event.actor.kind == PERSON:
                    runtime = (
                        (event.time - record.last_scale_up).total_seconds()
                        if record.last_scale_up
                        else None
                    )
                    record.manual_stops.append(ManualStop(event, "scaled it to 0", runtime, {}))
                    if previous is None:
                        record.unknown_desired_stops += 1
                    record.last_scale_down = event
                elif new > 0 and previous == 0:
                    record.last_scale_up = event.time  # a run begins
                record.desired, record.desired_known = new, True
            if updated.get("taskDefinition"):
                record.task_definition = str(updated["taskDefinition"])
        elif event.name == "StopTask":
            task = _task_of(event)
            group = str(task.get("group") or "")
            started_by = str(task.get("startedBy") or "")
            runtime = duration_seconds(task.get("startedAt") or task.get("createdAt"), event.time)
            cluster = _name(request.get("cluster") or task.get("clusterArn"), "default")
            if group.startswith("service:") or started_by.startswith("ecs-svc/"):
                record = service(event, cluster, group.removeprefix("service:"))
                record.sizes.append(task)
                record.task_definition = str(
                    task.get("taskDefinitionArn") or record.task_definition
                )
                known = record.desired if record.desired_known else None
                if event.actor.kind == PERSON and known in (1, None):
                    record.manual_stops.append(ManualStop(event, "stopped its task", runtime, task))
                    if known is None:
                        record.unknown_desired_stops += 1
            else:
                family = group.removeprefix("family:") if group.startswith("family:") else ""
                family = family or family_of(task.get("taskDefinitionArn"))
                if not family:
                    continue
                record = job(event, cluster, family)
                record.sizes.append(task)
                record.task_definition = str(
                    task.get("taskDefinitionArn") or record.task_definition
                )
                if event.actor.kind == PERSON:
                    record.manual_stops.append(ManualStop(event, "stopped the task", runtime, task))
        elif event.name == TASK_STOPPED:
            detail = response
            group = str(detail.get("group") or "")
            if group.startswith("service:") or str(detail.get("startedBy", "")).startswith(
                "ecs-svc/"
            ):
                continue
            if detail.get("stopCode") not in ("EssentialContainerExited", None):
                continue
            family = family_of(detail.get("taskDefinitionArn")) or group.removeprefix("family:")
            cluster = _name(detail.get("clusterArn"), "default")
            runtime = duration_seconds(
                detail.get("startedAt") or detail.get("createdAt"), event.time
            )
            record = job(event, cluster, family)
            record.sizes.append(detail)
            if runtime is not None:
                record.self_exits.append(runtime)
        elif event.name == "RegisterTaskDefinition":
            family = request.get("family")
            if isinstance(family, str):
                context.registered[family] = request
        elif event.name == "RunTask":
            family = family_of(request.get("taskDefinition"))
            key = (event.account, event.region, family, event.actor.label)  # label: family
            if key not in groups:
                groups[key] = RunTaskGroup(key, context, event.actor)
            groups[key].events.append(event)
            tasks = response.get("tasks")
            groups[key].tasks += len(tasks) if isinstance(tasks, list) else 1
    return [*services.values(), *jobs.values(), *groups.values()]
