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
from advisor.cost.prices import PriceError, PriceTable, Rates, price_age_note
from advisor.fargate import parse_cpu, parse_memory
from advisor.history.timeline import JobHistory, ServiceHistory, family_of

_HOUR = Decimal(3600)


def _revision(reference: object) -> str | None:
    text = str(reference or "")
    return text.rsplit(":", 1)[-1] if ":" in text.rsplit("/", 1)[-1] else None


def _size(history: ServiceHistory | JobHistory) -> tuple[TaskSize | None, str]:
    """The task size and where it came from, most direct first: a task definition file the user
    gave; the cpu/memory in the tasks' own records (architecture and OS from the matching
    RegisterTaskDefinition record if there is one, else Linux/x86_64 assumed); a
    RegisterTaskDefinition record of the same account and region."""
    context = history.context
    family = family_of(history.task_definition) or (
        history.key[3] if isinstance(history, JobHistory) else ""
    )
    revision = _revision(history.task_definition)
    if family in context.task_definitions:
        path, data = context.task_definitions[family]
        return size_from_task_definition(data), f"task definition file {path}"
    registered = context.registered.get((history.key[0], history.key[1], family), [])
    same_revision = [r for rev, r in registered if revision is not None and str(rev) == revision]
    platform = (same_revision or [{}])[-1]
    for task in reversed(history.sizes):
        cpu, memory = parse_cpu(task.get("cpu")), parse_memory(task.get("memory"))
        if cpu and memory:
            described = {"cpu": str(cpu), "memory": str(memory)}
            if platform.get("runtimePlatform"):
                described["runtimePlatform"] = platform["runtimePlatform"]
                return size_from_task_definition(described), "the tasks' records"
            return size_from_task_definition(described), "the tasks' records (Linux/x86_64 assumed)"
    if registered:
        request = (same_revision or [r for _, r in registered])[-1]
        return size_from_task_definition(request), "RegisterTaskDefinition record"
    return None, ""


def _capacity(history: ServiceHistory | JobHistory) -> str:
    """FARGATE, FARGATE_SPOT or EC2, from the newest task record that says."""
    for task in reversed(history.sizes):
        if task.get("capacityProviderName") == "FARGATE_SPOT":
            return "FARGATE_SPOT"
        if task.get("launchType") in ("EC2", "EXTERNAL"):
            return "EC2"
        if task.get("launchType") == "FARGATE":
            return "FARGATE"
    return "FARGATE"


def _rates(history: Any, size: TaskSize, capacity: str, table: PriceTable) -> Rates:
    rates = table.rates(history.region, size.os, size.arch, spot=capacity == "FARGATE_SPOT")
    if size.billed_storage_gib:
        rates = table.with_storage(rates, history.region)
    return rates


def _unknown(reason: str) -> dict[str, Any]:
    return {"current_monthly_usd": None, "alternative_monthly_usd": None, "reason": reason}


class _Unpriced(Exception):
    """Why a history cannot be priced; becomes a cost with no figures and that reason."""


def _size_and_rates(
    history: ServiceHistory | JobHistory, table: PriceTable
) -> tuple[TaskSize, str, Rates, str]:
    capacity = _capacity(history)
    if capacity == "EC2":
        raise _Unpriced("its tasks run on EC2, which is billed by the instance, not by the task")
    try:
        size, source = _size(history)
    except ValueError as exc:
        raise _Unpriced(f"task size: {exc}") from None
    if size is None:
        raise _Unpriced("task size unknown: no cpu/memory in the records; pass --task-definitions")
    try:
        return size, source, _rates(history, size, capacity, table), capacity
    except PriceError as exc:
        raise _Unpriced(str(exc)) from None


def _base(history: Any, size: TaskSize, source: str, rates: Rates, capacity: str) -> dict[str, Any]:
    stale = price_age_note(rates.as_of)
    notes = [size.note] if size.note else []
    if stale:
        notes.append(stale)
    if history.context.window_days < 7:
        notes.append("the records span less than a week: monthly figures extrapolate from them")
    return {
        "notes": notes,
        "region": history.region,
        "account": history.key[0],
        "architecture": size.arch,
        "os": size.os,
        "capacity_provider": capacity,
        "size": size.to_dict(),
        "size_source": source,
        "window_days": round(history.context.window_days, 2),
        "prices": rates.to_dict(),
        "as_of": rates.as_of,
    }


def service_cost(
    history: ServiceHistory, table: PriceTable, job_duration: Decimal | float | None
) -> dict[str, Any]:
    """The task-hours it was really up (or always on at desired count 1 where the records do not
    say) against a job run as often as it was stopped, for as long as the best evidence says
    the work runs (``ServiceHistory.job_run_seconds``)."""
    try:
        size, source, rates, capacity = _size_and_rates(history, table)
    except _Unpriced as exc:
        return _unknown(str(exc))
    up = history.task_hours()
    if up is not None:  # the desired count is known: price the hours it was really up
        task_hours, existed_hours = up
        per_month = Decimal(str(task_hours)) / Decimal(str(existed_hours)) * HOURS_PER_MONTH
        current = Breakdown(size, rates, per_month)
        current_basis = (
            f"{task_hours:.1f} task-hours up in the {existed_hours / 24:.1f} days it existed in "
            "the window, per month"
        )
    else:
        current, _ = service_monthly(size, rates, 1)
        current_basis = (
            f"always on at desired count 1, {HOURS_PER_MONTH} hours a month "
            "(the records do not say its desired count: 1 assumed)"
        )
    runs = len(history.manual_stops)
    runs_per_day = Decimal(runs) / Decimal(str(history.context.window_days))
    duration, duration_source = history.job_run_seconds(job_duration)
    assumptions = {
        **_base(history, size, source, rates, capacity),
        "current": current_basis,
        "runs_observed": runs,
        "runs_per_month": runs_per_day * DAYS_PER_MONTH,
        "run_seconds": duration,
        "run_seconds_source": duration_source or None,
    }
    if duration is None:
        per_hour = Breakdown(size, rates, Decimal(1)).total
        return {
            "current_monthly_usd": current.total,
            "alternative_monthly_usd": None,
            "alternative_usd_per_run_hour": per_hour,
            "reason": (
                "no run length known (the stopped tasks' ages are not run lengths): pass "
                "--job-duration; the job costs alternative_usd_per_run_hour for each hour it runs"
            ),
            "assumptions": assumptions,
        }
    alternative, _ = usage_cost(size, rates, 1, duration, runs_per_day, DAYS_PER_MONTH)
    assumptions["billed_seconds_per_run"] = billed_seconds(duration, size.os)
    return {
        "current_monthly_usd": current.total,
        "alternative_monthly_usd": alternative.total,
        "assumptions": assumptions,
    }


def job_cost(history: JobHistory, table: PriceTable) -> dict[str, Any]:
    """The runtime stopped by hand, per month, against the same task always on as a service."""
    try:
        size, source, rates, capacity = _size_and_rates(history, table)
    except _Unpriced as exc:
        return _unknown(str(exc))
    seconds = sum(Decimal(str(s.runtime)) for s in history.manual_stops if s.runtime)
    per_month = seconds / _HOUR / Decimal(str(history.context.window_days)) * DAYS_PER_MONTH
    current = Breakdown(size, rates, per_month)
    service, _ = service_monthly(size, rates, 1)
    assumptions = {
        **_base(history, size, source, rates, capacity),
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
