"""Money for history findings: what a service or job costs now, and as the alternative model.

Every figure comes with its assumptions; where the task size cannot be known the cost says so
and carries no number.
"""

from __future__ import annotations

import statistics
from decimal import Decimal
from typing import Any

from advisor.cost.estimate import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    Breakdown,
    TaskSize,
    billed_seconds,
    service_monthly,
    size_from_task_definition,
    usage_cost,
)
from advisor.cost.prices import PriceError, PriceTable, Rates
from advisor.history.timeline import JobHistory, ServiceHistory, family_of

_HOUR = Decimal(3600)


def _size(history: ServiceHistory | JobHistory) -> tuple[TaskSize | None, str]:
    """The task size and where it came from: a task definition file, a RegisterTaskDefinition
    record, or the cpu/memory in the stopped tasks' records (Linux/x86_64 assumed there)."""
    context = history.context
    family = family_of(history.task_definition) or (
        history.key[3] if isinstance(history, JobHistory) else ""
    )
    if family in context.task_definitions:
        path, data = context.task_definitions[family]
        return size_from_task_definition(data), f"task definition file {path}"
    if family in context.registered:
        return size_from_task_definition(
            context.registered[family]
        ), "RegisterTaskDefinition record"
    for task in reversed(history.sizes):
        if task.get("cpu") and task.get("memory"):
            size = size_from_task_definition({"cpu": task["cpu"], "memory": task["memory"]})
            return size, "the tasks' records (Linux/x86_64 assumed)"
    return None, ""


def _rates(history: Any, size: TaskSize) -> Rates:
    table: PriceTable = history.context.prices()
    rates = table.rates(history.region, size.os, size.arch, spot=False)
    if size.billed_storage_gib:
        rates = table.with_storage(rates, history.region)
    return rates


def _unknown(reason: str) -> dict[str, Any]:
    return {"current_monthly_usd": None, "alternative_monthly_usd": None, "reason": reason}


class _Unpriced(Exception):
    """Why a history cannot be priced; becomes a cost with no figures and that reason."""


def _size_and_rates(history: ServiceHistory | JobHistory) -> tuple[TaskSize, str, Rates]:
    size, source = _size(history)
    if size is None:
        raise _Unpriced("task size unknown: no cpu/memory in the records; pass --task-definitions")
    try:
        return size, source, _rates(history, size)
    except PriceError as exc:
        raise _Unpriced(str(exc)) from None


def _base(history: Any, size: TaskSize, source: str, rates: Rates) -> dict[str, Any]:
    return {
        "region": history.region,
        "architecture": size.arch,
        "os": size.os,
        "capacity_provider": "FARGATE",
        "size": size.to_dict(),
        "size_source": source,
        "window_days": round(history.context.window_days, 2),
        "prices": rates.to_dict(),
        "as_of": rates.as_of,
    }


def service_cost(history: ServiceHistory) -> dict[str, Any]:
    """Always on at desired count 1 (730 h a month) against a job run as often as it was
    stopped, for the median observed run (or ``--job-duration``)."""
    try:
        size, source, rates = _size_and_rates(history)
    except _Unpriced as exc:
        return _unknown(str(exc))
    current, _ = service_monthly(size, rates, 1)
    runs = len(history.manual_stops)
    runs_per_day = Decimal(runs) / Decimal(str(history.context.window_days))
    observed = [s.runtime for s in history.manual_stops if s.runtime]
    duration = history.context.settings.job_duration or (
        statistics.median(observed) if observed else None
    )
    assumptions = {
        **_base(history, size, source, rates),
        "current": f"always on at desired count 1, {HOURS_PER_MONTH} hours a month",
        "runs_observed": runs,
        "runs_per_month": runs_per_day * DAYS_PER_MONTH,
        "run_seconds": duration,
        "run_seconds_source": (
            "--job-duration" if history.context.settings.job_duration else "median observed run"
        ),
    }
    if duration is None:
        return {
            "current_monthly_usd": current.total,
            "alternative_monthly_usd": None,
            "reason": "no run length observed; pass --job-duration",
            "assumptions": assumptions,
        }
    alternative, _ = usage_cost(size, rates, 1, duration, runs_per_day, DAYS_PER_MONTH)
    assumptions["billed_seconds_per_run"] = billed_seconds(duration, size.os)
    return {
        "current_monthly_usd": current.total,
        "alternative_monthly_usd": alternative.total,
        "assumptions": assumptions,
    }


def job_cost(history: JobHistory) -> dict[str, Any]:
    """The runtime stopped by hand, per month, against the same task always on as a service."""
    try:
        size, source, rates = _size_and_rates(history)
    except _Unpriced as exc:
        return _unknown(str(exc))
    seconds = sum(Decimal(str(s.runtime)) for s in history.manual_stops if s.runtime)
    per_month = seconds / _HOUR / Decimal(str(history.context.window_days)) * DAYS_PER_MONTH
    current = Breakdown(size, rates, per_month)
    service, _ = service_monthly(size, rates, 1)
    assumptions = {
        **_base(history, size, source, rates),
        "current": "the runtime of the tasks stopped by hand, scaled to a month",
        "hand_stopped_runtime_hours": seconds / _HOUR,
        "alternative": f"the same task always on as a service, {HOURS_PER_MONTH} hours a month",
    }
    if history.self_exits:
        assumptions["median_self_exit_seconds"] = statistics.median(history.self_exits)
    return {
        "current_monthly_usd": current.total,
        "alternative_monthly_usd": service.total,
        "assumptions": assumptions,
    }
