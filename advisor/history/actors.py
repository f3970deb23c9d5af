"""Who made a call: a person, automation, or AWS itself, and why we think so.

Only a person's stops count as "by hand". When the signs are unclear the caller is ``unknown``,
which never counts: a false accusation costs more trust than a missed finding. Users name their
own roles either way with ``automation-roles`` / ``human-roles`` (glob patterns).

The order of the checks is the verdict: the user's patterns, then what only automation is (a
GitHub OIDC role, a service acting for you), then what only a person is (root, Identity Center,
a console session), then AWS's own calls, then weaker signs (tools, names, runtimes, agents).

``Actor.caller`` is the identity behind the call, stable across its sessions (a role, a user, a
service and its role), so one schedule or one CodeBuild project is one caller; a person's caller
keeps the session, which names the person.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase

PERSON = "person"
AUTOMATION = "automation"
AWS = "aws"
UNKNOWN = "unknown"

# Hosts of the services that act for you (as invokedBy, or as the userAgent and sourceIPAddress
# of the records they make); Application Auto Scaling and AWS Batch are AWS itself.
_SERVICES = {
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
_SIGNIN = "signin.amazonaws.com"  # invokedBy of older console records: a person signed in
_GITHUB_OIDC = "token.actions.githubusercontent.com"
# Role names are chosen by teams, not people: a CI word anywhere in one is a sign.
_CI_ROLE = re.compile(
    r"github|gitlab|codebuild|codepipeline|jenkins|circleci|buildkite|bitbucket|teamcity|"
    r"terraform|spacelift|atlantis|(^|[-_])argo|deploy|pipeline|(^|[-_])ci([-_]|$)|cicd",
    re.IGNORECASE,
)
# Session and user names may be a person's (p.jenkins): only whole tokens count there.
_CI_TOKEN = re.compile(
    r"(github|gitlab|awscodebuild|codebuild|codepipeline|jenkins|circleci|buildkite|bitbucket|"
    r"teamcity|terraform|spacelift|atlantis|argo(cd)?|deploy(er|ment)?s?|pipelines?|ci|cicd)"
    r"(actions?|runners?|bot)?",
    re.IGNORECASE,
)
_TOKEN_SEPARATORS = re.compile(r"[-_.@/]")
_PERSON_SHAPED = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # an e-mail address
_INSTANCE_SESSION = re.compile(r"^i-[0-9a-f]{8,17}$")
_CONSOLE_AGENT = re.compile(r"console\.(aws\.)?amazonaws\.com|signin\.aws|Mozilla/", re.I)
# Tools that are never a person's hand, whoever's credentials they run with.
_TOOL_AGENT = re.compile(
    r"Terraform|terraform-provider|HashiCorp|Pulumi|aws-cdk|CloudFormation|"
    r"ansible|crossplane|aws-copilot",
    re.I,
)
# exec-env/ says where code runs, not who runs it: it is weighed only after the identity, and
# CloudShell is a person's shell.
_RUNTIME_AGENT = re.compile(r"exec-env/(?!CloudShell)([\w.-]+)", re.I)
_CLI_AGENT = re.compile(r"^aws-cli/", re.I)
_KINDS = {"IAMUser": "an IAM user", "FederatedUser": "a federated user"}


class Actor:
    __slots__ = ("arn", "caller", "kind", "label", "reason")

    def __init__(self, kind: str, label: str, reason: str, arn: str = "", caller: str = "") -> None:
        self.kind = kind
        self.label = label  # short, for messages: "alice (SSO AdministratorAccess)"
        self.reason = reason  # why this kind
        self.arn = arn
        self.caller = caller or arn or label  # the identity, stable across its sessions

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "label": self.label,
            "reason": self.reason,
            "arn": self.arn,
            "caller": self.caller,
        }


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


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _role_and_session(identity: dict) -> tuple[str, str, str]:
    """(role name, session name, role ARN) of an assumed-role identity."""
    arn = str(identity.get("arn") or "")
    issuer = _dict(_dict(identity.get("sessionContext")).get("sessionIssuer"))
    role, session = str(issuer.get("userName") or ""), ""
    if ":assumed-role/" in arn:
        prefix, _, rest = arn.partition(":assumed-role/")
        role, _, session = rest.partition("/")
        derived = prefix.replace(":sts:", ":iam:", 1) + f":role/{role}"  # the path is not known
        return role, session, str(issuer.get("arn") or derived)
    return role, session, str(issuer.get("arn") or "")


def _ci_name(name: str) -> bool:
    """A CI word as a whole token of a session or user name that is not a person's address."""
    if not name or _PERSON_SHAPED.match(name):
        return False
    return any(_CI_TOKEN.fullmatch(token) for token in _TOKEN_SEPARATORS.split(name))


def _github_oidc(identity: dict) -> bool:
    web = _dict(_dict(identity.get("sessionContext")).get("webIdFederationData"))
    provider = str(web.get("federatedProvider") or "")
    if identity.get("type") == "WebIdentityUser":
        provider += f" {identity.get('identityProvider') or ''} {identity.get('principalId') or ''}"
    return _GITHUB_OIDC in provider


