"""Reports: one stack for every command. A format is one function, registered here, that gets
the whole result (findings, input errors, notes, unknowns, costs, the audit's scope, a cost
estimate) and returns the report as text.

Modules load only when their format is asked for, so ``lint`` pays for none it does not print.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

FORMATS: dict[str, str] = {
    "text": "advisor.report.text:render",
    "json": "advisor.report.json_report:render",
    "sarif": "advisor.report.ci_formats:sarif",
    "github": "advisor.report.ci_formats:github",
    "junit": "advisor.report.ci_formats:junit",
    "markdown": "advisor.report.ci_formats:markdown",
}


def render(result: Any, fmt: str, colour: bool = False) -> str:
    """The report in one format, as text."""
    module, _, function = FORMATS[fmt].partition(":")
    format_function = getattr(importlib.import_module(module), function)
    if fmt == "text":
        return format_function(result, colour)
    return format_function(result)


def emit(result: Any, reports: list[tuple[str, str | None]], colour: str = "auto") -> None:
    """Each (format, file) report: to standard output when there is no file, else written
    atomically. ``colour`` (``--color``) is for standard output only: a file never has any."""
    for fmt, path in reports:
        if path:
            from advisor.atomic import write_text

            write_text(path, render(result, fmt))
        else:
            from advisor.report.text import use_colour

            sys.stdout.write(render(result, fmt, colour=use_colour(sys.stdout, colour)))
