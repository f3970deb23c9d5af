"""Tie ECS events together into the histories the rules judge.

- ``ServiceHistory``: one service (account, region, cluster, name): its desired count over time,
  the stops a person made while it ran at desired count 1 (StopTask of its task, or a 1 -> 0
  scale-down), and how long those runs had been up.
- ``JobHistory``: one task family run with RunTask (not by a service): the tasks a person
  stopped and how long they had run, and the runs that ended on their own.
- ``RunTaskGroup``: RunTask calls for one family by one caller, and whether they asked for ECS
  managed tags.

``histories`` is the door the sources use: the CloudTrail files' events and the audit's live
records both become histories through it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from advisor.history.actors import PERSON, Actor
from advisor.history.events import TASK_STOPPED, Event, duration_seconds
from advisor.history.timefmt import iso
from advisor.model import Kind, Location, Resource, RunTaskRequest

if TYPE_CHECKING:  # annotations only: the settings are read, never built, here
    from advisor.config import Settings


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

    from_api = False

    def __init__(self, events_by_id: dict[str, Event]) -> None:
        self.events_by_id = events_by_id
        self.path = ""
        self.data = None  # no JSON of its own: findings are identified by rule and resource
        self.duplicate_keys: list[str] = []

    def locate(self, pointers: list[str]) -> list[Location]:
        locations = []
        for event_id in pointers:
            event = self.events_by_id[event_id]
            locations.append(Location(event.path, event.line, 1, event.pointer))
        return locations

    def location(self, pointer: str) -> Location:
        return self.locate([pointer])[0]


class HistoryResource(Resource):
    """Base of the history resources: a label, an ARN, the window, and the events' document.

    ``key`` is (account, region, cluster, service or family).
    """

    def __init__(self, key: tuple, context: HistoryContext) -> None:
        super().__init__(context.document, "", {})
        self.key = key
        self.context = context
        self.arn = ""

    @property
    def window_days(self) -> float:
        return self.context.window_days

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

    __slots__ = ("desired", "event", "how", "runtime", "task")

    def __init__(
        self, event: Event, how: str, runtime: float | None, task: dict, desired: int | None = 1
    ) -> None:
        self.event = event
        self.how = how  # "stopped its task" | "scaled it to 0" | "stopped the task"
        self.runtime = runtime  # seconds the run had been up, where known
        self.task = task
        self.desired = desired  # a service's desired count then: 1, or None where not known


class ServiceHistory(HistoryResource):
    kind = Kind.SERVICE_HISTORY

    def anchor(self) -> str:
        return self.manual_stops[-1].event.id

    def __init__(self, key: tuple, context: HistoryContext) -> None:
        super().__init__(key, context)
        self.desired: int | None = None  # None: not known at this point of the history
        self.manual_stops: list[ManualStop] = []
        self.desired_changes: list[tuple[dt.datetime, int]] = []  # for the hours it was up
        self.initial_desired: int | None = None
        self.sizes: list[dict] = []
        self.task_definition = ""
        self.last_scale_up: dt.datetime | None = None  # when a 0 -> 1 began the current run
        self.created_at: dt.datetime | None = None  # a CreateService in the window
        self.self_exits: list[float] = []  # run lengths of its tasks that ended on their own

    @property
    def scaled_by_hand(self) -> bool:
        return any(stop.how == "scaled it to 0" for stop in self.manual_stops)

    @property
    def desired_known(self) -> bool:
        """Whether any stop counted was made at a desired count the records (or --services, or
        the live service) show to be 1."""
        return any(stop.desired == 1 for stop in self.manual_stops)

    def task_hours(self) -> tuple[float, float] | None:
        """(task-hours up, hours it existed) in the window, where the desired count is known:
        from its creation if that is in the window, each hour weighted by the desired count."""
        start, end = self.context.window
        state = self.initial_desired
        if state is None:
            return None
        since = max(start, self.created_at) if self.created_at else start
        began, up = since, 0.0
        for moment, desired in self.desired_changes:
            if moment > since:
                up += state * (moment - since).total_seconds()
                since = moment
            state = desired
        up += state * max((end - since).total_seconds(), 0.0)
        return up / 3600, max((end - began).total_seconds(), 3600.0) / 3600

    def job_run_seconds(self, job_duration: object = None) -> tuple[float | None, str]:
        """How long the work runs as a job, and what says so, best evidence first. A task that a
        person stops has usually been up for days (a service replaces it at once), so its age is
        never the job's run length."""
        if job_duration:
            return float(str(job_duration)), "--job-duration"
        logged = [
            self.context.work_seconds[arn]
            for stop in self.manual_stops
            if (arn := str(stop.task.get("taskArn") or "")) in self.context.work_seconds
        ]
        if logged:
            return _median(logged), "the stopped tasks' log streams, start to last event"
        scaled = [s.runtime for s in self.manual_stops if s.how == "scaled it to 0" and s.runtime]
        if scaled:
            return _median(scaled), "median time from a scale-up to the scale-down by hand"
        if self.self_exits:
            return _median(self.self_exits), "median run of its tasks that ended on their own"
        return None, ""


