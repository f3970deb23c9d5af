"""Read one account and region: clusters, services, task definitions, stopped tasks, history.

Every source is read on its own: an AccessDenied or a missing bucket is recorded as an error
for that source and the rest is still read. Nothing here judges; the audit command does.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from botocore.exceptions import ClientError

from advisor.audit import responses
from advisor.audit.region_data import RegionData, describe_error
from advisor.audit.work_logs import read_work_seconds
from advisor.history.actors import ActorRules
from advisor.history.events import INTERESTING_CALLS, Event, from_cloudtrail, from_eventbridge
from advisor.sources.cloudtrail import (
    ReadStats,
    decode,
    event_files,
    events_in_text,
    read_events,
)


class _NoTrail(Exception):
    """A trail source that held nothing for this account and region."""


def as_json(value: Any) -> Any:
    """API output as it would read in JSON: datetimes become ISO strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


class Options:
    """What to read in each account and region. The window is the run's settings' (since, until);
    it is kept here too because every reader thread needs it."""

    def __init__(self, since: dt.datetime, until: dt.datetime) -> None:
        self.clusters: list[str] = []
        self.since = since
        self.until = until
        self.cloudtrail = "lookup"  # lookup | none | s3://bucket/prefix | a local path
        self.lookup_interval = 0.5  # LookupEvents allows 2 requests a second per region
        self.actor_rules = ActorRules()
        # The stopped tasks' log streams are read only where they can change a finding: for
        # services stopped by hand this often, and not when --job-duration already says.
        self.min_service_stops = 3
        self.read_work_logs = True
        self.progress: Any = None  # an advisor.progress.Progress on a terminal, shared by threads
        # Calls in flight at once inside one region (describe batches, task definitions): the
        # latency of one call is paid once per WORKERS calls, within the client's connection pool.
        self.workers = WORKERS


# 16 hides a 50 ms latency (2,000 services in about 20 s, benchmarks/audit_speed.py) and stays
# within ECS's read bursts; when ECS throttles, each call backs off (aws_session).
WORKERS = 16
PAGE = {"PaginationConfig": {"PageSize": 100}}  # the most List* calls allow; the default is 10


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def read_region(
    client: Callable[[str], Any], account: str, region: str, options: Options
) -> RegionData:
    """Everything the audit needs from one region; ``client(service)`` makes guarded clients.
    Inside the region, calls run ``options.workers`` at a time; the history, paced by its own
    rate limit, is read beside the configuration."""
    data = RegionData(account, region)
    ecs = client("ecs")
    try:
        clusters = [
            arn
            for page in ecs.get_paginator("list_clusters").paginate(**PAGE)
            for arn in responses.items(page, "clusterArns", "ecs:ListClusters")
            if not options.clusters
            or arn.rsplit("/", 1)[-1] in options.clusters
            or arn in options.clusters
        ]
    except Exception as exc:  # any fault is this source's error, not the run's
        data.error("ecs:ListClusters", exc)
        clusters = []
    # One thread more than the workers: the history's, which uses other clients than ECS.
    with ThreadPoolExecutor(max(1, options.workers) + 1) as pool:
        history = pool.submit(_read_history_apart, client, data, options)
        # Each cluster's listings in the pool too (they queue their describe calls there).
        listings = [
            pool.submit(read, ecs, cluster, pool)
            for cluster in clusters
            for read in (_read_services, _read_stopped_tasks)
        ]
        for listing in listings:  # in the order asked: the same run gives the same report
            listing.result().collect(data)
        definitions = _read_task_definitions(ecs, data, pool, _service_references(data))
        data.events, history_errors = history.result()
        data.errors.extend(history_errors)
        _add_stopped_tasks(data)
        run_task = {
            e.request.get("taskDefinition")
            for e in data.events
            if e.name == "RunTask" and not e.error
        }
        definitions.extend(_read_task_definitions(ecs, data, pool, run_task))
    if options.read_work_logs and data.history_read:
        logs_client = lambda: client("logs")  # noqa: E731 - made only if a stream is read
        failed = frozenset(reference for reference, _ in definitions)
        definitions += read_work_seconds(ecs, logs_client, data, options.min_service_stops, failed)
    _report_denied(data, definitions)
    return data


