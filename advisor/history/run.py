"""``ecs-advisor history``: the CloudTrail source's histories, judged by the history rules and
priced, through the same pipeline as lint."""

from __future__ import annotations

from typing import Any

from advisor.config import Settings
from advisor.engine import ReadContext, Result, judge, read
from advisor.model import Finding, InputError, TaskDefinition


def _task_definitions(resources: list[Any]) -> dict[str, tuple[str, dict]]:
    """family -> (path, task definition), from the files given with --task-definitions."""
    found: dict[str, tuple[str, dict]] = {}
    for resource in resources:
        if isinstance(resource, TaskDefinition) and isinstance(resource.family, str):
            found[resource.family] = (resource.document.path, resource.data)
    return found


def _not_task_definitions(paths: list[str], found: list[Any], side: Result) -> list[InputError]:
    """An error for each file given with --task-definitions that holds no task definition: the
    user asked for its sizes, so passing over it would price with sizes they did not mean."""
    import os

    holding = {r.document.path for r in found if isinstance(r, TaskDefinition)}
    failed = {e.path for e in side.errors}
    why = {n.split(": ", 1)[0]: n.split(": ", 1)[1].removesuffix("; skipped") for n in side.notes}
    for resource in found:
        why.setdefault(resource.document.path, f"holds a {resource.kind}")
    return [
        InputError(path, f"{why.get(path, 'not ECS')}: expected a task definition")
        for path in paths
        if os.path.isfile(path) and path not in holding and path not in failed
    ]


def run_history(
    paths: list[str], settings: Settings, task_definition_paths: list[str] | None = None
) -> Result:
    from advisor.enrich import Pricing, price_history

    result = Result()
    context = ReadContext(settings, result)
    if task_definition_paths:  # read for their sizes: their errors count, nothing else
        side = Result()
        found = list(read(task_definition_paths, "task-definitions", ReadContext(settings, side)))
        result.errors.extend(side.errors)
        result.errors.extend(_not_task_definitions(task_definition_paths, found, side))
        context.task_definitions = _task_definitions(found)
    judge(result, read(paths, "history", context), settings)
    price_history(result.findings, Pricing(job_duration=settings.job_duration))
    result.findings.sort(key=Finding.sort_key)
    return result
