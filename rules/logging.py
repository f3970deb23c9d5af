"""Container logging: without logs nobody can tell what a task did or why it stopped."""

from __future__ import annotations

from collections.abc import Iterator

from advisor.model import ERROR, WARNING, Document, Fix, Kind, TaskDefinition
from advisor.rules.base import Hit, Rule, RuleOptions, container_hits
from advisor.values import is_unknown

_GOOD_LOGS = """{
  "family": "report",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {
      "name": "report",
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/report:1.4.2",
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
          "awslogs-group": "/ecs/report",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "report"
        }
      }
    }
  ]
}"""


def _awslogs(container: dict) -> tuple[dict | None, dict]:
    """(logConfiguration, options) when the container logs with awslogs, else (None, {})."""
    config = container.get("logConfiguration")
    if not isinstance(config, dict) or config.get("logDriver") != "awslogs":
        return None, {}
    options = config.get("options")
    return config, options if isinstance(options, dict) else {}


_PREFIX = "awslogs-stream-prefix"


def _has_option(options: dict, key: str) -> bool:
    value = options.get(key)
    return is_unknown(value) or (isinstance(value, str) and value.strip() != "")


class MissingLogConfiguration(Rule[TaskDefinition]):
    code = "ECS201"
    name = "missing-log-configuration"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A container has no `logConfiguration`, so its output goes nowhere you can read."
    rationale = (
        "Without a log driver a container's stdout and stderr stay on the host (EC2) or are lost "
        "(Fargate). When a job fails at 3 a.m. or a service task is replaced, there is nothing to "
        "read. Jobs especially need logs: they stop, and a stopped task leaves only its logs."
    )
    example = _GOOD_LOGS.replace(
        """,
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
          "awslogs-group": "/ecs/report",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "report"
        }
      }""",
        "",
    )
    fixed = _GOOD_LOGS
    fix = "Add a `logConfiguration` (awslogs with group, region and stream prefix, or FireLens)."

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        for index, container, name in container_hits(resource):
            if container.get("logConfiguration") is None:
                yield Hit(
                    resource.at("containerDefinitions", index),
                    f"container {name!r} has no logConfiguration; its output is lost",
                )


class AwslogsMissingStreamPrefix(Rule[TaskDefinition]):
    fix_safety = 'Safe: lint --fix adds "awslogs-stream-prefix" set to the container name, one inserted line; it changes only how the log streams are named.'
    code = "ECS202"
    name = "awslogs-missing-stream-prefix"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "An awslogs log configuration without `awslogs-stream-prefix` (an error on Fargate)."
    severity_note = "error on Fargate, which requires the prefix; warning elsewhere"
    rationale = (
        "Fargate requires the prefix. On EC2, without it a log stream is named after the Docker "
        "container id, so you cannot find the logs of one task, and the ECS console's Logs tab "
        "stays empty. With it, streams are `prefix/container/task-id`."
    )
    example = _GOOD_LOGS.replace(
        """,
          "awslogs-stream-prefix": "report\"""",
        "",
    )
    fixed = _GOOD_LOGS
    fix = "Set `awslogs-stream-prefix`, e.g. to the container or service name."

    fixable = True

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        severity = ERROR if resource.is_fargate else None
        for index, container, name in container_hits(resource):
            config, log_options = _awslogs(container)
            if config is not None and not _has_option(log_options, "awslogs-stream-prefix"):
                pointer: tuple[str | int, ...] = ("containerDefinitions", index, "logConfiguration")
                if "options" in config:
                    pointer += ("options",)
                yield Hit(
                    resource.at(*pointer),
                    f"container {name!r} logs with awslogs but sets no awslogs-stream-prefix"
                    + ("; Fargate requires it" if resource.is_fargate else ""),
                    severity,
                    fix=self._fix(resource, config, container, pointer),
                )

    @staticmethod
    def _fix(resource: TaskDefinition, config: dict, container: dict, pointer: tuple) -> Fix | None:
        """The prefix named after the container; null options or an empty prefix someone set
        are for a person to decide."""
        options = config.get("options")
        name = container.get("name")
        if not isinstance(options, dict) or "awslogs-stream-prefix" in options:
            return None
        if not isinstance(name, str) or not resource.editable:
            return None
        if not isinstance(resource.document, Document):
            return None  # code (CDK): no JSON to edit
        document, where = resource.document, resource.at(*pointer)
        return Fix(lambda: list(filter(None, [document.insert_member(where, _PREFIX, name)])))


class AwslogsIncompleteOptions(Rule[TaskDefinition]):
    code = "ECS203"
    name = "awslogs-incomplete-options"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "An awslogs log configuration without `awslogs-group` or `awslogs-region`."
    rationale = (
        "The awslogs driver needs to know where to send logs: both options are required by AWS. "
        "A container with an incomplete configuration fails to start "
        "(`CannotStartContainerError`), which for a scheduled job means a silent missed run."
    )
    example = _GOOD_LOGS.replace(
        """
          "awslogs-region": "us-east-1",""",
        "",
    )
    fixed = _GOOD_LOGS
    fix = "Set both `awslogs-group` and `awslogs-region` in the log configuration's options."

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        for index, container, name in container_hits(resource):
            config, log_options = _awslogs(container)
            if config is None:
                continue
            missing = [
                k for k in ("awslogs-group", "awslogs-region") if not _has_option(log_options, k)
            ]
            if missing:
                pointer: tuple[str | int, ...] = ("containerDefinitions", index, "logConfiguration")
                if "options" in config:
                    pointer += ("options",)
                yield Hit(
                    resource.at(*pointer),
                    f"container {name!r} logs with awslogs but sets no {' or '.join(missing)}",
                )
