"""An object with a ``findings`` list, plus ``errors``, ``notes`` and a ``summary``."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TextIO

from advisor import __version__
from advisor.engine import LintResult


def json_default(value: object) -> object:
    if isinstance(value, Decimal):  # money is Decimal; JSON carries it unrounded
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render(result: LintResult, stream: TextIO) -> None:
    by_severity = {"error": 0, "warning": 0, "info": 0}
    for f in result.findings:
        by_severity[f.severity] += 1
    document = {
        "tool": {"name": "ecs-advisor", "version": __version__},
        "findings": [f.to_dict() for f in result.findings],
        "errors": [e.to_dict() for e in result.errors],
        "notes": result.notes,
        **({"costs": result.costs} if result.costs else {}),
        "summary": {
            "files_checked": result.files_checked,
            "findings": len(result.findings),
            "by_severity": by_severity,
            "baselined": getattr(result, "baselined", 0),
        },
    }
    json.dump(document, stream, indent=2, default=json_default)
    stream.write("\n")
