"""Reports: turn a run's result into text for a person or data for a program."""

from __future__ import annotations

import io
from typing import Any


def render(result: Any, fmt: str) -> str:
    """The report in one format, as text."""
    stream = io.StringIO()
    if fmt == "json":
        from advisor.report import json_report

        json_report.render(result, stream)
    elif fmt == "text":
        from advisor.report import text

        text.render(result, stream)
    else:
        from advisor.report import ci_formats

        stream.write(getattr(ci_formats, fmt)(result))
    return stream.getvalue()
