"""boto3 sessions for the audit: read-only by construction, retrying throttling, one per account.

Every client made from these sessions refuses, before anything is sent, any operation that is
not a List*, Describe* or Get* call, CloudTrail's LookupEvents, or STS AssumeRole (to reach other
accounts). The guard is a botocore event hook, so it covers every client and every call.
"""

from __future__ import annotations

import math
import time
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ReadTimeoutError

from advisor.audit.account_reader import WORKERS
from advisor.audit.iam_policy import IAM_POLICY as IAM_POLICY  # where it used to be

READ_PREFIXES = ("List", "Describe", "Get")
ALSO_ALLOWED = frozenset({"LookupEvents", "AssumeRole"})
DEFAULT_TIMEOUT = 600.0  # seconds for the whole audit (--timeout)
# Retries of one call stop once they have taken this long. Standard mode, not adaptive: once
# throttled, adaptive mode lets a client send at most one request every 2 s, so 50 task
# definitions an endpoint keeps throttling took 223 s; standard mode backs each call off (at most
# 7 s over 3 retries) and its retry quota stops retrying when throttling persists.
RETRY_BUDGET = 20.0
# Connections each client keeps: the calls a region's reader has in flight at once, and one more.
POOL_CONNECTIONS = WORKERS + 1


class DeadlineExceeded(BotoCoreError):
    fmt = "not read: the audit's --timeout of {seconds:g} s ran out"


class Budget:
    """The audit's overall deadline, and the client settings derived from it: an endpoint that
    accepts a connection and never answers costs two read timeouts a call, and no call starts
    after the deadline (its source is reported as not read)."""

    def __init__(self, seconds: float = DEFAULT_TIMEOUT, running: bool = True) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds if running else math.inf

    def config(self) -> Config:
        return Config(
            retries={"mode": "standard", "total_max_attempts": 4},  # the first and 3 retries
            connect_timeout=min(5.0, max(0.5, self.seconds / 20)),
            read_timeout=min(20.0, max(1.0, self.seconds / 10)),
            max_pool_connections=POOL_CONNECTIONS,
            user_agent_extra="ecs-advisor-audit",
        )

    def left(self) -> float:
        return self.ends - time.monotonic()

    def before_call(self, **_: Any) -> None:
        if self.left() <= 0:
            raise DeadlineExceeded(seconds=self.seconds)

    def may_retry(
        self,
        attempts: int,
        caught_exception: Exception | None = None,
        request_dict: dict | None = None,
        **_: Any,
    ) -> bool | None:
        """Registered before botocore's retry handler: False stops the retries, None lets
        botocore decide (and back off)."""
        context = (request_dict or {}).get("context", {})
        started = context.setdefault("ecs_advisor_started", time.monotonic())
        if self.left() <= 0 or time.monotonic() - started > RETRY_BUDGET:
            return False
        if isinstance(caught_exception, ReadTimeoutError) and attempts >= 2:
            return False  # it accepts and never answers: once more is enough
        return None


# The run's; the audit command starts it from --timeout (until then, no deadline runs).
BUDGET = Budget(running=False)
CLIENT_CONFIG = BUDGET.config()  # the settings for the default deadline


class ReadOnlyViolation(RuntimeError):
    """The audit tried an operation that could change something: a bug, refused."""


def _refuse_writes(model: Any, **_: Any) -> None:
    BUDGET.before_call()
    name = model.name
    if not (name.startswith(READ_PREFIXES) or name in ALSO_ALLOWED):
        service = model.service_model.service_name
        raise ReadOnlyViolation(f"the audit is read-only: refused {service}:{name}")


def guarded(session: boto3.Session) -> boto3.Session:
    session.events.register("before-call", _refuse_writes)
    return session


def base_session(profile: str | None) -> boto3.Session:
    return guarded(boto3.Session(profile_name=profile))


def assumed_session(base: boto3.Session, role_arn: str, region: str) -> boto3.Session:
    """A session in another account, through a role the audit assumes there."""
    sts = client(base, "sts", region)
    credentials = sts.assume_role(RoleArn=role_arn, RoleSessionName="ecs-advisor-audit")[
        "Credentials"
    ]
    return guarded(
        boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
    )


def set_timeout(seconds: float) -> None:
    """Start the run's deadline: ``seconds`` from now."""
    global BUDGET
    BUDGET = Budget(seconds)


def client(session: boto3.Session, service: str, region: str | None = None) -> Any:
    made = session.client(service, region_name=region, config=BUDGET.config())
    service_id = made.meta.service_model.service_id.hyphenize()
    budget = BUDGET
    made.meta.events.register_first(f"needs-retry.{service_id}", budget.may_retry)
    return made
