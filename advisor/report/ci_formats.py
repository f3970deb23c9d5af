"""CI formats for any run's findings: GitHub workflow commands, JUnit XML, Markdown, SARIF."""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _github_escape(text: str, property_value: bool = False) -> str:
    """Workflow-command escaping: %, CR, LF always; ':' and ',' inside properties too."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github(result: Any) -> str:
    """``::error file=PATH,line=L,col=C,title=CODE name::message``, one a finding."""
    lines = []
    for f in result.findings:
        loc = f.location
        properties = ",".join(
            [
                f"file={_github_escape(loc.path, True)}",
                f"line={loc.line}",
                f"col={loc.column}",
                f"title={_github_escape(f'{f.code} {f.name}', True)}",
            ]
        )
        lines.append(f"::{_GITHUB_LEVELS[f.severity]} {properties}::{_github_escape(f.message)}")
    for error in result.errors:  # what could not be read fails the check visibly, too
        properties = f"file={_github_escape(error.path, True)}"
        if error.line is not None:
            properties += f",line={error.line}"
        properties += ",title=ecs-advisor input error"
        lines.append(f"::error {properties}::{_github_escape(error.message)}")
    for problem in unread(result):
        lines.append(f"::error title=ecs-advisor could not read::{_github_escape(problem)}")
    return "".join(line + "\n" for line in lines)


def unread(result: Any) -> list[str]:
    """The audit's sources that could not be read, one line each."""
    return [
        " ".join(v for v in (e.get("account"), e.get("region"), e["source"]) if v)
        + f": {e['message']}"
        for e in result.audit_errors
    ]


def junit(result: Any) -> str:
    """One test case per rule per file: a failure lists that rule's findings in that file."""
    by_case: dict[tuple[str, str], list[Any]] = {}
    for f in result.findings:
        by_case.setdefault((f.location.path, f"{f.code} {f.name}"), []).append(f)
    checked = sorted({f.location.path for f in result.findings})
    cases = []
    for (path, rule), findings in sorted(by_case.items()):
        body = "\n".join(
            f"{f.location.path}:{f.location.line}:{f.location.column}: {f.message}"
            for f in findings
        )
        message = f"{len(findings)} finding(s)"
        cases.append(
            f"    <testcase classname={quoteattr(path)} name={quoteattr(rule)}>\n"
            f"      <failure message={quoteattr(message)} type={quoteattr(findings[0].severity)}>"
            f"{escape(body)}</failure>\n    </testcase>"
        )
    passed = max(result.files_checked - len(checked), 0)
    if passed:
        cases.append(
            f'    <testcase classname="ecs-advisor" name="{passed} file(s) without findings"/>'
        )
    errors = [
        f'    <testcase classname={quoteattr(e.path)} name="input">\n'
        f"      <error message={quoteattr(e.message)}/>\n    </testcase>"
        for e in getattr(result, "errors", [])
    ]
    total = len(cases) + len(errors)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="ecs-advisor" tests="{total}" failures="{len(by_case)}" errors="{len(errors)}">\n'
        f'  <testsuite name="ecs-advisor" tests="{total}" failures="{len(by_case)}" errors="{len(errors)}">\n'
        + "\n".join(cases + errors)
        + "\n  </testsuite>\n</testsuites>\n"
    )


def markdown(result: Any) -> str:
    """A summary table for a pull-request comment or $GITHUB_STEP_SUMMARY."""
    if result.scope is not None:
        from advisor.report.audit_tables import tables

        return tables(result, "github")
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in result.findings:
        counts[f.severity] += 1
    lines = ["## ecs-advisor", ""]
    if result.history is not None:
        from advisor.report.text import history_line

        lines += [history_line(result.history), ""]
    if result.errors:
        lines.append(f"**{len(result.errors)} input(s) could not be checked** (exit code 2):")
        lines.append("")
        lines += [f"- :no_entry: `{e}`" for e in result.errors]
        lines.append("")
    from advisor.report.text import nothing_read

    if not result.findings and nothing_read(result):
        lines.append("No history read: nothing to judge.")
        return "\n".join(lines) + "\n"
    if not result.findings:
        checked = f"{result.files_checked} file(s)"
        if result.errors:
            lines.append(f"No problems found in the {checked} that could be read.")
        else:
            lines.append(f"No problems found in {checked}.")
        return "\n".join(lines) + "\n"
    lines.append(
        f"**{len(result.findings)} problem(s)**: {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['info']} info, in {result.files_checked} file(s) checked."
    )
    lines += ["", "| | Location | Rule | Message |", "| --- | --- | --- | --- |"]
    icons = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}
    for f in result.findings:
        message = f.message.replace("|", "\\|")
        lines.append(
            f"| {icons[f.severity]} | `{f.location.path}:{f.location.line}` | {f.code} `{f.name}` | {message} |"
        )
    return "\n".join(lines) + "\n"


def sarif(result: Any) -> str:
    from advisor.report.sarif import document

    failures = [str(e) for e in result.errors] + unread(result)
    properties = {"history": result.history} if result.history is not None else None
    return json.dumps(document(result.findings, failures, properties), indent=2) + "\n"