class _Batches:
    """Describe calls of one listing, in flight in the region's pool; collected in order. Each
    answer is checked (``responses``): what was asked is answered or listed as a failure."""

    def __init__(self, source: str, key: str, call: str) -> None:
        self.source, self.key, self.call = source, key, call
        self.listing_error: Exception | None = None
        self.futures: list[tuple[list[str], Future]] = []

    def collect(self, data: RegionData) -> None:
        if self.listing_error is not None:
            data.error(self.source, self.listing_error)
            return
        for asked, future in self.futures:
            try:
                found, failures = responses.described(future.result(), self.key, asked, self.call)
            except Exception as exc:  # any fault is this source's error, not the run's
                data.error(self.source, exc)
                return  # one error a listing, as when the calls were made one by one
            target = data.services if self.key == "services" else data.stopped_tasks
            target.extend(as_json(found))
            _failures(data, f"{self.call} {self.source.rsplit(' ', 1)[-1]}", failures)


def _read_services(ecs: Any, cluster: str, pool: ThreadPoolExecutor) -> _Batches:
    batches = _Batches(
        f"ecs:ListServices/DescribeServices {cluster}", "services", "ecs:DescribeServices"
    )
    try:
        arns = [
            arn
            for page in ecs.get_paginator("list_services").paginate(cluster=cluster, **PAGE)
            for arn in responses.items(page, "serviceArns", "ecs:ListServices")
        ]
    except Exception as exc:  # any fault is this source's error, not the run's
        batches.listing_error = exc
        return batches
    for batch in _chunks(arns, 10):  # DescribeServices takes at most 10
        batches.futures.append(
            (
                batch,
                pool.submit(
                    ecs.describe_services, cluster=cluster, services=batch, include=["TAGS"]
                ),
            )
        )
    return batches


def _service_references(data: RegionData) -> set[str]:
    return {s["taskDefinition"] for s in data.services if isinstance(s.get("taskDefinition"), str)}


def _read_task_definitions(
    ecs: Any, data: RegionData, pool: ThreadPoolExecutor, references: set[Any]
) -> list[tuple[str, Exception]]:
    """DescribeTaskDefinition once for each task definition not read yet, in parallel; returns
    the references that failed, with why (reported per kind of error by ``_report_denied``)."""
    known = set(data.task_definitions)
    wanted = sorted(r for r in references if isinstance(r, str) and r and r not in known)
    futures = [(r, pool.submit(ecs.describe_task_definition, taskDefinition=r)) for r in wanted]
    failed: list[tuple[str, Exception]] = []
    for reference, future in futures:
        try:
            answer = responses.member(
                future.result(), "taskDefinition", "ecs:DescribeTaskDefinition"
            )
            found = as_json(answer)
            data.task_definitions[found["taskDefinitionArn"]] = found
        except Exception as exc:  # one malformed answer costs this one
            failed.append((reference, exc))
    return failed


def _report_denied(data: RegionData, failed: list[tuple[str, Exception]]) -> None:
    """One error for each kind of failure of DescribeTaskDefinition, with its count: a role
    denied the call would otherwise give one error for every task definition."""
    by_kind: dict[str, list[tuple[str, Exception]]] = {}
    for reference, exc in dict(failed).items():  # each task definition once
        by_kind.setdefault(_error_kind(exc), []).append((reference, exc))
    for group in by_kind.values():
        reference, exc = group[0]
        if len(group) == 1:
            data.error(f"ecs:DescribeTaskDefinition {reference}", exc)
            continue
        data.errors.append(
            {
                "account": data.account,
                "region": data.region,
                "source": f"ecs:DescribeTaskDefinition ({len(group)} task definitions)",
                "message": f"{describe_error(exc)} (the first of {len(group)}: {reference})",
            }
        )


