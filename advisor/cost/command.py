"""``ecs-advisor cost``: turn the command's options into a priced estimate (a plain dict).

The dict is the JSON output; the text report reads the same dict, so both always agree. Money
stays Decimal in it (the text rounds to the cent from exact figures); JSON writes the numbers
unrounded.
"""

from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from typing import Any

from advisor.config import ConfigError
from advisor.cost.duration import format_duration, parse_duration
from advisor.cost.estimate import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    INCLUDED_STORAGE_GIB,
    MAX_STORAGE_GIB,
    SizeError,
    TaskSize,
    billed_seconds,
    check_size,
    service_monthly,
    size_from_task_definition,
    usage_cost,
)
from advisor.cost.prices import PriceError, PriceTable
from advisor.fargate import parse_cpu, parse_memory

ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "arm64": "arm64", "aarch64": "arm64"}
OPERATING_SYSTEMS = ("linux", "windows")


def default_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


def _task_definition_from(path: str) -> dict:
    from advisor.model import TaskDefinition
    from advisor.sources.json_files import InputFailure, NotRecognized, load

    try:
        _document, resources = load(path, path, named=True)
    except InputFailure as failure:
        raise ConfigError(str(failure.error)) from None
    except NotRecognized:
        raise ConfigError(f"{path}: not a task definition") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    for resource in resources:
        if isinstance(resource, TaskDefinition):
            return resource.data
    raise ConfigError(f"{path}: not a task definition")


def resolve_size(args: Any) -> TaskSize:
    """The task size from a task definition and/or the command line (the command line wins)."""
    if args.taskdef:
        size = size_from_task_definition(_task_definition_from(args.taskdef))
    elif args.cpu is None or args.memory is None:
        raise ConfigError("give a task definition file, or both --cpu and --memory")
    else:
        size = TaskSize(0, 0)
    if args.arch is not None:
        if args.arch.lower() not in ARCHITECTURES:
            raise ConfigError(f"unknown architecture {args.arch!r}; use x86_64 or arm64")
        size.arch = ARCHITECTURES[args.arch.lower()]
    if args.os is not None:
        if args.os.lower() not in OPERATING_SYSTEMS:
            raise ConfigError(f"unknown operating system {args.os!r}; use linux or windows")
        size.os = args.os.lower()
    if args.cpu is not None or args.memory is not None:
        cpu = parse_cpu(args.cpu) if args.cpu is not None else size.cpu
        memory = parse_memory(args.memory) if args.memory is not None else size.memory
        if cpu is None:
            raise ConfigError(f"--cpu {args.cpu!r} is not a CPU value (e.g. 256, '1 vCPU')")
        if memory is None:
            raise ConfigError(f"--memory {args.memory!r} is not a memory value (e.g. 512, '2 GB')")
        size.cpu, size.memory, size.note = cpu, memory, None
    try:
        check_size(size.cpu, size.memory, size.os)
    except SizeError as exc:
        raise ConfigError(str(exc)) from None
    if args.ephemeral_storage is not None:
        size.storage_gib = args.ephemeral_storage
    if not INCLUDED_STORAGE_GIB <= size.storage_gib <= MAX_STORAGE_GIB:
        raise ConfigError(
            f"ephemeral storage of {size.storage_gib} GiB is outside Fargate's "
            f"{INCLUDED_STORAGE_GIB}-{MAX_STORAGE_GIB} GiB"
        )
    return size


def _positive_decimal(value: str, flag: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ConfigError(f"{flag} {value!r} is not a number") from None
    if not number.is_finite() or number <= 0:
        raise ConfigError(f"{flag} must be greater than zero, not {value}")
    return number


def _positive_int(value: int, flag: str) -> int:
    if value < 1:
        raise ConfigError(f"{flag} must be at least 1, not {value}")
    return value


def estimate(args: Any, table: PriceTable | None = None) -> dict[str, Any]:
    size = resolve_size(args)
    region = args.region or default_region()
    try:
        duration = parse_duration(args.duration)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    tasks = _positive_int(args.tasks, "--tasks")
    runs_per_day = _positive_decimal(args.runs_per_day, "--runs-per-day")
    try:
        table = table or PriceTable.load()
        rates = table.rates(region, size.os, size.arch, args.spot)
        if size.billed_storage_gib:
            rates = table.with_storage(rates, region)
    except PriceError as exc:
        raise ConfigError(str(exc)) from None

    assumptions = {
        "region": region,
        "architecture": size.arch,
        "os": size.os,
        "capacity_provider": "FARGATE_SPOT" if args.spot else "FARGATE",
        "size": size.to_dict(),
        "prices": rates.to_dict(),
        "as_of": rates.as_of,  # the oldest figure used
        "table_as_of": table.as_of,
        "billing": (
            f"per second, rounded up, at least {billed_seconds(0, size.os)} s per task run "
            f"({size.os.capitalize()})"
        ),
    }
    notes = [size.note] if size.note else []
    if args.compare:
        desired = _positive_int(args.desired_count, "--desired-count")
        service, service_hours = service_monthly(size, rates, desired)
        job, job_hours = usage_cost(size, rates, tasks, duration, runs_per_day, DAYS_PER_MONTH)
        return {
            "mode": "compare",
            "service": {
                "monthly_usd": service.total,
                "desired_count": desired,
                "hours_per_month": HOURS_PER_MONTH,
                "task_hours": service_hours,
                "breakdown": service.to_dict(),
            },
            "job": {
                "monthly_usd": job.total,
                "tasks": tasks,
                "duration_seconds": duration,
                "duration": format_duration(duration),
                "billed_seconds_per_task": billed_seconds(duration, size.os),
                "runs_per_day": runs_per_day,
                "days_per_month": DAYS_PER_MONTH,
                "task_hours": job_hours,
                "breakdown": job.to_dict(),
            },
            "savings_usd": service.total - job.total,
            "assumptions": assumptions,
            "notes": notes,
        }
    days = _positive_decimal(args.days, "--days")
    breakdown, task_hours = usage_cost(size, rates, tasks, duration, runs_per_day, days)
    return {
        "mode": "usage",
        "total_usd": breakdown.total,
        "breakdown": breakdown.to_dict(),
        "usage": {
            "tasks": tasks,
            "duration_seconds": duration,
            "duration": format_duration(duration),
            "billed_seconds_per_task": billed_seconds(duration, size.os),
            "runs_per_day": runs_per_day,
            "days": days,
            "task_hours": task_hours,
        },
        **assumptions,
        "notes": notes,
    }
