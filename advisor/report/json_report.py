"""JSON for programs: an object with a ``findings`` list, plus ``errors``, ``notes`` and a
``summary`` (the audit's adds ``costs`` and its scope); a cost estimate as it is."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from advisor import __version__
from advisor.engine import Result
from advisor.report.audit_tables import summary


def json_default(value: object) -> object:
    if isinstance(value, Decimal):  # money is Decimal; JSON carries it unrounded
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render(result: Result) -> str:
    if result.estimate is not None:
        return json.dumps(result.estimate, indent=2, default=json_default) + "\n"
    if result.scope is not None:
        return _audit_document(result)
    by_severity = {"error": 0, "warning": 0, "info": 0}
    for f in result.findings:
        by_severity[f.severity] += 1
    totals: dict[str, Any] = {
        "files_checked": result.files_checked,
        "findings": len(result.findings),
        "by_severity": by_severity,
        "baselined": getattr(result, "baselined", 0),
        **(result.history or {}),  # history: what was read, and its window
    }
    document = {
        "tool": {"name": "ecs-advisor", "version": __version__},
        "findings": [f.to_dict() for f in result.findings],
        "errors": [e.to_dict() for e in result.errors],
        "notes": result.notes,
        **({"costs": result.costs} if result.costs else {}),
        "summary": totals,
    }
    return json.dumps(document, indent=2, default=json_default) + "\n"


def _audit_document(result: Result) -> str:
    """The audit's JSON: findings, each service's cost, the sources it could not read."""
    document = {
        "tool": {"name": "ecs-advisor", "version": __version__},
        "findings": [f.to_dict() for f in result.findings],
        "costs": result.costs,
        "errors": result.audit_errors,
        "summary": summary(result),
    }
    return json.dumps(document, indent=2, default=json_default) + "\n"
