"""Realistic, deterministic CloudTrail records about ECS, for the tests of 'ecs-advisor history'.

Actors return the caller fields of a record (``userIdentity``, ``userAgent``, ``sourceIPAddress`` and,
for console sessions, the top-level ``sessionCredentialFromConsole``). Record builders take an actor
and a UTC ``datetime`` and return a whole record as a plain dict. Writers lay records out as a trail
bucket, as ``aws cloudtrail lookup-events`` output, or as JSON lines.

Everything random comes from a counter-seeded generator: the same calls in the same order give the
same output; ``reset()`` starts the sequence again. Identity values (role suffixes, principal ids,
access keys) derive from the actor's arguments alone, so one person is the same across records.
"""

from __future__ import annotations

import copy
import gzip
import hashlib
import json
import random
import string
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ACCOUNT = "123456789012"
REGION = "eu-west-1"
CLUSTER = "prod"
EVENT_VERSION = "1.09"
BUCKET = "aws-cloudtrail-logs-123456789012-7f3e9a1c"
TRAIL = "management-events"
ECS = "ecs.amazonaws.com"

Actor = dict[str, Any]
Record = dict[str, Any]

_SEED = 20260427
_counter = 0

CLI_AGENT = (
    "aws-cli/2.17.0 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.0-21-amd64 md/arch#x86_64 "
    "lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
    "md/distrib#debian.12 md/prompt#off"
)
CODEBUILD_CLI_AGENT = (
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#5.10.219-208.866.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.11.8 md/pyimpl#CPython exec-env/AWS_ECS_EC2 "
    "cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2 md/prompt#off"
)
BOTO3_AGENT = (
    "Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.220-209.869.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144"
)
JS_SDK_AGENT = (
    "aws-sdk-js/3.614.0 ua/2.1 os/linux#6.5.0-1025-azure lang/js md/nodejs#20.15.1 "
    "api/ecs#3.614.0 m/E"
)
BROWSER_AGENT = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36"
)


# --- deterministic randomness -------------------------------------------------------------------


def reset(seed: int = _SEED) -> None:
    """Restart the random sequence (eventIDs, task ids, file names) from ``seed``."""
    global _SEED, _counter
    _SEED, _counter = seed, 0


def _rng() -> random.Random:
    global _counter
    _counter += 1
    return random.Random(_SEED * 1_000_003 + _counter)


def _uuid() -> str:
    return str(uuid.UUID(int=_rng().getrandbits(128), version=4))


