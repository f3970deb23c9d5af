"""Money, attached after the rules: one step that serves lint ``--cost``, history and audit.

Rules decide; this step only prices what they found, so a verdict never depends on a price
table. A history finding gets what the service or job costs now and as the other model (and its
message says so); a service gets its monthly cost, which its findings carry too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from advisor.cost.estimate import cents
from advisor.cost.prices import PriceError, PriceTable
from advisor.history.timeline import JobHistory, ServiceHistory
from advisor.model import Finding, Resource, Service


class Pricing:
    """Where and how to price: the region for configuration files, and the job run length."""

    def __init__(
        self,
        region: str | None = None,
        job_duration: Decimal | float | None = None,
        table: Any = None,
        region_source: str = "--region",
    ) -> None:
        self.region = region  # None: each service where its configuration says it runs
        self.region_source = region_source
        self.job_duration = job_duration
        self._table: PriceTable | None = table
        self.error: str | None = None

    def table(self) -> PriceTable | None:
        """The price table, loaded once, when the first figure needs it."""
        if self._table is None and self.error is None:
            try:
                self._table = PriceTable.load()
            except PriceError as exc:
                self.error = str(exc)
        return self._table


def _money(cost: dict[str, Any], now: str, then: str) -> str:
    if cost.get("current_monthly_usd") is None:
        return f"cost unknown ({cost.get('reason')})"
    text = f"{cents(cost['current_monthly_usd'])}/month {now}"
    if cost.get("alternative_monthly_usd") is not None:
        text += f", {cents(cost['alternative_monthly_usd'])}/month {then}"
    elif cost.get("alternative_usd_per_run_hour") is not None:  # run length unknown
        per_hour = Decimal(str(cost["alternative_usd_per_run_hour"])).quantize(Decimal("0.001"))
        text += f", ${per_hour} for each hour it runs {then}"
    return text


def price_history(findings: list[Finding], pricing: Pricing) -> None:
    """Each history finding's cost now and as the alternative model, in its data and message."""
    from advisor.history.costs import job_cost, service_cost

    for finding in findings:
        subject = finding.subject
        if not isinstance(subject, ServiceHistory | JobHistory):
            continue
        table = pricing.table()
        if table is None:
            cost: dict[str, Any] = {"current_monthly_usd": None, "alternative_monthly_usd": None}
            cost["reason"] = pricing.error
        elif isinstance(subject, ServiceHistory):
            cost = service_cost(subject, table, pricing.job_duration)
        else:
            cost = job_cost(subject, table)
        finding.cost = cost
        if isinstance(subject, ServiceHistory):
            finding.message += ": " + _money(cost, "now", "as a job")
        else:
            finding.message += ": " + _money(
                cost, "of hand-stopped runtime", "as an always-on service"
            )


def price_services(
    findings: list[Finding], resources: list[Resource], pricing: Pricing
) -> list[dict[str, Any]]:
    """Each service's monthly cost (its task definition must be among the resources); the
    findings on a priced service carry its cost. Returns one row a service."""
    from advisor.cost.services import service_costs

    if not any(isinstance(r, Service) for r in resources):
        return []
    table = pricing.table()
    if table is None:
        return []
    rows = []
    costs: dict[tuple[str, str], dict[str, Any]] = {}  # (path, pointer) of a service -> cost
    for service, cost in service_costs(resources, pricing.region, table, pricing.region_source):
        location = service.document.location(service.pointer)
        rows.append(
            {"resource": service.label, "path": location.path, "line": location.line, **cost}
        )
        costs[(location.path, service.pointer)] = cost
    for finding in findings:  # each finding looks up the services that may hold it: linear
        found = _enclosing(costs, finding.location.path, finding.location.pointer)
        if found is not None:
            finding.cost = found
    return rows


def _enclosing(
    costs: dict[tuple[str, str], dict[str, Any]], path: str, pointer: str
) -> dict[str, Any] | None:
    """The cost of the service at the pointer or the nearest one above it in the same file."""
    while True:
        if (path, pointer) in costs:
            return costs[(path, pointer)]
        if not pointer:
            return None
        pointer = pointer.rsplit("/", 1)[0]
