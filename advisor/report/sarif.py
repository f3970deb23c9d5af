"""SARIF 2.1.0, as GitHub code scanning reads it: the rules, and one result per finding."""

from __future__ import annotations

from typing import Any

from advisor import __version__
from advisor.rules import ALL_RULES

LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def document(
    findings: list[Any],
    failures: list[str] | None = None,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The SARIF log; ``failures`` (inputs or sources that could not be read) become tool
    execution notifications of an invocation that did not succeed, so code scanning never
    takes an unread input for a clean one. ``properties`` go on the run (history: what it
    read)."""
    rules = [_rule(rule) for rule in ALL_RULES]
    results = [
        {
            "ruleId": f.code,
            "level": LEVELS[f.severity],  # the finding's own, which the setting may raise
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.location.path},
                        "region": {
                            "startLine": max(f.location.line, 1),
                            "startColumn": max(f.location.column, 1),
                        },
                    }
                }
            ],
            "partialFingerprints": {"ecsAdvisor/v1": f.fingerprint},
        }
        for f in findings
    ]
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "ecs-advisor", "version": __version__, "rules": rules}},
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not failures,
                "toolExecutionNotifications": [
                    {"level": "error", "message": {"text": text}} for text in failures or []
                ],
            }
        ],
    }
    if properties:
        run["properties"] = properties
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }


def _rule(rule: Any) -> dict[str, Any]:
    """A rule's description; its default level, and where findings differ from it, the note
    (each result carries its finding's own level)."""
    description = rule.rationale
    if rule.severity_note:
        description += f" Severity: {rule.severity_note}."
    entry: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": description},
        "help": {"text": rule.fix},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }
    if rule.severity_note:
        entry["properties"] = {"severityNote": rule.severity_note}
    return entry