def _token(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    rng = _rng()
    return "".join(rng.choice(alphabet) for _ in range(n))


def _stable(text: str, n: int, alphabet: str = string.hexdigits[:16]) -> str:
    """n characters of ``alphabet`` derived from ``text`` only (same input, same output)."""
    digest = hashlib.sha256(text.encode()).digest() * (n // 32 + 1)
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


_UPPER = string.ascii_uppercase + "234567"


def _deployment_number(key: str) -> str:
    """A 19-digit ECS deployment number, stable for ``key``."""
    n = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return str(10**18 + n % (9 * 10**18))


def task_id() -> str:
    """A new task id: 32 lowercase hex characters."""
    return f"{_rng().getrandbits(128):032x}"


# --- time formats -------------------------------------------------------------------------------


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _iso(when: datetime) -> str:
    return _utc(when).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_ms(when: datetime) -> str:
    when = _utc(when)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _stamp(when: datetime, style: str) -> str:
    """A timestamp as CloudTrail writes it inside responseElements."""
    when = _utc(when)
    if style == "iso":
        return _iso_ms(when)
    hour = when.hour % 12 or 12
    clock = f"{hour}:{when:%M:%S} {'AM' if when.hour < 12 else 'PM'}"
    if style == "aws":  # "Apr 27, 2026, 2:18:03 AM"
        return f"{when:%b} {when.day}, {when.year}, {clock}"
    if style == "aws-legacy":  # "Apr 27, 2026 2:18:03 AM" (older records, no comma after the year)
        return f"{when:%b} {when.day}, {when.year} {clock}"
    raise ValueError(f"unknown time_style {style!r}")


# --- actors -------------------------------------------------------------------------------------


def _ip(key: str) -> str:
    blocks = ("198.51.100", "203.0.113", "192.0.2")
    h = int(hashlib.sha256(key.encode()).hexdigest(), 16)
    return f"{blocks[h % 3]}.{h % 250 + 3}"


def _assumed_role(
    role: str,
    session: str,
    account: str,
    *,
    path: str = "",
    invoked_by: str | None = None,
    extra_context: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """userIdentity of an AssumedRole session. The STS ARN never carries the role's path."""
    role_id = "AROA" + _stable(f"{account}/{role}", 17, _UPPER)
    context: dict[str, Any] = {
        "sessionIssuer": {
            "type": "Role",
            "principalId": role_id,
            "arn": f"arn:aws:iam::{account}:role/{path}{role}",
            "accountId": account,
            "userName": role,
        },
        "attributes": {"creationDate": None, "mfaAuthenticated": "false"},
    }
    if extra_context:
        context.update(extra_context)
    identity: dict[str, Any] = {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": "ASIA" + _stable(f"{account}/{role}/{session}", 16, _UPPER),
        "sessionContext": context,
    }
    if invoked_by:
        identity["invokedBy"] = invoked_by
    return identity


def _by_service(identity: dict[str, Any], host: str) -> Actor:
    return {"userIdentity": identity, "sourceIPAddress": host, "userAgent": host}


def _console(actor: Actor) -> Actor:
    actor["userAgent"] = BROWSER_AGENT
    actor["sessionCredentialFromConsole"] = "true"
    return actor


def sso_user(
    name: str = "alice",
    permission_set: str = "AdministratorAccess",
    account: str = ACCOUNT,
    console: bool = False,
    sso_region: str = "us-east-1",
) -> Actor:
    """An IAM Identity Center person: AssumedRole on ``AWSReservedSSO_<set>_<16 hex>``."""
    role = f"AWSReservedSSO_{permission_set}_{_stable(f'{account}/{permission_set}', 16)}"
    path = f"aws-reserved/sso.amazonaws.com/{sso_region}/"
    actor = {
        "userIdentity": _assumed_role(role, name, account, path=path),
        "sourceIPAddress": _ip(name),
        "userAgent": CLI_AGENT,
    }
    return _console(actor) if console else actor


def _iam_user(name: str, account: str, access_key: str, context: bool) -> dict[str, Any]:
    identity: dict[str, Any] = {
        "type": "IAMUser",
        "principalId": "AIDA" + _stable(f"{account}/{name}", 17, _UPPER),
        "arn": f"arn:aws:iam::{account}:user/{name}",
        "accountId": account,
        "accessKeyId": access_key,
        "userName": name,
    }
    if context:
        identity["sessionContext"] = {
            "attributes": {"creationDate": None, "mfaAuthenticated": "true"}
        }
    return identity


def iam_user_console(name: str = "carol", account: str = ACCOUNT) -> Actor:
    """An IAM user in the console (temporary ASIA key, MFA session)."""
    key = "ASIA" + _stable(f"console/{account}/{name}", 16, _UPPER)
    actor = {
        "userIdentity": _iam_user(name, account, key, context=True),
        "sourceIPAddress": _ip(name),
        "userAgent": BROWSER_AGENT,
    }
    return _console(actor)


def iam_user_cli(name: str = "dave", account: str = ACCOUNT) -> Actor:
    """An IAM user with a long-term AKIA key and the AWS CLI (no sessionContext)."""
    key = "AKIA" + _stable(f"cli/{account}/{name}", 16, _UPPER)
    return {
        "userIdentity": _iam_user(name, account, key, context=False),
        "sourceIPAddress": _ip(name),
        "userAgent": CLI_AGENT,
    }


def root_user(account: str = ACCOUNT, console: bool = True) -> Actor:
    """The account root user, by default in the console."""
    actor = {
        "userIdentity": {
            "type": "Root",
            "principalId": account,
            "arn": f"arn:aws:iam::{account}:root",
            "accountId": account,
            "accessKeyId": "ASIA" + _stable(f"root/{account}", 16, _UPPER),
            "sessionContext": {"attributes": {"creationDate": None, "mfaAuthenticated": "true"}},
        },
        "sourceIPAddress": _ip("root"),
        "userAgent": CLI_AGENT,
    }
    return _console(actor) if console else actor


def events_rule(rule_role: str = "ecs-events-role", account: str = ACCOUNT) -> Actor:
    """An EventBridge rule target role (session name: 32 hex characters)."""
    session = _stable(f"events/{rule_role}", 32)
    identity = _assumed_role(rule_role, session, account, invoked_by="events.amazonaws.com")
    return _by_service(identity, "events.amazonaws.com")


def step_functions(role: str = "StepFunctions-ecs-role", account: str = ACCOUNT) -> Actor:
    """A Step Functions state machine role (session name: 32 letters)."""
    session = _stable(f"states/{role}", 32, string.ascii_letters)
    identity = _assumed_role(role, session, account, invoked_by="states.amazonaws.com")
    return _by_service(identity, "states.amazonaws.com")


def scheduler(role: str = "Amazon_EventBridge_Scheduler_ECS", account: str = ACCOUNT) -> Actor:
    """An EventBridge Scheduler schedule's role."""
    session = _stable(f"scheduler/{role}", 32)
    identity = _assumed_role(role, session, account, invoked_by="scheduler.amazonaws.com")
    return _by_service(identity, "scheduler.amazonaws.com")


def application_autoscaling(account: str = ACCOUNT) -> Actor:
    """Application Auto Scaling through its ECS service-linked role."""
    host = "ecs.application-autoscaling.amazonaws.com"
    identity = _assumed_role(
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
        "AutoScaling",
        account,
        path=f"aws-service-role/{host}/",
        invoked_by=host,
    )
    return _by_service(identity, host)


def aws_service(name: str = ECS) -> Actor:
    """A call an AWS service makes without a role in your account (type AWSService)."""
    return _by_service({"type": "AWSService", "invokedBy": name}, name)


def github_actions(role: str = "github-deploy", account: str = ACCOUNT, sdk: str = "js") -> Actor:
    """GitHub Actions through OIDC (session ``GitHubActions``); ``sdk`` is "js" or "boto3"."""
    extra = {
        "webIdFederationData": {
            "federatedProvider": (
                f"arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com"
            ),
            "attributes": {},
        }
    }
    return {
        "userIdentity": _assumed_role(role, "GitHubActions", account, extra_context=extra),
        "sourceIPAddress": "20.57.79.84",
        "userAgent": JS_SDK_AGENT if sdk == "js" else BOTO3_AGENT,
    }


def codebuild(role: str = "codebuild-deploy-role", account: str = ACCOUNT) -> Actor:
    """A CodeBuild project's service role (session ``AWSCodeBuild-<uuid>``)."""
    session = f"AWSCodeBuild-{uuid.UUID(_stable(f'codebuild/{role}', 32), version=4)}"
    return {
        "userIdentity": _assumed_role(role, session, account),
        "sourceIPAddress": _ip(f"codebuild/{role}"),
        "userAgent": CODEBUILD_CLI_AGENT,
    }


def ec2_instance_role(
    role: str = "batch-host",
    instance_id: str = "i-0abc1234def567890",
    account: str = ACCOUNT,
    cli: bool = False,
) -> Actor:
    """An EC2 instance profile role: the session name is the instance id."""
    extra = {"ec2RoleDelivery": "2.0"}
    return {
        "userIdentity": _assumed_role(role, instance_id, account, extra_context=extra),
        "sourceIPAddress": _ip(instance_id),
        "userAgent": CLI_AGENT if cli else BOTO3_AGENT,
    }


def assumed_role_cli(
    role: str = "platform-admin", session: str = "bob@example.com", account: str = ACCOUNT
) -> Actor:
    """A person who assumed a role (e.g. via a profile's role_arn) and uses the CLI."""
    return {
        "userIdentity": _assumed_role(role, session, account),
        "sourceIPAddress": _ip(session),
        "userAgent": CLI_AGENT,
    }


# --- record envelope ----------------------------------------------------------------------------


def _envelope(
    actor: Actor,
    when: datetime,
    event_name: str,
    request: dict[str, Any] | None,
    response: dict[str, Any] | None,
    *,
    region: str,
    account: str,
    event_source: str = ECS,
    read_only: bool = False,
    error_code: str | None = None,
    error_message: str | None = None,
    management: bool = True,
) -> Record:
    identity = copy.deepcopy(actor["userIdentity"])
    attributes = identity.get("sessionContext", {}).get("attributes")
    if attributes is not None and attributes.get("creationDate") is None:
        attributes["creationDate"] = _iso(_utc(when) - timedelta(minutes=12, seconds=41))
    record: Record = {
        "eventVersion": EVENT_VERSION,
        "userIdentity": identity,
        "eventTime": _iso(when),
        "eventSource": event_source,
        "eventName": event_name,
        "awsRegion": region,
        "sourceIPAddress": actor["sourceIPAddress"],
        "userAgent": actor["userAgent"],
    }
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = error_message or f"{error_code}: the request failed"
    record["requestParameters"] = request
    record["responseElements"] = None if error_code else response
    record.update(
        {
            "requestID": _uuid(),
            "eventID": _uuid(),
            "readOnly": read_only,
            "eventType": "AwsApiCall",
            "managementEvent": management,
            "recipientAccountId": account,
            "eventCategory": "Management" if management else "Data",
        }
    )
    if "invokedBy" not in identity:  # calls a service makes for you come without TLS details
        host = event_source.replace(".amazonaws.com", "")
        record["tlsDetails"] = {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"{host}.{region}.amazonaws.com",
        }
    if actor.get("sessionCredentialFromConsole") == "true":
        record["sessionCredentialFromConsole"] = "true"
    return record


def _error_message(code: str, actor: Actor, action: str, resource: str) -> str:
    if code == "AccessDenied":
        return (
            f"User: {actor['userIdentity'].get('arn', 'unknown')} is not authorized to perform: "
            f"ecs:{action} on resource: {resource} because no identity-based policy allows the "
            f"ecs:{action} action"
        )
    return f"{code}: the request was rejected"


# --- ECS pieces ---------------------------------------------------------------------------------


def _arns(region: str, account: str, cluster: str) -> tuple[str, str]:
    base = f"arn:aws:ecs:{region}:{account}"
    return base, f"{base}:cluster/{cluster}"


def _td_arn(base: str, reference: str) -> str:
    if reference.startswith("arn:"):
        return reference
    return f"{base}:task-definition/{reference if ':' in reference else reference + ':1'}"


SUBNETS = ["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"]
SECURITY_GROUPS = ["sg-0123456789abcdef0"]


def _network() -> dict[str, Any]:
    return {
        "awsvpcConfiguration": {
            "subnets": list(SUBNETS),
            "securityGroups": list(SECURITY_GROUPS),
            "assignPublicIp": "DISABLED",
        }
    }


def _container(
    base: str, cluster: str, tid: str, family: str, account: str, region: str, status: str
) -> dict[str, Any]:
    task_arn = f"{base}:task/{cluster}/{tid}"
    return {
        "containerArn": f"{base}:container/{cluster}/{tid}/{_uuid()}",
        "taskArn": task_arn,
        "name": family,
        "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{family}:latest",
        "lastStatus": status,
        "networkInterfaces": [],
        "cpu": "0",
    }


def _eni(status: str) -> dict[str, Any]:
    return {
        "id": _uuid(),
        "type": "ElasticNetworkInterface",
        "status": status,
        "details": [
            {"name": "subnetId", "value": SUBNETS[0]},
            {"name": "networkInterfaceId", "value": "eni-" + _token(17, "0123456789abcdef")},
            {"name": "privateIPv4Address", "value": "10.0.12.34"},
        ],
    }


def run_task(
    actor: Actor,
    when: datetime,
    family: str = "nightly-report",
    revision: int = 3,
    cluster: str = CLUSTER,
    count: int = 1,
    managed_tags: bool | None = None,
    propagate_tags: str | None = None,
    started_by: str | None = None,
    group: str | None = None,
    cpu: str = "512",
    memory: str = "1024",
    task_ids: list[str] | None = None,
    error_code: str | None = None,
    launch_type: str | None = "FARGATE",
    region: str = REGION,
    account: str = ACCOUNT,
    time_style: str = "iso",
    failure_reason: str | None = None,
) -> Record:
    """A RunTask record. ``launch_type=None`` sends a FARGATE_SPOT capacity provider strategy;
    ``failure_reason`` gives a successful call that placed nothing (tasks [], one failure)."""
    base, cluster_arn = _arns(region, account, cluster)
    td_arn = f"{base}:task-definition/{family}:{revision}"
    request: dict[str, Any] = {"cluster": cluster, "count": count}
    if launch_type:
        request["launchType"] = launch_type
    else:
        request["capacityProviderStrategy"] = [
            {"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}
        ]
    if launch_type != "EC2":
        request["networkConfiguration"] = _network()
    request["taskDefinition"] = f"{family}:{revision}"
    if managed_tags is not None:
        request["enableECSManagedTags"] = managed_tags
    if propagate_tags is not None:
        request["propagateTags"] = propagate_tags
    if started_by is not None:
        request["startedBy"] = started_by
    if group is not None:
        request["group"] = group
    if error_code:
        message = _error_message(error_code, actor, "RunTask", td_arn)
        return _envelope(
            actor,
            when,
            "RunTask",
            request,
            None,
            region=region,
            account=account,
            error_code=error_code,
            error_message=message,
        )
    if failure_reason:
        failures = [{"arn": f"{base}:container-instance/{cluster}", "reason": failure_reason}]
        response = {"tasks": [], "failures": failures}
        return _envelope(actor, when, "RunTask", request, response, region=region, account=account)
    tasks = []
    for tid in task_ids or [task_id() for _ in range(count)]:
        fargate = launch_type != "EC2"
        task: dict[str, Any] = {
            "attachments": [_eni("PRECREATED")] if fargate else [],
            "availabilityZone": f"{region}a",
            "clusterArn": cluster_arn,
            "containers": [
                _container(base, cluster, tid, family, account, region, "PENDING"),
            ],
            "cpu": cpu,
            "createdAt": _stamp(when, time_style),
            "desiredStatus": "RUNNING",
            "enableExecuteCommand": False,
            "group": group or f"family:{family}",
            "lastStatus": "PROVISIONING",
            "launchType": launch_type or "FARGATE",
            "memory": memory,
            "overrides": {
                "containerOverrides": [{"name": family}],
                "inferenceAcceleratorOverrides": [],
            },
            "tags": [],
            "taskArn": f"{base}:task/{cluster}/{tid}",
            "taskDefinitionArn": td_arn,
            "version": 1,
        }
        if fargate:
            task.update(
                {
                    "platformVersion": "1.4.0",
                    "platformFamily": "Linux",
                    "ephemeralStorage": {"sizeInGiB": 20},
                }
            )
        else:
            task["containerInstanceArn"] = f"{base}:container-instance/{cluster}/{task_id()}"
        if launch_type is None:
            task["capacityProviderName"] = "FARGATE_SPOT"
        if started_by is not None:
            task["startedBy"] = started_by
        tasks.append(task)
    response = {"tasks": tasks, "failures": []}
    return _envelope(actor, when, "RunTask", request, response, region=region, account=account)


def stop_task(
    actor: Actor,
    when: datetime,
    task_id: str,
    family: str = "nightly-report",
    revision: int = 3,
    cluster: str = CLUSTER,
    group: str | None = None,
    started_by: str | None = None,
    started_at: datetime | None = None,
    cpu: str = "512",
    memory: str = "1024",
    reason: str | None = None,
    service: str | None = None,
    region: str = REGION,
    account: str = ACCOUNT,
    time_style: str = "iso",
    task_as_arn: bool = False,
    error_code: str | None = None,
) -> Record:
    """A StopTask record; with ``service`` the task belongs to that service's deployment."""
    base, cluster_arn = _arns(region, account, cluster)
    task_arn = f"{base}:task/{cluster}/{task_id}"
    if service is not None:
        group = group or f"service:{service}"
        started_by = started_by or f"ecs-svc/{_deployment_number(f'{cluster}/{service}')}"
    started = _utc(started_at) if started_at else _utc(when) - timedelta(minutes=30)
    request: dict[str, Any] = {"cluster": cluster, "task": task_arn if task_as_arn else task_id}
    if reason is not None:
        request["reason"] = reason
    if error_code:
        message = _error_message(error_code, actor, "StopTask", task_arn)
        return _envelope(
            actor,
            when,
            "StopTask",
            request,
            None,
            region=region,
            account=account,
            error_code=error_code,
            error_message=message,
        )
    task: dict[str, Any] = {
        "attachments": [_eni("ATTACHED")],
        "availabilityZone": f"{region}b",
        "clusterArn": cluster_arn,
        "connectivity": "CONNECTED",
        "connectivityAt": _stamp(started - timedelta(seconds=35), time_style),
        "containers": [_container(base, cluster, task_id, family, account, region, "RUNNING")],
        "cpu": cpu,
        "createdAt": _stamp(started - timedelta(seconds=41), time_style),
        "desiredStatus": "STOPPED",
        "enableExecuteCommand": False,
        "ephemeralStorage": {"sizeInGiB": 20},
        "group": group or f"family:{family}",
        "lastStatus": "RUNNING",
        "launchType": "FARGATE",
        "memory": memory,
        "overrides": {
            "containerOverrides": [{"name": family}],
            "inferenceAcceleratorOverrides": [],
        },
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "pullStartedAt": _stamp(started - timedelta(seconds=30), time_style),
        "pullStoppedAt": _stamp(started - timedelta(seconds=8), time_style),
        "startedAt": _stamp(started, time_style),
        "stopCode": "UserInitiated",
        "stoppedReason": reason or "Task stopped by user",
        "stoppingAt": _stamp(when, time_style),
        "tags": [],
        "taskArn": task_arn,
        "taskDefinitionArn": f"{base}:task-definition/{family}:{revision}",
        "version": 3,
    }
    if started_by is not None:
        task["startedBy"] = started_by
    return _envelope(
        actor, when, "StopTask", request, {"task": task}, region=region, account=account
    )


def _service_body(
    when: datetime,
    service: str,
    cluster: str,
    region: str,
    account: str,
    td_arn: str,
    desired: int,
    running: int,
    deployments: list[dict[str, Any]],
    time_style: str,
    status: str = "ACTIVE",
    managed_tags: bool = False,
    propagate_tags: str = "NONE",
) -> dict[str, Any]:
    base, cluster_arn = _arns(region, account, cluster)
    return {
        "serviceArn": f"{base}:service/{cluster}/{service}",
        "serviceName": service,
        "clusterArn": cluster_arn,
        "loadBalancers": [],
        "serviceRegistries": [],
        "status": status,
        "desiredCount": desired,
        "runningCount": running,
        "pendingCount": 0,
        "launchType": "FARGATE",
        "platformVersion": "LATEST",
        "platformFamily": "Linux",
        "taskDefinition": td_arn,
        "deploymentConfiguration": {
            "deploymentCircuitBreaker": {"enable": True, "rollback": True},
            "maximumPercent": 200,
            "minimumHealthyPercent": 100,
        },
        "deployments": deployments,
        "roleArn": (
            f"arn:aws:iam::{account}:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS"
        ),
        "events": [],
        "createdAt": _stamp(_utc(when) - timedelta(days=41, hours=3), time_style),
        "placementConstraints": [],
        "placementStrategy": [],
        "networkConfiguration": _network(),
        "healthCheckGracePeriodSeconds": 0,
        "schedulingStrategy": "REPLICA",
        "deploymentController": {"type": "ECS"},
        "createdBy": f"arn:aws:iam::{account}:role/github-deploy",
        "enableECSManagedTags": managed_tags,
        "propagateTags": propagate_tags,
        "enableExecuteCommand": False,
        "availabilityZoneRebalancing": "ENABLED",
    }


def _deployment(
    number: str,
    status: str,
    td_arn: str,
    desired: int,
    running: int,
    created: datetime,
    updated: datetime,
    time_style: str,
) -> dict[str, Any]:
    return {
        "id": f"ecs-svc/{number}",
        "status": status,
        "taskDefinition": td_arn,
        "desiredCount": desired,
        "pendingCount": 0,
        "runningCount": running,
        "failedTasks": 0,
        "createdAt": _stamp(created, time_style),
        "updatedAt": _stamp(updated, time_style),
        "launchType": "FARGATE",
        "platformVersion": "1.4.0",
        "platformFamily": "Linux",
        "networkConfiguration": _network(),
        "rolloutState": "COMPLETED" if running == desired else "IN_PROGRESS",
        "rolloutStateReason": (
            "ECS deployment ecs-svc/" + number + " completed."
            if running == desired
            else "ECS deployment ecs-svc/" + number + " in progress."
        ),
    }


def update_service(
    actor: Actor,
    when: datetime,
    service: str,
    desired_count: int | None = None,
    cluster: str = CLUSTER,
    task_definition: str | None = None,
    force_new_deployment: bool | None = None,
    previous_desired: int | None = None,
    region: str = REGION,
    account: str = ACCOUNT,
    time_style: str = "iso",
) -> Record:
    """An UpdateService record; requestParameters hold only the members given.

    ``task_definition`` may be "family:rev", a family (read as revision 1) or an ARN. A new task
    definition or a forced deployment adds a new PRIMARY deployment beside the old ACTIVE one.
    """
    base, _ = _arns(region, account, cluster)
    request: dict[str, Any] = {"cluster": cluster, "service": service}
    if desired_count is not None:
        request["desiredCount"] = desired_count
    if task_definition is not None:
        request["taskDefinition"] = task_definition
    if force_new_deployment is not None:
        request["forceNewDeployment"] = force_new_deployment
    old_td = _td_arn(base, f"{service}:1")
    td_arn = _td_arn(base, task_definition) if task_definition else old_td
    previous = previous_desired if previous_desired is not None else 1
    desired = desired_count if desired_count is not None else previous
    now = _utc(when)
    stable = _deployment_number(f"{cluster}/{service}")
    earlier = now - timedelta(days=3, hours=5)
    if task_definition or force_new_deployment:
        deployments = [
            _deployment(
                _deployment_number(_uuid()), "PRIMARY", td_arn, desired, 0, now, now, time_style
            ),
            _deployment(stable, "ACTIVE", old_td, previous, previous, earlier, earlier, time_style),
        ]
    else:
        deployments = [
            _deployment(stable, "PRIMARY", td_arn, desired, desired, earlier, now, time_style)
        ]
    body = _service_body(
        when,
        service,
        cluster,
        region,
        account,
        td_arn,
        desired,
        previous,
        deployments,
        time_style,
    )
    return _envelope(
        actor, when, "UpdateService", request, {"service": body}, region=region, account=account
    )


def create_service(
    actor: Actor,
    when: datetime,
    service: str,
    desired_count: int = 1,
    family: str = "report",
    revision: int = 1,
    cluster: str = CLUSTER,
    cpu: str | None = None,
    managed_tags: bool | None = None,
    propagate_tags: str | None = None,
    region: str = REGION,
    account: str = ACCOUNT,
    time_style: str = "iso",
) -> Record:
    """A CreateService record. CreateService has no cpu member: ``cpu`` is accepted and unused."""
    del cpu
    base, _ = _arns(region, account, cluster)
    td_arn = f"{base}:task-definition/{family}:{revision}"
    request: dict[str, Any] = {
        "cluster": cluster,
        "serviceName": service,
        "taskDefinition": f"{family}:{revision}",
        "desiredCount": desired_count,
        "launchType": "FARGATE",
        "networkConfiguration": _network(),
    }
    if managed_tags is not None:
        request["enableECSManagedTags"] = managed_tags
    if propagate_tags is not None:
        request["propagateTags"] = propagate_tags
    now = _utc(when)
    number = _deployment_number(f"{cluster}/{service}")
    deployments = [_deployment(number, "PRIMARY", td_arn, desired_count, 0, now, now, time_style)]
    body = _service_body(
        when,
        service,
        cluster,
        region,
        account,
        td_arn,
        desired_count,
        0,
        deployments,
        time_style,
        managed_tags=bool(managed_tags),
        propagate_tags=propagate_tags or "NONE",
    )
    body["createdAt"] = _stamp(now, time_style)
    body["createdBy"] = actor["userIdentity"].get("arn", "")
    return _envelope(
        actor, when, "CreateService", request, {"service": body}, region=region, account=account
    )


def delete_service(
    actor: Actor,
    when: datetime,
    service: str,
    cluster: str = CLUSTER,
    force: bool | None = None,
    previous_desired: int = 0,
    region: str = REGION,
    account: str = ACCOUNT,
    time_style: str = "iso",
) -> Record:
    """A DeleteService record (the service comes back DRAINING)."""
    base, _ = _arns(region, account, cluster)
    request: dict[str, Any] = {"cluster": cluster, "service": service}
    if force is not None:
        request["force"] = force
    td_arn = _td_arn(base, f"{service}:1")
    earlier = _utc(when) - timedelta(days=3)
    number = _deployment_number(f"{cluster}/{service}")
    deployments = [
        _deployment(number, "PRIMARY", td_arn, 0, previous_desired, earlier, when, time_style)
    ]
    body = _service_body(
        when,
        service,
        cluster,
        region,
        account,
        td_arn,
        0,
        previous_desired,
        deployments,
        time_style,
        status="DRAINING",
    )
    return _envelope(
        actor, when, "DeleteService", request, {"service": body}, region=region, account=account
    )


def register_task_definition(
    actor: Actor,
    when: datetime,
    family: str,
    revision: int,
    cpu: str = "512",
    memory: str = "1024",
    arch: str | None = None,
    os_family: str | None = None,
    region: str = REGION,
    account: str = ACCOUNT,
    time_style: str = "iso",
) -> Record:
    """A RegisterTaskDefinition record for a one-container Fargate task definition."""
    base, _ = _arns(region, account, CLUSTER)
    container = {
        "name": family,
        "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{family}:latest",
        "essential": True,
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": f"/ecs/{family}",
                "awslogs-region": region,
                "awslogs-stream-prefix": family,
            },
        },
    }
    execution_role = f"arn:aws:iam::{account}:role/ecsTaskExecutionRole"
    request: dict[str, Any] = {
        "containerDefinitions": [container],
        "cpu": cpu,
        "executionRoleArn": execution_role,
        "family": family,
        "memory": memory,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
    }
    platform: dict[str, str] = {}
    if arch is not None:
        platform["cpuArchitecture"] = arch
    if os_family is not None:
        platform["operatingSystemFamily"] = os_family
    if platform:
        request["runtimePlatform"] = platform
    full_container = {
        **container,
        "cpu": 0,
        "portMappings": [],
        "environment": [],
        "mountPoints": [],
        "volumesFrom": [],
        "systemControls": [],
    }
    definition: dict[str, Any] = {
        "taskDefinitionArn": f"{base}:task-definition/{family}:{revision}",
        "containerDefinitions": [full_container],
        "family": family,
        "executionRoleArn": execution_role,
        "networkMode": "awsvpc",
        "revision": revision,
        "volumes": [],
        "status": "ACTIVE",
        "requiresAttributes": [
            {"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"},
            {"name": "ecs.capability.execution-role-awslogs"},
            {"name": "com.amazonaws.ecs.capability.ecr-auth"},
            {"name": "com.amazonaws.ecs.capability.docker-remote-api.1.19"},
            {"name": "ecs.capability.execution-role-ecr-pull"},
            {"name": "ecs.capability.task-eni"},
        ],
        "placementConstraints": [],
        "compatibilities": ["EC2", "FARGATE"],
        "requiresCompatibilities": ["FARGATE"],
        "cpu": cpu,
        "memory": memory,
        "registeredAt": _stamp(when, time_style),
        "registeredBy": actor["userIdentity"].get("arn", ""),
    }
    if platform:
        definition["runtimePlatform"] = platform
    return _envelope(
        actor,
        when,
        "RegisterTaskDefinition",
        request,
        {"taskDefinition": definition, "tags": []},
        region=region,
        account=account,
    )


def describe_record(
    actor: Actor,
    when: datetime,
    event_name: str = "DescribeServices",
    cluster: str = CLUSTER,
    region: str = REGION,
    account: str = ACCOUNT,
) -> Record:
    """A read-only ECS call (readOnly true, responseElements null) that rules must ignore."""
    request: dict[str, Any] = {"cluster": cluster}
    if event_name == "DescribeServices":
        request["services"] = ["web"]
    elif event_name == "DescribeTasks":
        request["tasks"] = [task_id()]
    elif event_name == "ListTasks":
        request["desiredStatus"] = "STOPPED"
    return _envelope(
        actor, when, event_name, request, None, region=region, account=account, read_only=True
    )


def other_record(
    when: datetime,
    event_source: str = "s3.amazonaws.com",
    event_name: str = "GetObject",
    actor: Actor | None = None,
    region: str = REGION,
    account: str = ACCOUNT,
) -> Record:
    """Non-ECS noise. S3 object calls come out as data events."""
    actor = actor or ec2_instance_role("app-host", "i-0fedcba9876543210", account)
    data = event_source == "s3.amazonaws.com" and "Object" in event_name
    request: dict[str, Any] = {}
    if event_source == "s3.amazonaws.com":
        request = {"bucketName": "reports-archive", "Host": "reports-archive.s3.amazonaws.com"}
        if data:
            request["key"] = "daily/2026-04-27.csv"
    read_only = event_name.startswith(("Get", "List", "Describe", "Head"))
    record = _envelope(
        actor,
        when,
        event_name,
        request,
        None,
        region=region,
        account=account,
        event_source=event_source,
        read_only=read_only,
        management=not data,
    )
    if data:
        record["resources"] = [
            {"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::reports-archive/daily/2026-04-27.csv"},
            {
                "accountId": account,
                "type": "AWS::S3::Bucket",
                "ARN": "arn:aws:s3:::reports-archive",
            },
        ]
    return record


def iam_record(
    when: datetime,
    kind: str = "PutRolePolicy",
    role: str = "ecs-events-role",
    actor: Actor | None = None,
    account: str = ACCOUNT,
) -> Record:
    """IAM noise that mentions ECS: a role policy allowing ecs:RunTask / ecs:StopTask and
    iam:PassRole to ecs-tasks.amazonaws.com, or (kind="CreateServiceLinkedRole") the ECS
    service-linked role. IAM records are global: awsRegion us-east-1."""
    actor = actor or sso_user("alice")
    if kind == "CreateServiceLinkedRole":
        request: dict[str, Any] = {"aWSServiceName": ECS}
    else:
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["ecs:RunTask", "ecs:StopTask"], "Resource": "*"},
                {
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": "*",
                    "Condition": {"StringLike": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
                },
            ],
        }
        request = {
            "roleName": role,
            "policyName": "run-ecs-tasks",
            "policyDocument": json.dumps(policy),
        }
    return _envelope(
        actor,
        when,
        kind,
        request,
        None,
        region="us-east-1",
        account=account,
        event_source="iam.amazonaws.com",
    )


