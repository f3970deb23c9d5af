"""What the audit read of one account and region, and what it could not: shared by the region's
reader and the readers it calls (the stopped tasks' log streams), so neither imports the other."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from advisor.audit import responses
from advisor.history.events import Event


class RegionData:
    """What the audit could read of one account and region, and what it could not."""

    def __init__(self, account: str, region: str) -> None:
        self.account = account
        self.region = region
        self.services: list[dict] = []
        self.task_definitions: dict[str, dict] = {}  # ARN -> task definition
        self.stopped_tasks: list[dict] = []
        self.events: list[Event] = []
        self.history_read = False
        self.history_note = "CloudTrail could not be read"
        self.errors: list[dict[str, str]] = []
        self.calls: list[str] = []
        # task ARN -> seconds a task people stopped really worked (its log stream's last event)
        self.work_seconds: dict[str, float] = {}

    def error(self, source: str, exc: Exception) -> None:
        self.errors.append(
            {
                "account": self.account,
                "region": self.region,
                "source": source,
                "message": describe_error(exc),
            }
        )


def describe_error(exc: Exception) -> str:
    """One line, however long or multi-line the service's message is."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        text = f"{error.get('Code', 'Error')}: {error.get('Message', '')}".rstrip(": ")
    elif isinstance(exc, (BotoCoreError, responses.IncompleteResponse)):
        text = str(exc) or type(exc).__name__
    else:  # a malformed answer tripped the reader (KeyError 'x' alone would say nothing)
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:297] + "..."
