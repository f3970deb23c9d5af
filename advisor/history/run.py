"""``ecs-advisor history``: the CloudTrail source's histories, judged by the history rules and
priced, through the same pipeline as lint."""

from __future__ import annotations

from typing import Any

from advisor.config import Settings
from advisor.engine import ReadContext, Result, judge, read
from advisor.model import Finding, TaskDefinition


def _task_definitions(resources: list[Any]) -> dict[str, tuple[str, dict]]:
    """family -> (path, task definition), from the files given with --task-definitions."""
    found: dict[str, tuple[str, dict]] = {}
    for resource in resources:
        if isinstance(resource, TaskDefinition) and isinstance(resource.family, str):
            found[resource.family] = (resource.document.path, resource.data)
    return found


def run_history(
    paths: list[str], settings: Settings, task_definition_paths: list[str] | None = None
) -> Result:
    from advisor.enrich import Pricing, price_history

    result = Result()
    context = ReadContext(settings, result)
    if task_definition_paths:  # read for their sizes: their errors count, nothing else
        side = Result()
        found = read(task_definition_paths, "task-definitions", ReadContext(settings, side))
        result.errors.extend(side.errors)
        context.task_definitions = _task_definitions(found)
    judge(result, read(paths, "history", context), settings)
    price_history(result.findings, Pricing(job_duration=settings.job_duration))
    result.findings.sort(key=Finding.sort_key)
    return result