# --- EventBridge --------------------------------------------------------------------------------

_STOPPED_REASONS = {
    "EssentialContainerExited": "Essential container in task exited",
    "UserInitiated": "Task stopped by user",
    "ServiceSchedulerInitiated": "Scaling activity initiated by (deployment {deployment})",
    "SpotInterruption": "Your Spot Task was interrupted.",
    "TaskFailedToStart": "CannotPullContainerError: pull image manifest has been retried 7 time(s)",
    "TerminationNotice": "Task stopped due to a termination notice",
}


def task_state_change(
    when: datetime,
    task_id: str,
    family: str = "nightly-report",
    revision: int = 3,
    cluster: str = CLUSTER,
    group: str | None = None,
    started_by: str | None = None,
    stop_code: str = "EssentialContainerExited",
    started_at: datetime | None = None,
    stopped_at: datetime | None = None,
    cpu: str = "512",
    memory: str = "1024",
    last_status: str = "STOPPED",
    region: str = REGION,
    account: str = ACCOUNT,
    exit_code: int | None = 0,
    reason: str | None = None,
) -> dict[str, Any]:
    """An EventBridge "ECS Task State Change" event (detail timestamps are ISO with ms)."""
    base, cluster_arn = _arns(region, account, cluster)
    task_arn = f"{base}:task/{cluster}/{task_id}"
    stopped = last_status == "STOPPED"
    stop_time = _utc(stopped_at) if stopped_at else _utc(when)
    start_time = _utc(started_at) if started_at else stop_time - timedelta(minutes=30)
    container = _container(base, cluster, task_id, family, account, region, last_status)
    if stopped and exit_code is not None and stop_code != "TaskFailedToStart":
        container["exitCode"] = exit_code
    detail: dict[str, Any] = {
        "attachments": [_eni("DELETED" if stopped else "ATTACHED")],
        "availabilityZone": f"{region}a",
        "clusterArn": cluster_arn,
        "connectivity": "CONNECTED",
        "connectivityAt": _iso_ms(start_time - timedelta(seconds=35)),
        "containers": [container],
        "cpu": cpu,
        "createdAt": _iso_ms(start_time - timedelta(seconds=41)),
        "desiredStatus": "STOPPED" if stopped else "RUNNING",
        "enableExecuteCommand": False,
        "ephemeralStorage": {"sizeInGiB": 20},
        "group": group or f"family:{family}",
        "launchType": "FARGATE",
        "lastStatus": last_status,
        "memory": memory,
        "overrides": {"containerOverrides": [{"name": family}]},
        "platformVersion": "1.4.0",
        "pullStartedAt": _iso_ms(start_time - timedelta(seconds=30)),
        "pullStoppedAt": _iso_ms(start_time - timedelta(seconds=8)),
        "startedAt": _iso_ms(start_time),
        "taskArn": task_arn,
        "taskDefinitionArn": f"{base}:task-definition/{family}:{revision}",
        "updatedAt": _iso_ms(stop_time if stopped else start_time),
        "version": 5 if stopped else 2,
    }
    if started_by is not None:
        detail["startedBy"] = started_by
    if stopped:
        default = _STOPPED_REASONS.get(stop_code, stop_code)
        message = reason or default.replace("{deployment}", started_by or "ecs-svc/0")
        detail.update(
            {
                "executionStoppedAt": _iso_ms(stop_time - timedelta(seconds=12)),
                "stoppingAt": _iso_ms(stop_time - timedelta(seconds=14)),
                "stoppedAt": _iso_ms(stop_time),
                "stoppedReason": message,
                "stopCode": stop_code,
            }
        )
    return {
        "version": "0",
        "id": _uuid(),
        "detail-type": "ECS Task State Change",
        "source": "aws.ecs",
        "account": account,
        "time": _iso(stop_time if stopped else start_time),
        "region": region,
        "resources": [task_arn],
        "detail": detail,
    }


