"""Who made a call, on identity shapes copied from public CloudTrail records (tests/data/SOURCES).

The vendored records were made for other services; each test puts their caller fields
(userIdentity, userAgent, sourceIPAddress, sessionCredentialFromConsole) on an ECS call.
"""

from __future__ import annotations

import copy
import json
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import cloudtrail_factory as ct
import pytest
from conftest import DATA

from advisor.history.actors import AUTOMATION, AWS, PERSON, UNKNOWN, ActorRules, classify

START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
CALLER_FIELDS = ("userIdentity", "userAgent", "sourceIPAddress", "sessionCredentialFromConsole")
CLOUDSHELL_AGENT = json.loads((DATA / "cloudtrail/panther/iam-user-cloudshell.json").read_text())[
    "userAgent"
]
# The IdentityCenterUser example of the CloudTrail User Guide's userIdentity page, field for
# field (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html).
IDENTITY_CENTER_USER = {
    "type": "IdentityCenterUser",
    "accountId": "123456789012",
    "onBehalfOf": {
        "userId": "544894e8-80c1-707f-60e3-3ba6510dfac1",
        "identityStoreArn": "arn:aws:identitystore::123456789012:identitystore/d-9067642ac7",
    },
    "credentialId": "EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE",
}


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    ct.reset()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def vendored(name: str) -> dict[str, Any]:
    """The caller fields of a vendored record."""
    record = json.loads((DATA / "cloudtrail" / f"{name}.json").read_text())
    return {k: record[k] for k in CALLER_FIELDS if k in record}


def on_ecs(caller: dict[str, Any], when: datetime = START, **kwargs: Any) -> dict[str, Any]:
    """A RunTask record made by ``caller`` (its fields as they are, nothing added)."""
    record = ct.run_task(ct.sso_user(), when, **kwargs)
    for field in CALLER_FIELDS:
        record.pop(field, None)
    record.update(copy.deepcopy(caller))
    return record


def role_session(role: str, session: str, **fields: Any) -> dict[str, Any]:
    """The CloudTrail User Guide's AssumedRole example, with the role and session renamed."""
    caller = vendored("aws-docs/assumed-role")
    identity = caller["userIdentity"]
    identity["arn"] = f"arn:aws:sts::123456789012:assumed-role/{role}/{session}"
    identity["principalId"] = f"AROAIDPPEZS35WEXAMPLE:{session}"
    issuer = identity["sessionContext"]["sessionIssuer"]
    issuer["arn"], issuer["userName"] = f"arn:aws:iam::123456789012:role/{role}", role
    caller.update(fields)
    return caller


def github_oidc(role: str, session: str) -> dict[str, Any]:
    """A GitHub Actions OIDC session: webIdFederationData as the userIdentity page describes it."""
    caller = role_session(role, session, userAgent=ct.JS_SDK_AGENT, sourceIPAddress="20.57.79.84")
    caller["userIdentity"]["sessionContext"]["webIdFederationData"] = {
        "federatedProvider": (
            "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
        ),
        "attributes": {},
    }
    return caller


def by_service(host: str, role: str, session: str) -> dict[str, Any]:
    """A service acting with a role, recorded without invokedBy: its host as agent and address."""
    return role_session(role, session, userAgent=host, sourceIPAddress=host)


def verdict(caller: dict[str, Any], rules: ActorRules | None = None) -> tuple[str, str]:
    found = classify(on_ecs(caller), rules or ActorRules())
    assert found.reason and found.caller
    return found.kind, found.label


# --- who did it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "label"),
    [
        ("panther/console-aws-internal", PERSON, "test_user (DevAdministrator)"),
        ("panther/aws-internal", AWS, "example-role"),
        ("panther/aws-internal-invoked", AWS, "funky-role-doing-dryrun"),
        ("panther/iam-user-signin", PERSON, "IAM user tester"),
        ("panther/root-signin", PERSON, "root"),
        ("panther/iam-user-cloudshell", PERSON, "IAM user Nikki"),
        ("panther/federated-user", PERSON, "federated user federated-user"),
        ("aws-docs/web-identity-user", AUTOMATION, None),
    ],
)
def test_vendored_shapes(name, kind, label):
    found_kind, found_label = verdict(vendored(name))
    assert found_kind == kind
    if label:
        assert found_label == label


def test_an_identity_center_user_is_a_person_named_without_the_credential():
    found = classify(on_ecs({"userIdentity": IDENTITY_CENTER_USER}), ActorRules())
    assert found.kind == PERSON
    assert found.label == "Identity Center user 544894e8-80c1-707f-60e3-3ba6510dfac1"
    assert IDENTITY_CENTER_USER["credentialId"] not in json.dumps(found.to_dict())


def test_cloudshell_runs_as_whoever_signed_in():
    sso = "AWSReservedSSO_AdministratorAccess_0123456789abcdef"
    assert verdict(role_session(sso, "alice", userAgent=CLOUDSHELL_AGENT)) == (
        PERSON,
        "alice (SSO AdministratorAccess)",
    )
    instance = role_session("batch-host", "i-0abc1234def567890", userAgent=CLOUDSHELL_AGENT)
    assert verdict(instance)[0] == AUTOMATION


