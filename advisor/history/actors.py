"""Who made a call: a person, automation, or AWS itself, and why we think so.

Only a person's stops count as "by hand". When the signs are unclear the caller is ``unknown``,
which never counts: a false accusation costs more trust than a missed finding. Users name their
own roles either way with ``automation-roles`` / ``human-roles`` (glob patterns).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

PERSON = "person"
AUTOMATION = "automation"
AWS = "aws"
UNKNOWN = "unknown"

# invokedBy hosts of the services that act for you; Application Auto Scaling is AWS itself.
_INVOKED_BY = {
    "events.amazonaws.com": (AUTOMATION, "EventBridge"),
    "states.amazonaws.com": (AUTOMATION, "Step Functions"),
    "scheduler.amazonaws.com": (AUTOMATION, "EventBridge Scheduler"),
    "application-autoscaling.amazonaws.com": (AWS, "Application Auto Scaling"),
    "ecs.application-autoscaling.amazonaws.com": (AWS, "Application Auto Scaling"),
    "codepipeline.amazonaws.com": (AUTOMATION, "CodePipeline"),
    "codedeploy.amazonaws.com": (AUTOMATION, "CodeDeploy"),
    "cloudformation.amazonaws.com": (AUTOMATION, "CloudFormation"),
    "batch.amazonaws.com": (AWS, "AWS Batch"),
}
_CI_NAMES = re.compile(
    r"github|gitlab|codebuild|codepipeline|jenkins|circleci|buildkite|bitbucket|teamcity|"
    r"terraform|spacelift|atlantis|(^|[-_])argo|deploy|pipeline|(^|[-_])ci([-_]|$)|cicd",
    re.IGNORECASE,
)
_INSTANCE_SESSION = re.compile(r"^i-[0-9a-f]{8,17}$")
_CONSOLE_AGENT = re.compile(r"console\.(aws\.)?amazonaws\.com|signin\.aws|Mozilla/", re.I)
# Tools and places that are never a person's hand, whoever's credentials they run with.
_TOOL_AGENT = re.compile(
    r"exec-env/|Terraform|terraform-provider|HashiCorp|Pulumi|aws-cdk|CloudFormation|"
    r"ansible|crossplane|aws-copilot",
    re.I,
)
_CLI_AGENT = re.compile(r"^aws-cli/", re.I)


class Actor:
    __slots__ = ("arn", "kind", "label", "reason")

    def __init__(self, kind: str, label: str, reason: str, arn: str = "") -> None:
        self.kind = kind
        self.label = label  # short, for messages: "alice (SSO AdministratorAccess)"
        self.reason = reason  # why this kind
        self.arn = arn

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label, "reason": self.reason, "arn": self.arn}


class ActorRules:
    """The user's own role patterns, checked before any built-in sign."""

    def __init__(self, automation: list[str] | None = None, human: list[str] | None = None) -> None:
        self.automation = automation or []
        self.human = human or []

    def match(self, names: list[str]) -> str | None:
        for pattern in self.human:
            if any(fnmatchcase(n, pattern) for n in names if n):
                return PERSON
        for pattern in self.automation:
            if any(fnmatchcase(n, pattern) for n in names if n):
                return AUTOMATION
        return None


def _role_and_session(identity: dict) -> tuple[str, str]:
    """(role name, session name) of an assumed-role identity."""
    arn = identity.get("arn") or ""
    if ":assumed-role/" in arn:
        _, _, rest = arn.partition(":assumed-role/")
        role, _, session = rest.partition("/")
        return role, session
    issuer = ((identity.get("sessionContext") or {}).get("sessionIssuer") or {}).get("userName", "")
    return issuer, ""


def classify(record: dict, rules: ActorRules) -> Actor:
    identity = record.get("userIdentity")
    identity = identity if isinstance(identity, dict) else {}
    kind = identity.get("type", "")
    arn = identity.get("arn") or ""
    agent = str(record.get("userAgent") or "")
    role, session = _role_and_session(identity) if kind == "AssumedRole" else ("", "")
    user = identity.get("userName") or ""
    configured = rules.match([role, session, user, arn])
    label = _label(kind, role, session, user, identity)
    if configured:
        return Actor(configured, label, "named in your configuration", arn)
    invoked_by = identity.get("invokedBy") or ""
    if kind == "Root":
        return Actor(PERSON, "root", "the account's root user", arn)
    if agent == "AWS Internal":
        return Actor(AWS, label, "a call AWS made internally", arn)
    if invoked_by in _INVOKED_BY:
        what, name = _INVOKED_BY[invoked_by]
        return Actor(what, f"{name} ({role or invoked_by})", f"invoked by {invoked_by}", arn)
    if kind == "AWSService" or invoked_by:
        return Actor(AWS, invoked_by or "an AWS service", "a call made by an AWS service", arn)
    if role.startswith("AWSServiceRoleFor") or ":role/aws-service-role/" in arn:
        return Actor(AWS, role, "a service-linked role", arn)
    tool = _TOOL_AGENT.search(agent)
    if tool:
        what = tool.group(0).rstrip("/")
        return Actor(AUTOMATION, label, f"a tool or AWS-hosted runtime ({what}) made the call", arn)
    if role.startswith("AWSReservedSSO_"):
        permission_set = role.removeprefix("AWSReservedSSO_").rsplit("_", 1)[0]
        return Actor(
            PERSON, f"{session} (SSO {permission_set})", "an IAM Identity Center (SSO) user", arn
        )
    if str(record.get("sessionCredentialFromConsole", "")).lower() == "true":
        return Actor(PERSON, label, "signed in to the AWS console", arn)
    if _CI_NAMES.search(role) or _CI_NAMES.search(session) or _CI_NAMES.search(user):
        return Actor(AUTOMATION, label, "a CI or deployment identity", arn)
    if _INSTANCE_SESSION.match(session):
        return Actor(AUTOMATION, label, "an EC2 instance role", arn)
    if kind == "IAMUser":
        if _CONSOLE_AGENT.search(agent):
            return Actor(PERSON, label, "an IAM user in the AWS console", arn)
        if _CLI_AGENT.search(agent):
            return Actor(PERSON, label, "an IAM user with the AWS CLI", arn)
        return Actor(AUTOMATION, label, "an IAM user calling from an SDK or tool", arn)
    if kind == "AssumedRole" and _CONSOLE_AGENT.search(agent):
        return Actor(PERSON, label, "an assumed role in the AWS console", arn)
    if kind == "AssumedRole" and "@" in session:
        return Actor(PERSON, label, "a role session named after a person", arn)
    return Actor(
        UNKNOWN,
        label,
        "no sign of a person or of automation; name it in human-roles or automation-roles",
        arn,
    )


def _label(kind: str, role: str, session: str, user: str, identity: dict) -> str:
    if kind == "IAMUser":
        return f"IAM user {user}"
    if kind == "AssumedRole":
        return f"{session} ({role})" if session else role
    if kind == "Root":
        return "root"
    return identity.get("invokedBy") or kind or "unknown caller"