# --- writers ------------------------------------------------------------------------------------


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _event_time(record: Record) -> datetime:
    return datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def write_trail(
    root: Path,
    records: Iterable[Record],
    account: str = ACCOUNT,
    region: str = REGION,
    per_file: int = 50,
    org_id: str | None = None,
    prefix: str = "",
) -> list[Path]:
    """Write records as a trail bucket under ``root``; return the paths written, digest last.

    One folder per eventTime day; per day, files of at most ``per_file`` records (in shuffled
    order), named for a delivery time five minutes after their newest record (kept within the
    day). One digest file, listing every log file, goes under CloudTrail-Digest/ and must be
    skipped by readers.
    """
    by_day: dict[str, list[Record]] = {}
    for record in records:
        by_day.setdefault(_event_time(record).strftime("%Y/%m/%d"), []).append(record)
    if not by_day:
        return []
    base = f"{prefix}AWSLogs/" + (f"{org_id}/" if org_id else "") + account
    written: list[Path] = []
    log_entries: list[dict[str, Any]] = []
    digest_day = ""
    for day in sorted(by_day):
        ordered = sorted(by_day[day], key=_event_time)
        for start in range(0, len(ordered), per_file):
            chunk = ordered[start : start + per_file]
            newest, oldest = _event_time(chunk[-1]), _event_time(chunk[0])
            end_of_day = newest.replace(hour=23, minute=59, second=0)
            delivered = min(newest + timedelta(minutes=5), end_of_day)
            shuffled = list(chunk)
            _rng().shuffle(shuffled)
            name = f"{account}_CloudTrail_{region}_{delivered:%Y%m%dT%H%MZ}_{_token(16)}.json.gz"
            key = f"{base}/CloudTrail/{region}/{day}/{name}"
            raw = _compact({"Records": shuffled}).encode()
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(gzip.compress(raw, mtime=0))
            written.append(path)
            log_entries.append(
                {
                    "s3Bucket": BUCKET,
                    "s3Object": key,
                    "hashValue": hashlib.sha256(raw).hexdigest(),
                    "hashAlgorithm": "SHA-256",
                    "newestEventTime": _iso(newest),
                    "oldestEventTime": _iso(oldest),
                }
            )
            digest_day, digest_end = day, delivered
    digest_end = digest_end.replace(second=31)
    digest_name = (
        f"{account}_CloudTrail-Digest_{region}_{TRAIL}_{region}_{digest_end:%Y%m%dT%H%M%SZ}.json.gz"
    )
    digest_key = f"{base}/CloudTrail-Digest/{region}/{digest_day}/{digest_name}"
    digest = {
        "awsAccountId": account,
        "digestStartTime": _iso(digest_end - timedelta(hours=1)),
        "digestEndTime": _iso(digest_end),
        "digestS3Bucket": BUCKET,
        "digestS3Object": digest_key,
        "digestPublicKeyFingerprint": _token(32, "0123456789abcdef"),
        "digestSignatureAlgorithm": "SHA256withRSA",
        "newestEventTime": max(e["newestEventTime"] for e in log_entries),
        "oldestEventTime": min(e["oldestEventTime"] for e in log_entries),
        "previousDigestS3Bucket": None,
        "previousDigestS3Object": None,
        "previousDigestHashValue": None,
        "previousDigestHashAlgorithm": None,
        "previousDigestSignature": None,
        "logFiles": log_entries,
    }
    digest_path = root / digest_key
    digest_path.parent.mkdir(parents=True, exist_ok=True)
    digest_path.write_bytes(gzip.compress(_compact(digest).encode(), mtime=0))
    written.append(digest_path)
    return written


