"""CI formats for any run's findings: GitHub workflow commands, JUnit XML, Markdown, SARIF."""

from __future__ import annotations

import json
from typing import Any
from xml.sax import saxutils

from advisor.report.escape import markdown_cell, terminal, xml_text

_GITHUB_LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _github_escape(text: str, property_value: bool = False) -> str:
    """Workflow-command escaping: %, CR, LF always; ':' and ',' inside properties too; control
    characters shown (GitHub's log viewer would act on an escape sequence)."""
    text = terminal(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
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
            if error.column is not None:
                properties += f",col={error.column}"
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


def escape(text: str) -> str:
    return saxutils.escape(xml_text(text))


def quoteattr(text: str) -> str:
    return saxutils.quoteattr(xml_text(text))


def junit(result: Any) -> str:
    """One test case per file checked: a file without findings passes, a file with findings has
    a failing case per finding (so CI dashboards count both); what could not be read is an
    error case."""
    by_path: dict[str, list[Any]] = {}
    for f in result.findings:
        by_path.setdefault(f.location.path, []).append(f)
    cases = []
    for f in result.findings:
        loc = f.location
        name = f"{f.code} {f.name} at {loc.line}:{loc.column}"
        body = f"{loc.path}:{loc.line}:{loc.column}: {f.code} {f.severity}: {f.message}"
        cases.append(
            f"    <testcase classname={quoteattr(loc.path)} name={quoteattr(name)}>\n"
            f"      <failure message={quoteattr(f.message)} type={quoteattr(f.severity)}>"
            f"{escape(body)}</failure>\n    </testcase>"
        )
    clean = [path for path in dict.fromkeys(result.checked_paths) if path not in by_path]
    cases += [f'    <testcase classname={quoteattr(path)} name="no findings"/>' for path in clean]
    # Sources that do not name what they checked (history's records): one case for the rest.
    passed = result.files_checked - len(clean) - len(by_path) if not result.checked_paths else 0
    if passed > 0:
        cases.append(
            f'    <testcase classname="ecs-advisor" name="{passed} file(s) without findings"/>'
        )
    failures = [(e.path, e.message) for e in result.errors]
    failures += [(problem.partition(": ")[0], problem) for problem in unread(result)]
    errors = [
        f'    <testcase classname={quoteattr(path)} name="input">\n'
        f"      <error message={quoteattr(message)}/>\n    </testcase>"
        for path, message in failures
    ]
    total = len(cases) + len(errors)
    counts = f'tests="{total}" failures="{len(result.findings)}" errors="{len(errors)}"'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="ecs-advisor" {counts}>\n'
        f'  <testsuite name="ecs-advisor" {counts}>\n'
        + "\n".join(cases + errors)
        + "\n  </testsuite>\n</testsuites>\n"
    )


def _code_span(text: str) -> str:
    """Text for inside a Markdown code span: a backtick in it would end the span."""
    return text.replace("`", "'")


def markdown(result: Any) -> str:
    """A summary table for a pull-request comment or $GITHUB_STEP_SUMMARY."""
    if result.scope is not None:
        from advisor.report.audit_tables import tables

        return tables(result, "github")
    from advisor.report.text import cost_table, history_line, nothing_read

    counts = {"error": 0, "warning": 0, "info": 0}
    for f in result.findings:
        counts[f.severity] += 1
    lines = ["## ecs-advisor", ""]
    if result.history is not None:
        lines += [history_line(result.history), ""]
    if result.errors:
        lines.append(f"**{len(result.errors)} input(s) could not be checked** (exit code 2):")
        lines.append("")
        lines += [f"- :no_entry: `{_code_span(terminal(str(e)))}`" for e in result.errors]
        lines.append("")
    checked = f"{result.files_checked} file(s)"
    if not result.findings and nothing_read(result):
        lines.append("No history read: nothing to judge.")
    elif not result.findings and result.errors:  # a failed run never reads as a pass
        lines.append(f"Nothing found in the {checked} that could be read; the run failed.")
    elif not result.findings:
        lines.append(f"No problems found in {checked}.")
    else:
        lines.append(
            f"**{len(result.findings)} problem(s)**: {counts['error']} error(s), "
            f"{counts['warning']} warning(s), {counts['info']} info, in {checked} checked."
        )
        lines += ["", "| | Location | Rule | Message |", "| --- | --- | --- | --- |"]
        icons = {"error": ":x:", "warning": ":warning:", "info": ":information_source:"}
        for f in result.findings:
            path = _code_span(markdown_cell(f.location.path))
            lines.append(
                f"| {icons[f.severity]} {f.severity} | `{path}:{f.location.line}` "
                f"| {f.code} `{f.name}` | {markdown_cell(f.message)} |"
            )
    if result.costs:  # lint --cost: what each service costs, findings or not
        lines += ["", cost_table(result.costs, markdown=True).rstrip("\n")]
    return "\n".join(lines) + "\n"


def sarif(result: Any) -> str:
    from advisor.report.sarif import document

    failures = [str(e) for e in result.errors] + unread(result)
    properties = {"history": result.history} if result.history is not None else None
    return json.dumps(document(result.findings, failures, properties), indent=2) + "\n"
