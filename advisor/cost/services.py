"""What each service in a lint run costs a month, from a task definition found in the same run."""

from __future__ import annotations

import os
from typing import Any

from advisor.cost.estimate import HOURS_PER_MONTH, service_monthly, size_from_task_definition
from advisor.cost.prices import PriceError, PriceTable
from advisor.model import Resource, Service, TaskDefinition


def task_definition_family(reference: object) -> str | None:
    """``web``, ``web:3`` or a task definition ARN -> ``web``."""
    if not isinstance(reference, str) or not reference:
        return None
    return reference.rsplit("/", 1)[-1].split(":", 1)[0]


def _capacity_provider(service: dict) -> str | None:
    """FARGATE or FARGATE_SPOT; None when the service does not run on Fargate."""
    strategy = service.get("capacityProviderStrategy")
    if isinstance(strategy, list) and strategy:
        providers = {s.get("capacityProvider") for s in strategy if isinstance(s, dict)}
        if providers == {"FARGATE_SPOT"}:
            return "FARGATE_SPOT"
        return "FARGATE" if providers & {"FARGATE", "FARGATE_SPOT"} else None
    launch_type = service.get("launchType", "FARGATE")  # a service's usual default is Fargate
    return "FARGATE" if launch_type == "FARGATE" else None


def _nearest(service: Service, candidates: list[TaskDefinition]) -> TaskDefinition | None:
    """The task definition in the service's own folder if there is one, else the first found."""
    folder = os.path.dirname(service.document.path)
    for candidate in candidates:
        if os.path.dirname(candidate.document.path) == folder:
            return candidate
    return candidates[0] if candidates else None


def service_costs(
    resources: list[Resource], region: str, table: PriceTable
) -> list[tuple[Service, dict[str, Any]]]:
    """(service, cost) for every Fargate service whose task definition is among the resources."""
    families: dict[str, list[TaskDefinition]] = {}
    for resource in resources:
        if isinstance(resource, TaskDefinition) and isinstance(resource.data.get("family"), str):
            families.setdefault(resource.data["family"], []).append(resource)
    priced = []
    for resource in resources:
        if not isinstance(resource, Service):
            continue
        candidates = families.get(task_definition_family(resource.data.get("taskDefinition")), [])
        task_definition = _nearest(resource, candidates)
        provider = _capacity_provider(resource.data)
        if task_definition is None or provider is None:
            continue
        size = size_from_task_definition(task_definition.data)
        notes = [size.note] if size.note else []
        desired = resource.data.get("desiredCount")
        if type(desired) is not int:
            desired = 1
            notes.append("desiredCount is not set; priced at 1 task")
        if provider == "FARGATE_SPOT":
            notes.append("priced at Fargate Spot rates, which move")
        try:
            rates = table.rates(region, size.os, size.arch, provider == "FARGATE_SPOT")
            if size.billed_storage_gib:
                rates = table.with_storage(rates, region)
        except PriceError as exc:
            notes.append(f"not priced: {exc}")
            priced.append((resource, {"monthly_usd": None, "notes": notes}))
            continue
        breakdown, _hours = service_monthly(size, rates, desired)
        priced.append(
            (
                resource,
                {
                    "monthly_usd": breakdown.total,
                    "breakdown": breakdown.to_dict(),
                    "desired_count": desired,
                    "hours_per_month": HOURS_PER_MONTH,
                    "task_definition": f"{task_definition.document.path} ({task_definition.label})",
                    "region": region,
                    "architecture": size.arch,
                    "os": size.os,
                    "capacity_provider": provider,
                    "size": size.to_dict(),
                    "prices": rates.to_dict(),
                    "as_of": rates.as_of,
                    "notes": notes,
                },
            )
        )
    return priced