@pytest.mark.parametrize(
    ("role", "session", "kind"),
    [
        ("platform-admin", "p.jenkins@example.com", PERSON),
        ("platform-admin", "GitHubActions", AUTOMATION),
        ("platform-admin", "deploy-1234", AUTOMATION),
        ("github-deploy-role", "alice", AUTOMATION),
        ("platform-admin", "jenkinsonville", UNKNOWN),  # a word inside a name is no sign
    ],
)
def test_ci_words_are_whole_tokens_of_a_session(role, session, kind):
    assert verdict(role_session(role, session, userAgent=ct.CLI_AGENT))[0] == kind


def test_a_github_oidc_role_is_automation_whatever_its_name():
    kind, label = verdict(github_oidc("platform-admin", "alice@example.com"))
    assert (kind, label) == (AUTOMATION, "GitHub Actions (platform-admin)")


@pytest.mark.parametrize(
    ("host", "label"),
    [
        ("scheduler.amazonaws.com", "EventBridge Scheduler (nightly-role)"),
        ("states.amazonaws.com", "Step Functions (nightly-role)"),
        ("events.amazonaws.com", "EventBridge (nightly-role)"),
    ],
)
def test_services_without_invoked_by_are_automation(host, label):
    assert verdict(by_service(host, "nightly-role", "0123456789abcdef")) == (AUTOMATION, label)


def test_configured_roles_still_win():
    assert verdict(github_oidc("break-glass", "x"), ActorRules(human=["break-*"]))[0] == PERSON
    console = vendored("panther/console-aws-internal")
    assert verdict(console, ActorRules(automation=["DevAdmin*"]))[0] == AUTOMATION


# --- quiet where nobody stopped anything by hand --------------------------------------------


def history(cli, tmp_path, records):
    path = tmp_path / "trail.jsonl"
    path.write_text(ct.jsonl(records))
    code, out, _ = cli("history", "--format", "json", str(path))
    return code, json.loads(out, parse_float=Decimal)


def created():
    return ct.create_service(ct.github_actions(), START - 10 * timedelta(days=1), "report")


def test_auto_scaling_scheduler_and_step_functions_stay_quiet(cli, tmp_path):
    day = timedelta(days=1)
    records = [created()]
    for n in range(5):  # Application Auto Scaling flapping the service between 1 and 0
        for desired, hour in ((0, 1), (1, 2)):
            records.append(
                ct.update_service(
                    ct.application_autoscaling(),
                    START + n * day + timedelta(hours=hour),
                    "report",
                    desired_count=desired,
                    previous_desired=1 - desired,
                )
            )
    for n, host in enumerate(["scheduler.amazonaws.com", "states.amazonaws.com"] * 3):
        caller = by_service(host, "ops-role", f"{n:032x}")
        stop = ct.stop_task(ct.sso_user(), START + n * day, ct.task_id(), service="report")
        stop.update(caller)
        records.append(stop)
    _, report = history(cli, tmp_path, records)
    assert report["findings"] == []


# --- one caller, one finding --------------------------------------------------------------


def with_session(actor: dict[str, Any], session: str) -> dict[str, Any]:
    actor = copy.deepcopy(actor)
    identity = actor["userIdentity"]
    identity["arn"] = identity["arn"].rsplit("/", 1)[0] + f"/{session}"
    identity["principalId"] = identity["principalId"].split(":", 1)[0] + f":{session}"
    return actor


def test_one_schedule_is_one_finding_whatever_its_sessions(cli, tmp_path):
    schedule = ct.scheduler()
    records = [
        ct.run_task(with_session(schedule, f"{n:032x}"), START + n * timedelta(hours=1))
        for n in range(21)
    ]
    _, report = history(cli, tmp_path, records)
    [finding] = report["findings"]
    assert finding["name"] == "run-task-without-managed-tags"
    assert finding["evidence"]["count"] == 21
    caller = finding["evidence"]["caller"]
    assert caller["label"] == "EventBridge Scheduler (Amazon_EventBridge_Scheduler_ECS)"
    assert caller["caller"].endswith(":role/Amazon_EventBridge_Scheduler_ECS")


def test_one_codebuild_project_is_one_finding(cli, tmp_path):
    project = ct.codebuild()
    records = [
        ct.run_task(
            with_session(project, f"AWSCodeBuild-{uuid.UUID(int=n + 1, version=4)}"),
            START + n * timedelta(hours=3),
        )
        for n in range(4)
    ]
    _, report = history(cli, tmp_path, records)
    [finding] = report["findings"]
    assert finding["evidence"]["count"] == 4
    assert finding["evidence"]["caller"]["label"] == "codebuild-deploy-role"


def test_people_keep_a_finding_each(cli, tmp_path):
    records = [ct.run_task(ct.sso_user(name), START) for name in ("alice", "bob")]
    _, report = history(cli, tmp_path, records)
    assert sorted(f["evidence"]["caller"]["label"] for f in report["findings"]) == [
        "alice (SSO AdministratorAccess)",
        "bob (SSO AdministratorAccess)",
    ]
