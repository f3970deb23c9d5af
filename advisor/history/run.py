"""``ecs-advisor history``: read events, build histories, judge them with the history rules."""

from __future__ import annotations

import datetime as dt

from advisor.config import Settings
from advisor.engine import LintResult, check_resources, settings_rules
from advisor.history.actors import ActorRules
from advisor.history.timeline import HistoryContext, build
from advisor.model import Finding, InputError
from advisor.sources.cloudtrail import ReadStats, read_events

HISTORY_KINDS = {"service-history", "job-history", "run-task"}


class HistorySettings:
    def __init__(self) -> None:
        self.min_service_stops = 3
        self.min_job_stops = 2
        self.job_duration: float | None = None  # seconds; else the median observed run
        self.since: dt.datetime | None = None
        self.until: dt.datetime | None = None


def _task_definitions(paths: list[str], errors: list[InputError]) -> dict[str, tuple[str, dict]]:
    """family -> (path, task definition) from the files given with --task-definitions."""
    from advisor.model import TaskDefinition
    from advisor.sources.discover import discover
    from advisor.sources.json_files import InputFailure, NotRecognized, load

    found: dict[str, tuple[str, dict]] = {}
    for candidate in discover(paths, [], __import__("pathlib").Path.cwd(), errors):
        try:
            _document, resources = load(candidate.path, candidate.path, candidate.explicit)
        except (NotRecognized, OSError):
            continue
        except InputFailure as failure:
            errors.append(failure.error)
            continue
        for resource in resources:
            family = resource.data.get("family") if isinstance(resource, TaskDefinition) else None
            if isinstance(family, str):
                found[family] = (candidate.path, resource.data)
    return found


def run_history(
    paths: list[str],
    settings: Settings,
    history: HistorySettings,
    task_definition_paths: list[str] | None = None,
) -> LintResult:
    rules = [r for r in settings_rules(settings) if set(r.applies_to) & HISTORY_KINDS]
    result = LintResult()
    actor_rules = ActorRules(settings.automation_roles, settings.human_roles)
    stats = ReadStats()
    events = [
        e
        for e in read_events(paths, actor_rules, result.errors, stats)
        if (history.since is None or e.time >= history.since)
        and (history.until is None or e.time <= history.until)
    ]
    result.files_checked = stats.files
    if not events:
        return result
    # The window is all the records given (ECS or not), unless --since/--until narrow it.
    first = min([e.time for e in events] + ([stats.first] if stats.first else []))
    last = max([e.time for e in events] + ([stats.last] if stats.last else []))
    window = (
        max(first, history.since) if history.since else first,
        min(last, history.until) if history.until else last,
    )
    context = HistoryContext(history, window)
    if task_definition_paths:
        context.task_definitions = _task_definitions(task_definition_paths, result.errors)
    result.findings = check_resources(build(events, context), rules)
    result.findings.sort(key=Finding.sort_key)
    return result
