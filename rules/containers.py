"""Container images and environment: what runs, and what it is told."""

from __future__ import annotations

import re
from collections.abc import Iterator

from advisor.model import ERROR, WARNING, TaskDefinition
from advisor.placeholders import has_placeholder
from rules.base import Hit, Rule, container_hits

_TASK = """{{
  "family": "nightly-report",
  "containerDefinitions": [
    {{
      "name": "report",
      "image": "{image}",
      "memory": 512,
      "environment": [{environment}],
      "logConfiguration": {{
        "logDriver": "awslogs",
        "options": {{
          "awslogs-group": "/ecs/nightly-report",
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "report"
        }}
      }}
    }}
  ]
}}"""


def _task(image="public.ecr.aws/acme/report:2.1.0", environment="") -> str:
    return _TASK.format(image=image, environment=environment)


def image_tag(image: str) -> tuple[str | None, bool]:
    """(tag, has_digest) of an image reference such as ``registry:5000/repo/name:tag@sha256:...``."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]  # a registry's :port sits before the last slash
    tag = last.rsplit(":", 1)[1] if ":" in last else None
    return tag, bool(digest)


class MutableImageTag(Rule):
    code = "ECS401"
    name = "mutable-image-tag"
    severity = WARNING
    applies_to = ("task-definition",)
    summary = "A container image with no tag or the `:latest` tag."
    rationale = (
        "`latest` (which is also what no tag means) moves: two tasks of the same task definition "
        "revision can run different code, a scaling event can deploy an untested image, and a "
        "rollback to an older revision does not roll the code back. A version tag or a digest "
        "pins what runs. Image references that are template placeholders are left alone."
    )
    example = _task(image="acme/report:latest")
    fixed = _task(image="acme/report:2.1.0")
    fix = (
        "Reference an immutable version tag (`:2.1.0`, `:git-3f9c2e1`) or a digest (`@sha256:...`)."
    )

    def check(self, resource: TaskDefinition) -> Iterator[Hit]:
        for index, container, name in container_hits(resource):
            image = container.get("image")
            if not isinstance(image, str) or not image.strip():
                continue
            tag, has_digest = image_tag(image)
            repository = image.partition("@")[0].rsplit("/", 1)[-1].split(":")[0]
            if has_digest or repository != repository.lower():
                continue  # pinned; or not a real reference (Docker forbids upper case): a template
            if tag is None and not has_placeholder(image):
                message = f"container {name!r} image {image!r} has no tag, so it runs :latest"
            elif tag == "latest":
                message = f"container {name!r} image {image!r} uses the mutable :latest tag"
            else:
                continue
            yield Hit(resource.at("containerDefinitions", index, "image"), message)


# Names that say "this is a secret"; and suffixes that say "this is about a secret, not it".
_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|"
    r"AUTH_?KEY|SIGNING_?KEY|ENCRYPTION_?KEY|CLIENT_?SECRET|DSN|CONNECTION_?STRING)",
    re.IGNORECASE,
)
_NOT_A_SECRET = re.compile(
    r"(_ARN|_NAME|_ID|_FILE|_PATH|_DIR|_URL|_URI|_ENDPOINT|_HOST|_REGION|_ENABLED|_HEADER|"
    r"_LENGTH|_TTL|_EXPIRY|_EXPIRATION|_TYPE|_PARAM|_PARAMETER|_KEY_ID|_VERSION|_SIZE)$",
    re.IGNORECASE,
)
# Values that are themselves secrets, whatever the variable is called.
_SECRET_VALUE = re.compile(
    r"^(AKIA|ASIA)[0-9A-Z]{16}$|-----BEGIN [A-Z ]*PRIVATE KEY-----|^gh[pousr]_[A-Za-z0-9]{30,}$"
    r"|^xox[abpr]-[A-Za-z0-9-]{10,}$|^sk_live_[A-Za-z0-9]{16,}$"
    r"|://[^/\s:@]+:[^/\s@]+@"  # credentials inside a URL
)
_HARMLESS_VALUE = re.compile(r"^(true|false|yes|no|on|off|none|null|\d{1,3}|arn:.*|/.*)$", re.I)


def secret_reason(name: str, value: str) -> str | None:
    """Why a literal environment value looks like a secret, or None. Never includes the value."""
    if not value or has_placeholder(value):
        return None
    if _SECRET_VALUE.search(value):
        return "its value has the shape of a credential"
    if _SECRET_NAME.search(name) and not _NOT_A_SECRET.search(name):
        if _HARMLESS_VALUE.match(value):
            return None
        return "its name says it is a secret"
    return None


class SecretInEnvironment(Rule):
    code = "ECS402"
    name = "secret-in-environment"
    severity = ERROR
    applies_to = ("task-definition",)
    summary = "A secret-looking environment variable has a literal value in the task definition."
    rationale = (
        "A task definition is not a secret store: its environment is readable by anyone with "
        "`ecs:DescribeTaskDefinition`, appears in the console, in CloudTrail, and in every copy "
        "of this file in version control. The finding names the variable and never its value."
    )
    example = _task(environment='{"name": "DB_PASSWORD", "value": "hunter2-prod"}')
    fixed = _task(
        environment='{"name": "DB_PASSWORD_SECRET_ARN", "value": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"}'
    )
    fix = (
        "Move the value to Secrets Manager or SSM Parameter Store and reference it under "
        '`secrets` (`{"name": "DB_PASSWORD", "valueFrom": "arn:aws:secretsmanager:..."}`); '
        "then rotate it, since it has been exposed."
    )

    def check(self, resource: TaskDefinition) -> Iterator[Hit]:
        for index, container, container_name in container_hits(resource):
            environment = container.get("environment")
            if not isinstance(environment, list):
                continue
            for e_index, variable in enumerate(environment):
                if not isinstance(variable, dict):
                    continue
                name, value = variable.get("name"), variable.get("value")
                if not isinstance(name, str) or not isinstance(value, str):
                    continue
                reason = secret_reason(name, value)
                if reason:
                    yield Hit(
                        resource.at("containerDefinitions", index, "environment", e_index, "value"),
                        f"container {container_name!r} sets {name} to a literal value and {reason}; "
                        "use secrets with valueFrom instead",
                    )