def _error_kind(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        return str(exc.response.get("Error", {}).get("Code", "Error"))
    return type(exc).__name__


def _read_stopped_tasks(ecs: Any, cluster: str, pool: ThreadPoolExecutor) -> _Batches:
    """Tasks that stopped in about the last hour: ECS keeps no longer a record of them."""
    batches = _Batches(f"ecs:ListTasks/DescribeTasks {cluster}", "tasks", "ecs:DescribeTasks")
    try:
        arns = [
            arn
            for page in ecs.get_paginator("list_tasks").paginate(
                cluster=cluster, desiredStatus="STOPPED", **PAGE
            )
            for arn in responses.items(page, "taskArns", "ecs:ListTasks")
        ]
    except Exception as exc:  # any fault is this source's error, not the run's
        batches.listing_error = exc
        return batches
    for batch in _chunks(arns, 100):  # DescribeTasks takes at most 100
        batches.futures.append(
            (batch, pool.submit(ecs.describe_tasks, cluster=cluster, tasks=batch))
        )
    return batches


def _read_history_apart(
    client: Callable[[str], Any], data: RegionData, options: Options
) -> tuple[list[Event], list[dict[str, str]]]:
    """The history into a RegionData of its own (it is read in its own thread while the
    configuration is read into ``data``), as (events, errors)."""
    apart = RegionData(data.account, data.region)
    _read_history(client, apart, options)
    data.history_read, data.history_note = apart.history_read, apart.history_note
    return apart.events, apart.errors


def _failures(data: RegionData, source: str, failures: list[dict]) -> None:
    """A Describe call's failures (a service deleted meanwhile, access denied to one ARN): each is
    a resource not read, reported with its reason and ARN."""
    for failure in failures:
        data.errors.append(
            {
                "account": data.account,
                "region": data.region,
                "source": source,
                "message": responses.failure_message(failure),
            }
        )


def _read_history(client: Callable[[str], Any], data: RegionData, options: Options) -> None:
    source = options.cloudtrail
    if source == "none":
        data.history_note = "history not read (--cloudtrail none)"
        return
    try:
        if source == "lookup":
            data.events.extend(_lookup(client("cloudtrail"), data, options))
        elif source.startswith("s3://"):
            try:
                data.events.extend(_from_bucket(client("s3"), source, data, options))
            except _NoTrail:
                return
        else:
            errors: list = []
            files = event_files([source], errors)
            stats = ReadStats()
            stats.progress = options.progress
            data.events.extend(
                e
                for e in read_events(files, options.actor_rules, errors, stats)
                if e.account in ("", data.account) and e.region in ("", data.region)
            )
            for error in errors:
                data.errors.append(
                    {
                        "account": data.account,
                        "region": data.region,
                        "source": source,
                        "message": str(error),
                    }
                )
            if errors and not data.events:
                data.history_note = f"{source} could not be read"
                return
        data.history_read = True
    except Exception as exc:  # any fault is this source's error, not the run's
        data.error(f"CloudTrail history ({source}) {_history_call(source, exc)}".rstrip(), exc)
    seen: set[str] = set()  # the same records can sit in both bucket layouts
    unique = []
    for event in data.events:
        if event.id not in seen and options.since <= event.time <= options.until:
            seen.add(event.id)
            unique.append(event)
    data.events = unique


def _add_stopped_tasks(data: RegionData) -> None:
    """The tasks that stopped on their own in the last hour, as history events."""
    if not data.history_read:
        return
    for task in data.stopped_tasks:  # what stopped on its own in the last hour
        stopped = from_eventbridge(
            {"source": "aws.ecs", "detail-type": "ECS Task State Change", "id": task.get("taskArn"),
             "region": data.region, "account": data.account, "detail": _task_detail(task)},
            f"ecs:DescribeTasks {data.account} {data.region}", 1, "",
        )  # fmt: skip
        if stopped is not None:
            data.events.append(stopped)


def _history_call(source: str, exc: Exception) -> str:
    """The call that failed, for the error line: botocore names it on a ClientError."""
    operation = getattr(exc, "operation_name", None)
    if source == "lookup":
        return "cloudtrail:LookupEvents"
    if source.startswith("s3://"):
        return f"s3:{operation or 'ListObjectsV2'}"
    return ""  # a local path: no call


def _task_detail(task: dict) -> dict:
    """A DescribeTasks task in the shape of an EventBridge task state change's detail."""
    detail = {k: _iso(v) for k, v in task.items()}
    detail.setdefault("lastStatus", task.get("lastStatus"))
    return detail


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.datetime) else value