def _median(values: list[float]) -> float:
    import statistics  # only when a history is priced or judged

    return float(statistics.median(values))


class JobHistory(HistoryResource):
    kind = Kind.JOB_HISTORY

    def anchor(self) -> str:
        return self.manual_stops[-1].event.id

    def __init__(self, key: tuple, context: HistoryContext) -> None:
        super().__init__(key, context)
        self.manual_stops: list[ManualStop] = []
        self.self_exits: list[float] = []  # run lengths of tasks that ended on their own
        self.sizes: list[dict] = []
        self.task_definition = ""


class RunTaskGroup(RunTaskRequest, HistoryResource):
    """The RunTask calls for one family by one caller: one request, as the rules read it."""

    kind = Kind.RUN_TASK

    def __init__(self, key: tuple, context: HistoryContext, actor: Actor) -> None:
        super().__init__(key, context)
        self.actor = actor
        self.events: list[Event] = []
        self.tasks = 0

    @property
    def label(self) -> str:
        return f"{self.key[2]} (by {self.actor.label})"

    def anchor(self) -> str:
        return (self.untagged or self.events)[-1].id

    @property
    def untagged(self) -> list[Event]:
        return [e for e in self.events if e.request.get("enableECSManagedTags") is not True]

    @property
    def enableECSManagedTags(self) -> bool:
        """Managed tags only if every call asked for them."""
        return not self.untagged

    @property
    def untagged_calls(self) -> int:
        return len(self.untagged)

    def evidence(self) -> dict[str, Any]:
        untagged = self.untagged
        return {
            "count": len(untagged),
            "calls": len(self.events),
            "tasks": self.tasks,
            "caller": self.actor.to_dict(),
            "first": iso(untagged[0].time),
            "last": iso(untagged[-1].time),
            "event_ids": [e.id for e in untagged],  # all of them; the text report shortens
        }


class HistoryContext:
    """What every history resource shares: the window, the evidence, and the facts besides the
    records that pricing reads (task definitions given, desired counts read live)."""

    def __init__(self, window: tuple[dt.datetime, dt.datetime]) -> None:
        self.window = window
        self.document = EvidenceDocument({})
        # Desired counts known from outside the records (the audit reads them live, history
        # takes --services files): they held through the window for a service no record
        # changes. Keys are (account, region, cluster, name); a file that names no account or
        # region gives (None, None, cluster, name), which stands for the service in any of them.
        self.known_desired: dict[tuple, int] = {}
        # (account, region, family) -> [(revision, RegisterTaskDefinition request)], oldest first
        self.registered: dict[tuple, list[tuple[object, dict]]] = {}
        self.task_definitions: dict[str, tuple[str, dict]] = {}  # family -> (path, data) given
        # task ARN -> seconds from its start to the last event of its log stream (the audit reads
        # them for the tasks people stopped): when the work ended, not when the task was stopped.
        self.work_seconds: dict[str, float] = {}

    @property
    def window_days(self) -> float:
        start, end = self.window
        return max((end - start).total_seconds() / 86400, 1.0)


def _task_of(event: Event) -> dict:
    task = event.response.get("task")
    return task if isinstance(task, dict) else {}


def _service_of(event: Event) -> dict:
    """The service a CreateService or UpdateService response describes, if it does."""
    service = event.response.get("service")
    return service if isinstance(service, dict) else {}


def _cluster(request: dict, arn: object = None) -> str:
    """The cluster's name, from the request or from a service/task ARN that carries it."""
    if request.get("cluster"):
        return _name(request["cluster"])
    if isinstance(arn, str) and arn.count("/") >= 2:
        return arn.split("/")[-2]
    return "default"


