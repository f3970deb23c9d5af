"""Container images and environment: what runs, and what it is told."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from advisor.model import ERROR, WARNING, Kind, TaskDefinition
from advisor.rules.base import Hit, Rule, RuleOptions, container_hits
from advisor.values import is_unknown, text_of

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


# Tags that name a moving target by convention: a branch, a channel, "whatever is newest".
MOVING_TAGS = frozenset(
    (
        "latest",
        "stable",
        "release",
        "main",
        "master",
        "dev",
        "develop",
        "edge",
        "nightly",
        "current",
    )
)
# A bare upper-case word (``APP_IMAGE``) is a marker a script substitutes, not a reference: with
# no registry, path or tag there is nothing to pull. ``MyRepo/app:latest`` is a reference.
_MARKER_WORD = re.compile(r"^[A-Z][A-Z0-9_]*$")


def moving_tag(tag: str, extra: tuple[str, ...] = ()) -> bool:
    """Whether a tag moves: a conventional moving tag, one ending in ``-latest``, or a
    configured one (``mutable-tags``). Compared without case: ``Latest`` moves as ``latest``."""
    lowered = tag.lower()
    return (
        lowered in MOVING_TAGS
        or lowered.endswith("-latest")
        or lowered in {t.lower() for t in extra}
    )


class MutableImageTag(Rule[TaskDefinition]):
    code = "ECS401"
    name = "mutable-image-tag"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A container image with no tag or a moving tag (`:latest`, `:stable`, `:main`, ...)."
    rationale = (
        "`latest` (which is also what no tag means) moves, and so do the tags people point at "
        "whatever is newest: `stable`, `release`, `main`, `master`, `dev`, `develop`, `edge`, "
        "`nightly`, `current`, tags ending in `-latest`, and those a team lists under "
        "`mutable-tags` in its configuration. With a moving tag two tasks of the same task "
        "definition revision can run different code, a scaling event can deploy an untested "
        "image, and a rollback to an older revision does not roll the code back. A version tag "
        "or a digest pins what runs. Image references that are template placeholders are left "
        "alone. "
        "A warning, not an error: the task still runs, but what it runs can change under it."
    )
    example = _task(image="acme/report:latest")
    fixed = _task(image="acme/report:2.1.0")
    fix = (
        "Reference an immutable version tag (`:2.1.0`, `:git-3f9c2e1`) or a digest (`@sha256:...`)."
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        for index, container, name in container_hits(resource):
            # A partly templated reference (``app:${TAG}``) is judged on its known part only.
            image = text_of(container.get("image"))
            if image is None or not image.strip() or _MARKER_WORD.match(image):
                continue
            tag, has_digest = image_tag(image)
            if has_digest:
                continue  # pinned, whatever the tag says
            if tag is None and not is_unknown(container.get("image")):
                message = f"container {name!r} image {image!r} has no tag, so it runs :latest"
            elif tag == "latest":
                message = f"container {name!r} image {image!r} uses the mutable :latest tag"
            elif tag is not None and moving_tag(tag, options.mutable_tags):
                message = f"container {name!r} image {image!r} uses the moving tag :{tag}"
            else:
                continue
            yield Hit(resource.at("containerDefinitions", index, "image"), message)


# A name is a secret's when it ends in a secret noun (DB_PASSWORD, stripeApiKey, SECRET_KEY_BASE),
# not when the noun is followed by what describes it (TOKEN_TTL_SECONDS, JWT_SECRET_ALGORITHM).
_SECRET_LAST_WORDS = {
    "PASSWORD", "PASSWD", "PASS", "PWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY",
    "CREDENTIAL", "CREDENTIALS", "DSN", "PRIVATEKEY", "SECRETKEY", "ACCESSKEY",
}  # fmt: skip
_SECRET_LAST_PAIRS = {
    ("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY"), ("SECRET", "KEY"), ("SIGNING", "KEY"),
    ("ENCRYPTION", "KEY"), ("MASTER", "KEY"), ("AUTH", "KEY"), ("CLIENT", "KEY"),
    ("LICENSE", "KEY"), ("APP", "KEY"), ("WEBHOOK", "KEY"), ("HMAC", "KEY"), ("SESSION", "KEY"),
    ("KEY", "BASE"), ("CONNECTION", "STRING"),
}  # fmt: skip
_MAYBE_SECRET = re.compile(r"PASS|PWD|SECRET|TOKEN|KEY|CREDENTIAL|DSN|STRING", re.IGNORECASE)
_CAMEL_BOUNDARY = re.compile(r"([a-z0-9])([A-Z])")
_WORD_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
# Values that are themselves credentials, whatever the variable is called.
_SECRET_VALUE = re.compile(
    r"^(AKIA|ASIA)[0-9A-Z]{16}$"  # AWS access key id (its secret key is usually near)
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|^gh[pousr]_[A-Za-z0-9]{30,}$|^github_pat_[A-Za-z0-9_]{30,}$"
    r"|^xox[abprs]-[A-Za-z0-9-]{10,}$|^sk_live_[A-Za-z0-9]{16,}$|^AIza[0-9A-Za-z_-]{35}$"
    r"|^da2-[a-z0-9]{26}$"  # an AppSync API key
    # Webhook URLs carry their secret in the path: anyone holding one can post to the channel.
    r"|hooks\.slack\.com/(services|workflows|triggers)/[A-Za-z0-9_-]+/[A-Za-z0-9_/-]{8,}"
    r"|\.webhook\.office\.com/webhookb2/[A-Za-z0-9@/_-]{20,}"
    r"|outlook\.office(365)?\.com/webhook/[A-Za-z0-9@/_-]{20,}"
    r"|://[^/\s:@]*:[^/\s@]+@"  # a password inside a URL
)
# Documentation samples fill a credential's shape with one character repeated
# (``T00000000/B00000000/XXXXXXXX``, ``AKIAXXXXXXXXXXXXXXXX``): not a credential.
_SAMPLE_FILL = re.compile(r"([0-9A-Za-z])\1{7,}")
_HARMLESS_VALUE = re.compile(r"^(true|false|yes|no|on|off|none|null|\d{1,3}|arn:.*|/.*)$", re.I)


def _name_words(name: str) -> list[str]:
    spaced = _CAMEL_BOUNDARY.sub(r"\1_\2", name)
    return [word.upper() for word in _WORD_SEPARATORS.split(spaced) if word]


# The variables Security Hub's ECS.8 looks for: credentials by name, whatever their last word.
_CREDENTIAL_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"}


def is_secret_name(name: str) -> bool:
    if name.upper() in _CREDENTIAL_VARIABLES:
        return True
    if not _MAYBE_SECRET.search(name):  # most names: one cheap search
        return False
    words = _name_words(name)
    if not words:
        return False
    return words[-1] in _SECRET_LAST_WORDS or tuple(words[-2:]) in _SECRET_LAST_PAIRS


# Public by design, whatever the last word says: bundlers copy these prefixes into the browser's
# JavaScript, and a Sentry DSN is the address browsers report errors to. Only a value shaped like
# a credential makes them a secret.
_PUBLIC_PREFIXES = ("NEXT_PUBLIC_", "VITE_", "REACT_APP_")


def is_public_by_design(name: str) -> bool:
    upper = name.upper()
    return upper.startswith(_PUBLIC_PREFIXES) or _name_words(name)[-2:] == ["SENTRY", "DSN"]


def looks_like_credential(value: object) -> bool:
    """A string shaped like a credential (an AWS access key, a private key, a token, a webhook
    URL, a password in a URL), not a documentation sample of one."""
    if not isinstance(value, str):
        return False
    found = _SECRET_VALUE.search(value)
    if found is None:
        return False
    # A key's base64 body may repeat a letter (runs of A in OpenSSH keys): only the header counts.
    return found.group(0).startswith("-----") or _SAMPLE_FILL.search(found.group(0)) is None


def secret_reason(name: str, value: object) -> str | None:
    """Why a literal value looks like a secret, or None. Never includes the value.

    A number is judged as it is written in JSON (``73914226`` under ``DB_PASSWORD`` is a secret
    in plain text, and so is ``"73914226"``; ``true`` or ``8`` are not); objects and arrays are
    not literal values (invalid-field-value reports their type).
    """
    if isinstance(value, bool | int | float):
        value = json.dumps(value)
    if not isinstance(value, str) or not value:
        return None
    if looks_like_credential(value):
        return "its value has the shape of a credential"
    if is_public_by_design(name):
        return None
    if is_secret_name(name) and not _HARMLESS_VALUE.match(value):
        return "its name says it is a secret"
    return None


class SecretInEnvironment(Rule[TaskDefinition]):
    code = "ECS402"
    name = "secret-in-environment"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A secret-looking environment variable (or log option) has a literal value in the task definition."
    references = ("Security Hub ECS.8",)
    rationale = (
        "A task definition is not a secret store: its environment is readable by anyone with "
        "`ecs:DescribeTaskDefinition`, appears in the console, in CloudTrail, and in every copy "
        "of this file in version control. A variable is judged by the last word of its name "
        "(`DB_PASSWORD`, `stripeApiKey`, but not `TOKEN_TTL_SECONDS`) and, whatever it is called, "
        "by values shaped like credentials: AWS access key ids, private keys, URLs with "
        "`user:password@`, Slack and Microsoft Teams webhook URLs (the secret is the path), "
        "AppSync API keys (`da2-...`), GitHub, Slack, Stripe and Google API tokens; samples "
        "filled with one repeated character (`T00000000/B00000000/XXXXXXXX`) are not. "
        "Variables public by design (`SENTRY_DSN`, and the `NEXT_PUBLIC_`, `VITE_` and "
        "`REACT_APP_` ones that bundlers put in the browser's JavaScript) are judged by their "
        "value only: a Stripe `sk_live_` key in `NEXT_PUBLIC_STRIPE_KEY` is still a secret. "
        "`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `ECS_ENGINE_AUTH_DATA` count by name, "
        "as Security Hub's ECS.8 counts them. Log driver options "
        "(a FireLens `apikey`) likewise. A number counts as it reads in JSON: `48151623` under "
        "`DB_PASSWORD` is a password in plain text (and AWS rejects the number besides). The "
        "finding names the variable and never its value. "
        "An error: the value is exposed from the moment the file is committed, whatever happens next."
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

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        for index, container, container_name in container_hits(resource):
            environment = container.get("environment")
            for e_index, variable in enumerate(
                environment if isinstance(environment, list) else []
            ):
                if not isinstance(variable, dict):
                    continue
                name, value = variable.get("name"), variable.get("value")
                if isinstance(name, str):
                    reason = secret_reason(name, value)
                    if reason:
                        yield Hit(
                            resource.at(
                                "containerDefinitions", index, "environment", e_index, "value"
                            ),
                            f"container {container_name!r} sets {name} to a literal value and "
                            f"{reason}; use secrets with valueFrom instead",
                        )
            log = container.get("logConfiguration")
            log_options = log.get("options") if isinstance(log, dict) else None
            for key, value in log_options.items() if isinstance(log_options, dict) else ():
                reason = secret_reason(key, value)
                if reason:
                    yield Hit(
                        resource.at(
                            "containerDefinitions", index, "logConfiguration", "options", key
                        ),
                        f"container {container_name!r} log option {key} has a literal value and "
                        f"{reason}; use secretOptions with valueFrom instead",
                    )
