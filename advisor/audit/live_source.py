"""The live account as a source: what the audit read in one account and region, as resources.

Registered in ``advisor.sources.registry`` like the file sources. Its inputs are not files but
``RegionData`` (configuration and records read through the read-only session); its resources
are located by ARN, with the account and region beside them.
"""

from __future__ import annotations

from typing import Any

from advisor.history.timeline import histories
from advisor.model import Location, Resource, Service, TaskDefinition


class LiveDocument:
    """Where a live resource is: its account, region and ARN (there is no file)."""

    from_api = True  # AWS's own output: the API-model rules have nothing to say about it

    def __init__(self, arn: str) -> None:
        self.path = arn
        self.data = None
        self.duplicate_keys: list[str] = []  # live data comes from an API, not a hand-written file

    def locate(self, pointers: list[str]) -> list[Location]:
        return [Location(self.path, 1, 1, pointer) for pointer in pointers]

    def location(self, pointer: str) -> Location:
        return self.locate([pointer])[0]


class _Span:
    """The window the audit asked for, in the shape the history builder reads."""

    def __init__(self, settings: Any) -> None:
        self.first, self.last = settings.since, settings.until


def configuration(data: Any) -> list[Resource]:
    """The task definitions and services read live."""
    resources: list[Resource] = []
    for arn, definition in data.task_definitions.items():
        resources.append(TaskDefinition(LiveDocument(arn), "", definition, "TaskDefinition", True))
    for service in data.services:
        document = LiveDocument(service.get("serviceArn", ""))
        resources.append(Service(document, "", service, "Service", True))
    return resources


def history(data: Any, settings: Any) -> list[Resource]:
    """The histories of the records read, with live desired counts and task definitions."""
    known_desired = {}
    for service in data.services:
        key = (
            data.account,
            data.region,
            service.get("clusterArn", "").rsplit("/", 1)[-1],
            service.get("serviceName"),
        )
        known_desired[key] = service.get("desiredCount")
    task_definitions: dict[str, tuple[str, dict]] = {}
    for arn, definition in data.task_definitions.items():
        task_definitions.setdefault(definition.get("family"), (arn, definition))
    return list(
        histories(
            list(data.events),
            settings,
            _Span(settings),
            task_definitions,
            known_desired,
            work_seconds=data.work_seconds,
        )
    )


def read(regions: list[Any], context: Any) -> list[Resource]:
    """The source's door: every region's configuration, and its history where it was read."""
    resources: list[Resource] = []
    for data in regions:
        resources += configuration(data)
        if data.history_read:
            resources += history(data, context.settings)
    return resources