def _lookup(cloudtrail: Any, data: RegionData, options: Options) -> Iterator[Event]:
    """LookupEvents for the ECS calls that matter, one event name at a time: LookupEvents takes
    one attribute, and asking for the ECS event source would page through every Describe and
    List call too. Paged, at most two requests a second."""
    for number, name in enumerate(sorted(INTERESTING_CALLS)):
        if number:
            time.sleep(options.lookup_interval)
        yield from _lookup_name(cloudtrail, data, options, name)


def _lookup_name(cloudtrail: Any, data: RegionData, options: Options, name: str) -> Iterator[Event]:
    token = None
    path = f"cloudtrail:LookupEvents {data.account} {data.region}"
    while True:
        arguments = {
            "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
            "StartTime": options.since,
            "EndTime": options.until,
            "MaxResults": 50,
        }
        if token:
            arguments["NextToken"] = token
        page = cloudtrail.lookup_events(**arguments)
        found = responses.items(page, "Events", "cloudtrail:LookupEvents")
        if options.progress is not None:
            options.progress.add(records=len(found))
        for index, wrapper in enumerate(found):
            raw = wrapper.get("CloudTrailEvent")
            if isinstance(raw, str):
                event = from_cloudtrail(
                    json.loads(raw), options.actor_rules, path, 1, f"/Events/{index}"
                )
                if event is not None:
                    yield event
        token = page.get("NextToken")
        if not token:
            return
        time.sleep(options.lookup_interval)


def _from_bucket(s3: Any, url: str, data: RegionData, options: Options) -> Iterator[Event]:
    """The trail's files for this account and region, only for the days in the window; both the
    account layout (AWSLogs/<account>/...) and the organization one (AWSLogs/<org-id>/<account>/...)."""
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    prefix = prefix.strip("/")
    base = f"{prefix}/AWSLogs/" if prefix else "AWSLogs/"
    roots = [f"{base}{data.account}/"]
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=base, Delimiter="/")
    responses.listed_objects(listing, "s3:ListObjectsV2")
    for common in listing.get("CommonPrefixes", []):
        name = common["Prefix"][len(base) :].strip("/")
        if name.startswith("o-"):
            roots.append(f"{base}{name}/{data.account}/")
    found = 0
    day = options.since.date()
    while day <= options.until.date():
        for root in roots:
            folder = f"{root}CloudTrail/{data.region}/{day:%Y/%m/%d}/"
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=folder):
                for item in responses.listed_objects(page, "s3:ListObjectsV2"):
                    found += 1
                    yield from _trail_object(s3, bucket, item["Key"], data, options)
        day += dt.timedelta(days=1)
    if not found:
        data.history_note = (
            f"no trail files under s3://{bucket}/{base} for this account, region and window"
        )
        raise _NoTrail


def _trail_object(
    s3: Any, bucket: str, key: str, data: RegionData, options: Options
) -> list[Event]:
    """One trail file's events; a damaged file is an error for that file alone."""
    name = f"s3://{bucket}/{key}"
    try:
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        problems: list = []
        stats = ReadStats()
        events = list(events_in_text(decode(body), name, options.actor_rules, problems, stats))
        if options.progress is not None:
            options.progress.add(files=1, size=len(body), records=stats.records)
    except Exception as exc:  # a damaged or cut-short file is that file's error
        problems, events = [describe_error(exc)], []
    for problem in problems:
        message = getattr(problem, "message", problem)
        data.errors.append(
            {"account": data.account, "region": data.region, "source": name, "message": message}
        )
    return events