def classify(record: dict, rules: ActorRules) -> Actor:
    identity = _dict(record.get("userIdentity"))
    kind = str(identity.get("type") or "")
    arn = str(identity.get("arn") or "")
    agent = str(record.get("userAgent") or "")
    source_ip = str(record.get("sourceIPAddress") or "")
    invoked_by = str(identity.get("invokedBy") or "")
    role, session, role_arn = _role_and_session(identity) if kind == "AssumedRole" else ("", "", "")
    user = str(identity.get("userName") or "")
    label, person_label = _labels(kind, role, session, user, arn, identity)

    def actor(what: str, reason: str, name: str = "", caller: str = "") -> Actor:
        if what == PERSON:  # a person's caller is the person: role and session, or the user
            return Actor(what, name or person_label, reason, arn, caller or arn or person_label)
        return Actor(what, name or label, reason, arn, caller or role_arn or arn or label)

    configured = rules.match([role, session, user, arn])
    if configured:
        return actor(configured, "named in your configuration")
    if _github_oidc(identity):
        return actor(AUTOMATION, "a GitHub Actions OIDC role", f"GitHub Actions ({role or user})")
    service = invoked_by or (agent if agent in _SERVICES else source_ip)
    if service in _SERVICES:
        what, name = _SERVICES[service]
        how = f"invoked by {service}" if invoked_by else f"made by {service}"
        caller = f"{service} {role_arn or arn}".strip()
        return actor(what, how, f"{name} ({role or service})", caller)
    if kind == "Root":
        return actor(PERSON, "the account's root user")
    if kind == "IdentityCenterUser":
        on_behalf = _dict(identity.get("onBehalfOf"))
        caller = f"{on_behalf.get('identityStoreArn') or ''}/{on_behalf.get('userId') or user}"
        return actor(PERSON, "an IAM Identity Center user", caller=caller)
    if str(record.get("sessionCredentialFromConsole", "")).lower() == "true":
        return actor(PERSON, "signed in to the AWS console")
    if invoked_by == _SIGNIN:
        return actor(PERSON, "signed in to the AWS console")
    if "AWS Internal" in (agent, invoked_by):
        return actor(AWS, "a call AWS made internally")
    if kind == "AWSService" or invoked_by:
        name = invoked_by or "an AWS service"
        return actor(AWS, "a call made by an AWS service", name, invoked_by or arn)
    if role.startswith("AWSServiceRoleFor") or ":role/aws-service-role/" in role_arn:
        return actor(AWS, "a service-linked role", role)
    tool = _TOOL_AGENT.search(agent)
    if tool:
        return actor(AUTOMATION, f"a tool ({tool.group(0)}) made the call")
    if role.startswith("AWSReservedSSO_"):
        return actor(PERSON, "an IAM Identity Center (SSO) user")
    if _CI_ROLE.search(role) or _ci_name(session) or _ci_name(user):
        return actor(AUTOMATION, "a CI or deployment identity")
    if _INSTANCE_SESSION.match(session):
        return actor(AUTOMATION, "an EC2 instance role")
    runtime = _RUNTIME_AGENT.search(agent)
    if runtime:
        return actor(AUTOMATION, f"code running in {runtime.group(1)} made the call")
    if kind in ("IAMUser", "FederatedUser"):
        if _CONSOLE_AGENT.search(agent):
            return actor(PERSON, f"{_KINDS[kind]} in the AWS console")
        if _CLI_AGENT.search(agent):
            return actor(PERSON, f"{_KINDS[kind]} with the AWS CLI")
        if kind == "IAMUser":
            return actor(AUTOMATION, "an IAM user calling from an SDK or tool")
    if kind == "AssumedRole" and _CONSOLE_AGENT.search(agent):
        return actor(PERSON, "an assumed role in the AWS console")
    if kind == "AssumedRole" and "@" in session:
        return actor(PERSON, "a role session named after a person")
    return Actor(
        UNKNOWN,
        label,
        "no sign of a person or of automation; name it in human-roles or automation-roles",
        arn,
        role_arn or arn or label,
    )


def _labels(
    kind: str, role: str, session: str, user: str, arn: str, identity: dict
) -> tuple[str, str]:
    """(label as automation, label as a person): a session names a person, not a machine."""
    if kind == "IAMUser":
        return f"IAM user {user}", f"IAM user {user}"
    if kind == "AssumedRole":
        if role.startswith("AWSReservedSSO_") and session:
            permission_set = role.removeprefix("AWSReservedSSO_").rsplit("_", 1)[0]
            return role, f"{session} (SSO {permission_set})"
        return role or session, f"{session} ({role})" if session else role
    if kind == "Root":
        return "root", "root"
    if kind == "FederatedUser":
        name = arn.partition(":federated-user/")[2]
        issuer = _dict(_dict(identity.get("sessionContext")).get("sessionIssuer"))
        if not name and issuer.get("userName"):
            name = f"{issuer['userName']}/{user}" if user else str(issuer["userName"])
        name = f"federated user {name or user or 'unknown'}"
        return name, name
    if kind == "IdentityCenterUser":
        on_behalf = _dict(identity.get("onBehalfOf"))
        name = f"Identity Center user {user or on_behalf.get('userId') or 'unknown'}"
        return name, name  # never the credentialId: it identifies a token
    name = str(identity.get("invokedBy") or kind or "unknown caller")
    return name, name