def _desired_info(event: Event) -> tuple[tuple, int, bool] | None:
    """(service key, desired count, whether the call set it) for events that tell it."""
    request = event.request
    if event.name == "CreateService":
        desired = request.get("desiredCount", 1)
        name = _name(request.get("serviceName"))
        return (event.account, event.region, _cluster(request), name), desired, True
    if event.name == "UpdateService":
        updated = _service_of(event)
        service = request.get("service")
        key = (event.account, event.region, _cluster(request, service), _name(service))
        if isinstance(request.get("desiredCount"), int):
            return key, request["desiredCount"], True
        if isinstance(updated.get("desiredCount"), int):  # a deployment reports the count
            return key, updated["desiredCount"], False
    return None


def build(events: list[Event], context: HistoryContext) -> list[HistoryResource]:
    """The service, job and RunTask histories the events describe, oldest event first."""
    events.sort(key=lambda e: (e.time, e.id))
    context.document.events_by_id.update((e.id, e) for e in events)
    services: dict[tuple, ServiceHistory] = {}
    jobs: dict[tuple, JobHistory] = {}
    groups: dict[tuple, RunTaskGroup] = {}

    # The desired count before the first record that changes it is what the first record that
    # reports it says (a deployment's response), if a report comes first.
    initial: dict[tuple, int | None] = {}
    changed_keys: set[tuple] = set()
    for event in events:
        info = _desired_info(event) if not event.error else None
        if info and info[2]:
            changed_keys.add(info[0])
        if info and info[0] not in initial:
            key, desired, changed = info
            initial[key] = None if changed else desired
    for key, desired in context.known_desired.items():
        if key not in changed_keys and initial.get(key) is None and isinstance(desired, int):
            initial[key] = desired

    def service(key: tuple) -> ServiceHistory:
        if key not in services:
            account, region, cluster, name = key
            record = services[key] = ServiceHistory(key, context)
            record.arn = f"arn:aws:ecs:{region}:{account}:service/{cluster}/{name}"
            desired = initial.get(key)
            if desired is None and key not in changed_keys:  # from a file, for any account
                desired = context.known_desired.get((None, None, cluster, name))
            record.initial_desired = record.desired = desired
        return services[key]

    def job(key: tuple) -> JobHistory:
        if key not in jobs:
            account, region, _cluster_name, family = key
            jobs[key] = JobHistory(key, context)
            jobs[key].arn = f"arn:aws:ecs:{region}:{account}:task-definition/{family}"
        return jobs[key]

    for event in events:
        if event.error:
            continue  # a failed call changed nothing
        request, response = event.request, event.response
        if event.name in ("CreateService", "UpdateService"):
            info = _desired_info(event)
            if info is not None:
                service_key = info[0]
            else:
                service_name = request.get("service") or request.get("serviceName")
                service_key = (
                    event.account,
                    event.region,
                    _cluster(request, service_name),
                    _name(service_name),
                )
            record = service(service_key)
            reference = request.get("taskDefinition") or _service_of(event).get("taskDefinition")
            if reference:
                record.task_definition = str(reference)
            if info is None or not info[2]:
                continue
            new, previous = info[1], record.desired
            if new == 0 and previous == 1 and event.actor.kind == PERSON:
                runtime = (
                    (event.time - record.last_scale_up).total_seconds()
                    if record.last_scale_up
                    else None
                )
                record.manual_stops.append(ManualStop(event, "scaled it to 0", runtime, {}))
            if new > 0 and previous == 0:
                record.last_scale_up = event.time  # a run begins
            if event.name == "CreateService":
                record.created_at = record.created_at or event.time
                if not record.desired_changes:
                    record.initial_desired = 0  # it did not exist before
            if record.initial_desired is None and not record.desired_changes:
                record.initial_desired = (
                    previous if previous is not None else (1 if new == 0 else 0)
                )
            record.desired_changes.append((event.time, new))
            record.desired = new
        elif event.name == "DeleteService":
            name = request.get("service")
            record = service((event.account, event.region, _cluster(request, name), _name(name)))
            if record.initial_desired is None and not record.desired_changes:
                record.initial_desired = record.desired
            record.desired_changes.append((event.time, 0))
            record.desired = 0  # gone: nothing runs, and nothing more to stop
        elif event.name == "StopTask":
            task = _task_of(event)
            group = str(task.get("group") or "")
            started_by = str(task.get("startedBy") or "")
            runtime = duration_seconds(task.get("startedAt") or task.get("createdAt"), event.time)
            cluster = _cluster(request, task.get("taskArn") or request.get("task"))
            if group.startswith("service:") or started_by.startswith("ecs-svc/"):
                record = service(
                    (event.account, event.region, cluster, group.removeprefix("service:"))
                )
                record.sizes.append(task)
                record.task_definition = str(
                    task.get("taskDefinitionArn") or record.task_definition
                )
                if event.actor.kind == PERSON and record.desired in (1, None):
                    record.manual_stops.append(
                        ManualStop(event, "stopped its task", runtime, task, record.desired)
                    )
                continue
            if task.get("enableExecuteCommand") is True:
                continue  # an interactive ECS Exec task: stopping it by hand is the point
            family = group.removeprefix("family:") if group.startswith("family:") else ""
            family = family or family_of(task.get("taskDefinitionArn"))
            if not family:
                continue
            run = job((event.account, event.region, cluster, family))
            run.sizes.append(task)
            run.task_definition = str(task.get("taskDefinitionArn") or run.task_definition)
            if event.actor.kind == PERSON:
                run.manual_stops.append(ManualStop(event, "stopped the task", runtime, task))
        elif event.name == TASK_STOPPED:
            detail = response
            group = str(detail.get("group") or "")
            runtime = duration_seconds(
                detail.get("startedAt") or detail.get("createdAt"), event.time
            )
            cluster = _name(detail.get("clusterArn"), "default")
            if group.startswith("service:") or str(detail.get("startedBy", "")).startswith(
                "ecs-svc/"
            ):
                # A service's task whose work ended it: how long the work runs as a job.
                if detail.get("stopCode") == "EssentialContainerExited" and runtime is not None:
                    name = group.removeprefix("service:")
                    service((event.account, event.region, cluster, name)).self_exits.append(runtime)
                continue
            if detail.get("stopCode") not in ("EssentialContainerExited", None):
                continue
            family = family_of(detail.get("taskDefinitionArn")) or group.removeprefix("family:")
            run = job((event.account, event.region, cluster, family))
            run.sizes.append(detail)
            if runtime is not None:
                run.self_exits.append(runtime)
        elif event.name == "RegisterTaskDefinition":
            registered_family = request.get("family")
            if isinstance(registered_family, str):
                registered = response.get("taskDefinition")
                revision = registered.get("revision") if isinstance(registered, dict) else None
                context.registered.setdefault(
                    (event.account, event.region, registered_family), []
                ).append((revision, request))
        elif event.name in ("RunTask", "StartTask"):
            if event.actor.kind == "aws":
                continue  # a service that runs tasks for you (AWS Batch) decides their tags
            family = family_of(request.get("taskDefinition"))
            # one caller is one identity (a role, not its sessions): one schedule, one finding
            key = (event.account, event.region, family, event.actor.caller)
            if key not in groups:
                groups[key] = RunTaskGroup(key, context, event.actor)
            groups[key].events.append(event)
            tasks = response.get("tasks")
            groups[key].tasks += len(tasks) if isinstance(tasks, list) else 1
    return [*services.values(), *jobs.values(), *groups.values()]


def histories(
    events: list[Event],
    settings: Settings,
    stats: Any,
    task_definitions: dict[str, tuple[str, dict]] | None = None,
    known_desired: dict[tuple, int] | None = None,
    work_seconds: dict[str, float] | None = None,
) -> list[HistoryResource]:
    """The histories the events describe within the settings' window. The window is all the
    records given (ECS or not), unless --since/--until narrow it."""
    since, until = settings.since, settings.until
    events = [
        e
        for e in events
        if (since is None or e.time >= since) and (until is None or e.time <= until)
    ]
    if not events:
        return []
    first = min([e.time for e in events] + ([stats.first] if stats.first else []))
    last = max([e.time for e in events] + ([stats.last] if stats.last else []))
    window = (max(first, since) if since else first, min(last, until) if until else last)
    context = HistoryContext(window)
    context.task_definitions = task_definitions or {}
    context.known_desired = known_desired or {}
    context.work_seconds = work_seconds or {}
    return build(events, context)
