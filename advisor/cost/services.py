"""What each service in a lint run costs a month, from a task definition found in the same run."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

from advisor.cost.estimate import HOURS_PER_MONTH, service_monthly, size_from_task_definition
from advisor.cost.prices import PriceError, PriceTable
from advisor.cost.region import service_region
from advisor.model import Resource, Service, TaskDefinition


def task_definition_family(reference: object) -> str | None:
    """``web``, ``web:3`` or a task definition ARN -> ``web``."""
    if not isinstance(reference, str) or not reference:
        return None
    return reference.rsplit("/", 1)[-1].split(":", 1)[0]


# The API's bounds for a strategy's base and weight; desiredCount above the most tasks a
# service can run is not a price anyone asked for.
_MOST_BASE, _MOST_WEIGHT, _MOST_TASKS = 100_000, 1_000, 100_000


class _Unpriceable(ValueError):
    """A service whose numbers cannot be priced (the schema rules say what is wrong)."""


def _whole(item: dict, key: str, most: int) -> Decimal:
    value = item.get(key)
    if value is None:
        return Decimal(0)
    if type(value) is not int or not 0 <= value <= most:
        raise _Unpriceable(f"capacityProviderStrategy {key} is not a whole number from 0 to {most}")
    return Decimal(value)


def _task_split(service: dict, desired: int) -> tuple[dict[str, Decimal], list[str]] | None:
    """Tasks per Fargate capacity provider (base first, the rest by weight), with notes; None
    when the service does not run on Fargate. Raises _Unpriceable for a base or weight that is
    not a number in the API's range."""
    strategy = service.get("capacityProviderStrategy")
    if isinstance(strategy, list) and strategy:
        items = [s for s in strategy if isinstance(s, dict)]
        if any(s.get("capacityProvider") not in ("FARGATE", "FARGATE_SPOT") for s in items):
            return None
        split = {"FARGATE": Decimal(0), "FARGATE_SPOT": Decimal(0)}
        remaining = Decimal(desired)
        for item in items:
            base = min(_whole(item, "base", _MOST_BASE), remaining)
            split[item["capacityProvider"]] += base
            remaining -= base
        weights = [_whole(item, "weight", _MOST_WEIGHT) for item in items]
        total_weight = sum(weights)
        for item, weight in zip(items, weights, strict=True):
            if total_weight:
                split[item["capacityProvider"]] += remaining * weight / total_weight
        notes = []
        if split["FARGATE_SPOT"]:
            notes.append(
                f"{split['FARGATE_SPOT']:.4g} of {desired} tasks on Fargate Spot (by the strategy's "
                "base and weights), at Spot rates, which move"
            )
        return {p: n for p, n in split.items() if n}, notes
    launch_type = service.get("launchType")
    if launch_type is None:
        note = "no launchType or capacityProviderStrategy: assumed Fargate (the cluster's default strategy decides)"
        return {"FARGATE": Decimal(desired)}, [note]
    return ({"FARGATE": Decimal(desired)}, []) if launch_type == "FARGATE" else None


def _nearest(
    service: Service, candidates: list[TaskDefinition], reference: object
) -> TaskDefinition | None:
    """The revision the service names if it is here; else the one in the service's own
    folder; else the first found."""
    revision = str(reference).rsplit(":", 1)[-1] if ":" in str(reference) else None
    for candidate in candidates:
        if revision is not None and str(candidate.data.get("revision")) == revision:
            return candidate
    folder = os.path.dirname(service.document.path)
    for candidate in candidates:
        if os.path.dirname(candidate.document.path) == folder:
            return candidate
    return candidates[0] if candidates else None


def service_costs(
    resources: list[Resource], region: str | None, table: PriceTable, region_source: str
) -> list[tuple[Service, dict[str, Any]]]:
    """(service, cost) for every service in the run; a service that cannot be priced gets a
    cost with no figure and a note saying why. Without a region, each service is priced where
    its configuration says it runs (advisor.cost.region)."""
    families: dict[str, list[TaskDefinition]] = {}
    for resource in resources:
        if isinstance(resource, TaskDefinition) and isinstance(resource.data.get("family"), str):
            families.setdefault(resource.data["family"], []).append(resource)
    priced = []
    for resource in resources:
        if isinstance(resource, Service):
            priced.append(
                (resource, _service_cost(resource, families, region, table, region_source))
            )
    return priced


def _service_cost(
    service: Service,
    families: dict[str, list[TaskDefinition]],
    region: str | None,
    table: PriceTable,
    region_source: str,
) -> dict[str, Any]:
    reference = service.data.get("taskDefinition")
    family = task_definition_family(reference)
    candidates = families.get(family, []) if family is not None else []
    task_definition = _nearest(service, candidates, reference)
    notes: list[str] = []
    if region is None:
        region, region_source, notes = service_region(service, task_definition)
    where = {"region": region, "region_source": region_source}
    if task_definition is None:
        reason = f"task definition {reference} is not in this run"
        return {"monthly_usd": None, **where, "notes": [*notes, reason]}
    desired = service.data.get("desiredCount")
    if type(desired) is not int:
        desired = 1
        notes.append("desiredCount is not set; priced at 1 task")
    if not 0 <= desired <= _MOST_TASKS:
        reason = f"not priced: desiredCount is not a whole number from 0 to {_MOST_TASKS}"
        return {"monthly_usd": None, **where, "notes": [*notes, reason]}
    try:
        split = _task_split(service.data, desired)
    except _Unpriceable as exc:
        return {"monthly_usd": None, **where, "notes": [*notes, f"not priced: {exc}"]}
    if split is None:
        reason = "not on Fargate: EC2 capacity is billed as instances"
        return {"monthly_usd": None, **where, "notes": [*notes, reason]}
    tasks_by_provider, split_notes = split
    notes += split_notes
    try:
        size = size_from_task_definition(task_definition.data)
    except ValueError as exc:
        return {"monthly_usd": None, **where, "notes": [*notes, f"not priced: {exc}"]}
    if size.note:
        notes.insert(0, size.note)
    total = Decimal(0)
    sources: list[dict[str, str]] = []
    try:
        for provider, tasks in tasks_by_provider.items():
            rates = table.rates(region, size.os, size.arch, provider == "FARGATE_SPOT")
            if size.billed_storage_gib:
                rates = table.with_storage(rates, region)
            total += service_monthly(size, rates, 1)[0].total * tasks
            sources += rates.sources
    except PriceError as exc:
        return {"monthly_usd": None, **where, "notes": [*notes, f"not priced: {exc}"]}
    return {
        "monthly_usd": total,
        "desired_count": desired,
        "hours_per_month": HOURS_PER_MONTH,
        "tasks_by_capacity_provider": tasks_by_provider,
        "task_definition": f"{task_definition.document.path} ({task_definition.label})",
        **where,
        "architecture": size.arch,
        "os": size.os,
        "capacity_provider": "+".join(tasks_by_provider),
        "size": size.to_dict(),
        "prices": {"sources": sources},
        # a service scaled to 0 runs on no provider, so no price was read: the table's date
        "as_of": min((s["as_of"] for s in sources), default=table.as_of),
        "notes": notes,
    }