def _username(identity: dict[str, Any]) -> str | None:
    kind = identity.get("type")
    if kind == "IAMUser":
        return identity.get("userName")
    if kind == "Root":
        return "root"
    if kind == "AssumedRole":
        return identity.get("arn", "").rsplit("/", 1)[-1]
    return None


_RESOURCE_TYPES = {
    "cluster": "AWS::ECS::Cluster",
    "taskDefinition": "AWS::ECS::TaskDefinition",
    "service": "AWS::ECS::Service",
    "task": "AWS::ECS::Task",
}


def lookup_events_output(records: Iterable[Record]) -> dict[str, Any]:
    """What ``aws cloudtrail lookup-events`` prints for these records (newest first)."""
    events = []
    for record in sorted(records, key=_event_time, reverse=True):
        identity = record.get("userIdentity", {})
        request = record.get("requestParameters") or {}
        event: dict[str, Any] = {
            "EventId": record["eventID"],
            "EventName": record["eventName"],
            "ReadOnly": "true" if record.get("readOnly") else "false",
        }
        if identity.get("accessKeyId"):
            event["AccessKeyId"] = identity["accessKeyId"]
        event["EventTime"] = _event_time(record).isoformat()
        event["EventSource"] = record["eventSource"]
        username = _username(identity)
        if username:
            event["Username"] = username
        event["Resources"] = [
            {"ResourceType": kind, "ResourceName": request[member]}
            for member, kind in _RESOURCE_TYPES.items()
            if isinstance(request.get(member), str)
        ]
        event["CloudTrailEvent"] = _compact(record)
        events.append(event)
    return {"Events": events}


def jsonl(records: Iterable[Record]) -> str:
    """Records as JSON lines: one compact object per line."""
    return "".join(_compact(record) + "\n" for record in records)
