"""boto3 sessions for the audit: read-only by construction, retrying throttling, one per account.

Every client made from these sessions refuses, before anything is sent, any operation that is
not a List*, Describe* or Get* call, CloudTrail's LookupEvents, or STS AssumeRole (to reach other
accounts). The guard is a botocore event hook, so it covers every client and every call.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from advisor.audit.iam_policy import IAM_POLICY as IAM_POLICY  # where it used to be

READ_PREFIXES = ("List", "Describe", "Get")
ALSO_ALLOWED = frozenset({"LookupEvents", "AssumeRole"})
CLIENT_CONFIG = Config(
    retries={"mode": "adaptive", "max_attempts": 5},  # throttling is retried with backoff
    connect_timeout=5,  # an unreachable endpoint fails in seconds, not minutes
    read_timeout=30,
    user_agent_extra="ecs-advisor-audit",
)


class ReadOnlyViolation(RuntimeError):
    """The audit tried an operation that could change something: a bug, refused."""


def _refuse_writes(model: Any, **_: Any) -> None:
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
    sts = base.client("sts", region_name=region, config=CLIENT_CONFIG)
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


def client(session: boto3.Session, service: str, region: str | None = None) -> Any:
    return session.client(service, region_name=region, config=CLIENT_CONFIG)
