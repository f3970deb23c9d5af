"""The rule catalogue: every rule ecs-advisor knows, in code order."""

from __future__ import annotations

from advisor.model import Kind
from advisor.rules.base import Hit, Rule, RuleOptions
from advisor.rules.code import ServiceScaledToZeroInCode, StopTaskAfterRunTask
from advisor.rules.containers import MutableImageTag, SecretInEnvironment
from advisor.rules.fargate import (
    AwsvpcHostPortMismatch,
    FargateRequiresAwsvpc,
    InvalidFargateSize,
    MissingExecutionRole,
    NoEssentialContainer,
)
from advisor.rules.history import (
    JobStoppedByHand,
    RunTaskWithoutManagedTags,
    ServiceStoppedManually,
)
from advisor.rules.logging import (
    AwslogsIncompleteOptions,
    AwslogsMissingStreamPrefix,
    MissingLogConfiguration,
)
from advisor.rules.registration import (
    ContainerResourcesExceedTask,
    DuplicateContainerName,
    FargateUnsupportedParameter,
    TaskDefinitionTooLarge,
    UnknownContainerReference,
    UnknownVolumeReference,
)
from advisor.rules.schema import (
    DuplicateKey,
    InvalidFieldValue,
    MissingRequiredField,
    OutputOnlyField,
    UnknownField,
)
from advisor.rules.secrets import SecretInCommand
from advisor.rules.security import (
    ContainerInsightsDisabled,
    EfsTransitEncryptionDisabled,
    FargatePlatformVersionNotLatest,
    HostNetworkMode,
    HostPidNamespace,
    PrivilegedContainer,
    RootUser,
    ServicePublicIp,
    TaskRoleSameAsExecutionRole,
    WindowsAdminUser,
    WritableRootFilesystem,
)
from advisor.rules.services import (
    LaunchTypeWithCapacityProvider,
    ServiceTagsNotPropagated,
    ServiceWithoutManagedTags,
)
from advisor.rules.tagging import ResourceWithoutTags

ALL_RULES: list[Rule] = sorted(
    (
        rule()
        for rule in (
            UnknownField,
            InvalidFieldValue,
            MissingRequiredField,
            OutputOnlyField,
            DuplicateKey,
            MissingLogConfiguration,
            AwslogsMissingStreamPrefix,
            AwslogsIncompleteOptions,
            InvalidFargateSize,
            FargateRequiresAwsvpc,
            AwsvpcHostPortMismatch,
            MissingExecutionRole,
            NoEssentialContainer,
            DuplicateContainerName,
            UnknownContainerReference,
            UnknownVolumeReference,
            ContainerResourcesExceedTask,
            FargateUnsupportedParameter,
            TaskDefinitionTooLarge,
            MutableImageTag,
            SecretInEnvironment,
            SecretInCommand,
            ServiceWithoutManagedTags,
            ServiceTagsNotPropagated,
            LaunchTypeWithCapacityProvider,
            ServiceStoppedManually,
            JobStoppedByHand,
            RunTaskWithoutManagedTags,
            StopTaskAfterRunTask,
            ServiceScaledToZeroInCode,
            PrivilegedContainer,
            RootUser,
            WindowsAdminUser,
            WritableRootFilesystem,
            HostPidNamespace,
            HostNetworkMode,
            ServicePublicIp,
            EfsTransitEncryptionDisabled,
            ContainerInsightsDisabled,
            FargatePlatformVersionNotLatest,
            TaskRoleSameAsExecutionRole,
            ResourceWithoutTags,
        )
    ),
    key=lambda rule: rule.code,
)


# The one place that says which rules judge which kind of resource.
RULES_BY_KIND: dict[Kind, list[Rule]] = {
    kind: [rule for rule in ALL_RULES if kind in rule.applies_to] for kind in Kind
}


def matches(rule: Rule, selector: str) -> bool:
    """A selector is a rule's name, its code, a code prefix such as ECS2, or ALL."""
    wanted = selector.strip()
    if wanted.upper() == "ALL":
        return True
    if rule.name == wanted.lower():
        return True
    return wanted.upper().startswith("ECS") and rule.code.startswith(wanted.upper())


def check_selectors(selectors: list[str], where: str) -> None:
    """Raise ValueError for a selector that matches no rule, or an empty selection."""
    if not selectors:
        raise ValueError(f"{where} names no rule (an empty selection would turn every rule off)")
    for selector in selectors:
        if not any(matches(rule, selector) for rule in ALL_RULES):
            raise ValueError(f"{where}: unknown rule selector {selector!r}{did_you_mean(selector)}")


def did_you_mean(word: str) -> str:
    """The end of an 'unknown rule' message: the closest code or name, else where to look."""
    from advisor.suggest import suggest

    guess = suggest(word.strip(), [rule.code for rule in ALL_RULES]) or suggest(
        word.strip().replace("_", "-"), [rule.name for rule in ALL_RULES]
    )
    return f"; did you mean {guess!r}?" if guess else ": see 'ecs-advisor rules'"


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by its code (case-insensitive) or its name."""
    wanted = code_or_name.strip()
    for rule in ALL_RULES:
        if rule.code.lower() == wanted.lower() or rule.name == wanted.lower():
            return rule
    return None


__all__ = [
    "ALL_RULES",
    "RULES_BY_KIND",
    "Hit",
    "Rule",
    "RuleOptions",
    "check_selectors",
    "did_you_mean",
    "find_rule",
    "matches",
]
