"""``ecs-advisor history``: the CloudTrail source's histories, judged by the history rules and
priced, through the same pipeline as lint."""

from __future__ import annotations

from typing import Any

from advisor.config import Settings
from advisor.engine import ReadContext, Result, judge, read
from advisor.history.events import Event
from advisor.history.timeline import HistoryContext, HistoryResource, build
from advisor.model import Finding, TaskDefinition


def _task_definitions(resources: list[Any]) -> dict[str, tuple[str, dict]]:
    """family -> (path, task definition), from the files given with --task-definitions."""
    found: dict[str, tuple[str, dict]] = {}
    for resource in resources:
        if isinstance(resource, TaskDefinition) and isinstance(resource.family, str):
            found[resource.family] = (resource.document.path, resource.data)
    return found


def histories(
    events: list[Event],
    settings: Settings,
    stats: Any,
    task_definitions: dict[str, tuple[str, dict]] | None = None,
    known_desired: dict[tuple, int] | None = None,
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
    return build(events, context)


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
