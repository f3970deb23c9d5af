"""Rule documentation for people: ``ecs-advisor rules``, ``explain`` and the README's table."""

from __future__ import annotations

import json
import textwrap

from advisor.rules import ALL_RULES, Rule

KIND_NAMES = {
    "task-definition": "task definitions",
    "service": "services",
    "cluster": "clusters",
    "run-task": "RunTask requests",
}


def render_catalogue(fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"rules": [r.documentation() for r in ALL_RULES]}, indent=2) + "\n"
    if fmt == "markdown":
        return markdown_table()
    from tabulate import tabulate

    # A rule whose findings may take another severity is marked, and its note follows.
    rows = [
        (r.code, r.name, r.severity + ("*" if r.severity_note else ""), r.summary)
        for r in ALL_RULES
    ]
    table = tabulate(
        rows, headers=("code", "name", "severity", "summary"), maxcolwidths=[None, None, None, 60]
    )
    notes = "".join(f"* {r.code}: {r.severity_note}\n" for r in ALL_RULES if r.severity_note)
    return (
        f"{table}\n\n{notes}{chr(10) if notes else ''}"
        "Run 'ecs-advisor explain CODE' for a rule's full documentation.\n"
    )


def markdown_table() -> str:
    """The README's rule table (generated; tests/test_readme.py keeps the README in step)."""
    lines = [
        "| Code | Name | Severity | Summary | Covers |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in ALL_RULES:
        summary = r.summary.replace("|", "\\|")
        covers = ", ".join(r.references)
        severity = f"{r.severity} ({r.severity_note})" if r.severity_note else r.severity
        lines.append(f"| {r.code} | `{r.name}` | {severity} | {summary} | {covers} |")
    return "\n".join(lines) + "\n"


def _paragraph(text: str) -> str:
    return textwrap.fill(text, width=88, initial_indent="  ", subsequent_indent="  ")


def _block(text: str) -> str:
    return textwrap.indent(text.strip("\n"), "    ")


def render_explanation(rule: Rule) -> str:
    kinds = ", ".join(KIND_NAMES.get(k, k) for k in rule.applies_to)
    sections = [
        f"{rule.code} {rule.name} ({rule.severity}{' by default' if rule.severity_note else ''}; "
        f"applies to {kinds})",
        *([f"Severity: {rule.severity_note}."] if rule.severity_note else []),
        "",
        "What it does",
        _paragraph(rule.summary),
        "",
        "Why is this bad?",
        _paragraph(rule.rationale),
        "",
        "Example",
        _block(rule.example),
        "",
        "Use instead",
        _block(rule.fixed),
        "",
        "What to do",
        _paragraph(rule.fix),
        "",
        "Fix safety",
        _paragraph(rule.fix_safety),
    ]
    if rule.references:
        sections += ["", "Covers", _paragraph(", ".join(rule.references))]
    return "\n".join(sections) + "\n"
