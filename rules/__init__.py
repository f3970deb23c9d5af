"""The rule catalogue: every rule ecs-advisor knows, in code order."""

from __future__ import annotations

from rules.base import Hit, Rule
from rules.containers import MutableImageTag, SecretInEnvironment
from rules.fargate import (
    AwsvpcHostPortMismatch,
    FargateRequiresAwsvpc,
    InvalidFargateSize,
    MissingExecutionRole,
    NoEssentialContainer,
)
from rules.logging import (
    AwslogsIncompleteOptions,
    AwslogsMissingStreamPrefix,
    MissingLogConfiguration,
)
from rules.schema import (
    DuplicateKey,
    InvalidFieldValue,
    MissingRequiredField,
    OutputOnlyField,
    UnknownField,
)
from rules.services import ServiceTagsNotPropagated, ServiceWithoutManagedTags

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
            MutableImageTag,
            SecretInEnvironment,
            ServiceWithoutManagedTags,
            ServiceTagsNotPropagated,
        )
    ),
    key=lambda rule: rule.code,
)


def find_rule(code_or_name: str) -> Rule | None:
    """A rule by its code (case-insensitive) or its name."""
    wanted = code_or_name.strip()
    for rule in ALL_RULES:
        if rule.code.lower() == wanted.lower() or rule.name == wanted.lower():
            return rule
    return None


__all__ = ["ALL_RULES", "Hit", "Rule", "find_rule"]
