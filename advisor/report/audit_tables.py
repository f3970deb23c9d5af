"""The audit's sections, for the formats to print: a scope line, findings and cost tables
(plain or GitHub Markdown), what could not be read, and the summary the JSON format carries."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any


def summary(result: Any) -> dict[str, Any]:
    by_severity = {"error": 0, "warning": 0, "info": 0}
    for finding in result.findings:
        by_severity[finding.severity] += 1
    priced = [c["monthly_usd"] for c in result.costs if c.get("monthly_usd") is not None]
    return {
        "accounts": sorted(result.scope["accounts"]),
        "regions": sorted(result.scope["regions"]),
        "services": result.scope["services"],
        "task_definitions": result.scope["task_definitions"],
        "findings": len(result.findings),
        "by_severity": by_severity,
        "unknown": result.unknown,
        # None when no service could be priced: a sum over nothing is not $0.
        "monthly_usd": sum(priced, Decimal(0)) if priced else None,
    }


def _rows(result: Any) -> list[tuple]:
    return [
        (f.severity, f.code, f.name, f.account or "", f.region or "", f.resource, f.message)
        for f in sorted(
            result.findings,
            key=lambda f: ({"error": 0, "warning": 1, "info": 2}[f.severity], f.code),
        )
    ]


def _cost_rows(result: Any) -> list[tuple]:
    """Each service's monthly cost, and what it would cost as a job where history says so (the
    alternative of the finding on the same account, region and service)."""
    from advisor.cost.estimate import cents

    alternatives = {
        (f.account, f.region, f.resource): f.cost["alternative_monthly_usd"]
        for f in result.findings
        if f.cost and f.cost.get("alternative_monthly_usd") is not None
    }
    rows = []
    for cost in result.costs:
        key = (cost.get("account"), cost.get("region"), cost["resource"])
        monthly = (
            cents(cost["monthly_usd"]) if cost.get("monthly_usd") is not None else "not priced"
        )
        alternative = cents(alternatives[key]) if key in alternatives else ""
        notes = "; ".join(cost.get("notes", []))
        rows.append((key[0] or "", key[1] or "", key[2], monthly, alternative, notes))
    return rows


def tables(result: Any, tablefmt: str) -> str:
    from tabulate import tabulate

    scope = summary(result)
    out = io.StringIO()
    heading = "## " if tablefmt == "github" else ""
    out.write(
        f"{heading}ECS audit: {len(scope['accounts'])} account(s), {', '.join(scope['regions'])}; "
        f"{scope['services']} services, {scope['task_definitions']} task definitions\n\n"
    )
    if result.findings:
        out.write(f"{'### ' if heading else ''}Findings by severity\n\n")
        out.write(tabulate(_rows(result), headers=("severity", "code", "rule", "account", "region", "resource", "message"),
                           tablefmt=tablefmt, maxcolwidths=[None] * 6 + [70]))  # fmt: skip
        out.write("\n\n")
    elif result.audit_errors:  # what could not be read is listed below: not a clean account
        out.write("No findings in what could be read; see what could not be read below.\n\n")
    else:
        out.write("No findings.\n\n")
    if result.costs:
        out.write(
            f"{'### ' if heading else ''}Services: monthly cost, and as a job where history says so\n\n"
        )
        out.write(tabulate(_cost_rows(result), headers=("account", "region", "service", "per month", "as a job", "notes"),
                           tablefmt=tablefmt, maxcolwidths=[None] * 5 + [60]))  # fmt: skip
        out.write("\n\n")
    for line in result.unknown:
        out.write(f"Unknown: {line}\n")
    for error in result.audit_errors:
        out.write(
            f"Could not read: {error.get('account', '')} {error.get('region', '')} {error['source']}: {error['message']}\n"
        )
    return out.getvalue()
