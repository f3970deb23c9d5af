"""``ecs-advisor history``: the CloudTrail source's histories, judged by the history rules and
priced, through the same pipeline as lint."""

from __future__ import annotations

import os
from typing import Any

from advisor.config import Settings
from advisor.engine import ReadContext, Result, judge, read
from advisor.history.timefmt import iso
from advisor.model import Finding, InputError, Resource, Service, TaskDefinition


def _task_definitions(resources: list[Any]) -> dict[str, tuple[str, dict]]:
    """family -> (path, task definition), from the files given with --task-definitions."""
    found: dict[str, tuple[str, dict]] = {}
    for resource in resources:
        if isinstance(resource, TaskDefinition) and isinstance(resource.family, str):
            found[resource.family] = (resource.document.path, resource.data)
    return found


def _last(value: object) -> str | None:
    return value.rsplit("/", 1)[-1] if isinstance(value, str) and value else None


def _known_desired(resources: list[Any]) -> dict[tuple, int]:
    """(account, region, cluster, name) -> desired count, from the files given with --services.

    describe-services output names its account and region in the service's ARN; a create-service
    input names neither, and stands for the service of that cluster and name anywhere.
    """
    known: dict[tuple, int] = {}
    for resource in resources:
        data = resource.data
        desired, name = data.get("desiredCount"), _last(data.get("serviceName"))
        if not isinstance(resource, Service) or not isinstance(desired, int) or name is None:
            continue
        arn = data.get("serviceArn")
        parts = arn.split(":") if isinstance(arn, str) else []
        account, region = (parts[4], parts[3]) if len(parts) >= 6 else (None, None)
        cluster = _last(data.get("clusterArn")) or _last(data.get("cluster"))
        if cluster is None and len(parts) >= 6 and parts[5].count("/") == 2:
            cluster = parts[5].split("/")[1]  # a new-style ARN: service/CLUSTER/NAME
        known[(account, region, cluster or "default", name)] = desired
    return known


def _read_side_files(
    paths: list[str], role: str, kind: type[Resource], flag: str, settings: Settings
) -> tuple[list[Resource], list[InputError]]:
    """The resources of ``kind`` in the files given with ``flag``, and the errors: a file that
    cannot be read, or holds none of that kind (the user asked for what it holds, so passing
    over it would judge the records with facts they did not mean)."""
    side = Result()
    found = list(read(paths, role, ReadContext(settings, side)))
    why = {n.split(": ", 1)[0]: n.split(": ", 1)[1].removesuffix("; skipped") for n in side.notes}
    for resource in found:
        why.setdefault(resource.document.path, f"holds a {resource.kind}")
    holding = {r.document.path for r in found if isinstance(r, kind)}
    failed = {e.path for e in side.errors}
    errors = side.errors + [
        InputError(path, f"{why.get(path, 'not ECS')}: expected a {kind.kind} ({flag})")
        for path in paths
        if os.path.isfile(path) and path not in holding and path not in failed
    ]
    return [r for r in found if isinstance(r, kind)], errors


class NoRecords(InputError):
    """The run read no CloudTrail record and no EventBridge event from anything it was given:
    its silence would read as a clean account, so it is an input error of the whole run."""

    def __init__(self, paths: list[str]) -> None:
        where = ", ".join(paths)
        super().__init__(where, f"no CloudTrail records in {where}")

    def __str__(self) -> str:
        return self.message


def _nothing_read(settings: Settings) -> dict[str, Any]:
    since, until = settings.since, settings.until
    window = {"start": iso(since) if since else None, "end": iso(until) if until else None}
    return {"records": 0, "ecs_records": 0, "eventbridge_events": 0, "window": window}


def run_history(
    paths: list[str],
    settings: Settings,
    task_definition_paths: list[str] | None = None,
    service_paths: list[str] | None = None,
    progress: Any = None,
) -> Result:
    from advisor.enrich import Pricing, price_history

    result = Result()
    context = ReadContext(settings, result)
    context.progress = progress
    if task_definition_paths:  # read for their sizes: their errors count, nothing else
        found, errors = _read_side_files(
            task_definition_paths,
            "task-definitions",
            TaskDefinition,
            "--task-definitions",
            settings,
        )
        result.errors.extend(errors)
        context.task_definitions = _task_definitions(found)
    if service_paths:  # read for their desired counts
        found, errors = _read_side_files(service_paths, "services", Service, "--services", settings)
        result.errors.extend(errors)
        context.known_desired = _known_desired(found)
    judge(result, read(paths, "history", context), settings)
    if result.history is None:  # no file the CloudTrail source could take
        result.history = _nothing_read(settings)
    if not (result.history["records"] or result.history["eventbridge_events"]):
        result.errors.append(NoRecords(paths))
    price_history(result.findings, Pricing(job_duration=settings.job_duration))
    result.findings.sort(key=Finding.sort_key)
    return result
