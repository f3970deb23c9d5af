"""``ecs-advisor cost``: turn the command's options into a priced estimate (a plain dict).

The dict is the JSON output; the text report reads the same dict, so both always agree. Money
stays Decimal in it (the text rounds to the cent from exact figures); JSON writes the numbers
unrounded.
"""

from __future__ import annotations

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
from advisor.cost.prices import PriceError, PriceTable, price_age_note
from advisor.fargate import FARGATE_SIZES, parse_cpu, parse_memory

ARCHITECTURES = {"x86_64": "x86_64", "amd64": "x86_64", "arm64": "arm64", "aarch64": "arm64"}
OPERATING_SYSTEMS = ("linux", "windows")


def _task_definition_from(path: str) -> dict:
    """The task definition in a file, read through the sources like any other input."""
    from advisor.config import Settings
    from advisor.engine import ReadContext, Result, read
    from advisor.model import TaskDefinition

    result = Result()
    resources = read([path], "task-definitions", ReadContext(Settings(), result))
    found = [r for r in resources if isinstance(r, TaskDefinition)]
    if result.errors:
        raise ConfigError(str(result.errors[0]))
    if found:
        return found[0].data
    why = result.notes[0].removesuffix("; skipped") if result.notes else f"{path}: not ECS"
    raise ConfigError(f"{why} (expected a task definition)")


def resolve_size(args: Any) -> TaskSize:
    """The task size from a task definition and/or the command line (the command line wins)."""
    data = _task_definition_from(args.taskdef) if args.taskdef else None
    if data is not None:
        try:
            size = size_from_task_definition(data)
        except SizeError as exc:
            raise ConfigError(f"{args.taskdef}: {exc}") from None
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
    _check_small_numbers(args)
    if args.cpu is not None or args.memory is not None:
        # A flag replaces the task definition's own value, not a size chosen to fit it.
        declared = data or {}
        cpu = parse_cpu(args.cpu if args.cpu is not None else declared.get("cpu"))
        memory = parse_memory(args.memory if args.memory is not None else declared.get("memory"))
        if args.cpu is not None and cpu is None:
            raise ConfigError(
                f"--cpu {args.cpu!r} is not a whole number of CPU units (256, '1 vCPU')"
            )
        if args.memory is not None and memory is None:
            raise ConfigError(
                f"--memory {args.memory!r} is not a whole number of MiB (512, '2 GB')"
            )
        size.cpu, size.memory, size.note = cpu or size.cpu, memory or size.memory, None
    try:
        check_size(size.cpu, size.memory, size.os)
    except SizeError as exc:
        raise ConfigError(str(exc)) from None
    if args.ephemeral_storage is not None:
        size.storage_gib = _whole(
            args.ephemeral_storage, "--ephemeral-storage", INCLUDED_STORAGE_GIB, MAX_STORAGE_GIB
        )
    if not INCLUDED_STORAGE_GIB <= size.storage_gib <= MAX_STORAGE_GIB:
        raise ConfigError(
            f"ephemeral storage of {size.storage_gib} GiB is outside Fargate's "
            f"{INCLUDED_STORAGE_GIB}-{MAX_STORAGE_GIB} GiB"
        )
    return size


def _check_small_numbers(args: Any) -> None:
    """A bare number is CPU units or MiB, as in a task definition. ``--cpu 2`` (2 units, or
    ``--memory 4``, 4 MiB) is no Fargate size and almost surely meant vCPUs (GB): ask, rather
    than guess from a number's size which unit it is in."""
    memories = {memory for sizes in FARGATE_SIZES.values() for memory in sizes}
    for flag, value, unit, known, least in (
        ("--cpu", args.cpu, "vCPU", set(FARGATE_SIZES), 256),
        ("--memory", args.memory, "GB", memories, 512),
    ):
        try:
            number = Decimal(str(value).strip()) if value is not None else None
        except InvalidOperation:
            continue
        if number is None or not number.is_finite() or not 0 < number < least:
            continue
        if number * 1024 in known:
            raise ConfigError(
                f"{flag} {value} is below any Fargate size; did you mean {flag} '{value} {unit}'?"
            )


def _positive_decimal(value: str, flag: str, most: int) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ConfigError(f"{flag} {value!r} is not a number") from None
    if not number.is_finite() or number <= 0:
        raise ConfigError(f"{flag} must be a number greater than zero, not {value}")
    if number > most:
        raise ConfigError(f"{flag} {value} is more than {most:,}")
    return number


def _whole(value: str | int, flag: str, least: int, most: int) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{flag} {value!r} is not a whole number") from None
    if not least <= number <= most:
        raise ConfigError(f"{flag} must be from {least} to {most:,}, not {number}")
    return number


def _region(args: Any) -> tuple[str, str, list[str]]:
    """--region, else where the task definition says it runs, else the environment's."""
    from advisor.cost.region import first_said, task_definition_says

    if args.region:
        return args.region, "--region", []
    data = _task_definition_from(args.taskdef) if args.taskdef else {}
    return first_said(list(task_definition_says(data)))


def estimate(args: Any, table: PriceTable | None = None) -> dict[str, Any]:
    size = resolve_size(args)
    region, region_source, region_notes = _region(args)
    try:
        duration = parse_duration(args.duration)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    tasks = _whole(args.tasks, "--tasks", 1, 1_000_000)
    runs_per_day = _positive_decimal(args.runs_per_day, "--runs-per-day", 86_400)
    try:
        table = table or PriceTable.load()
        rates = table.rates(region, size.os, size.arch, args.spot)
        if size.billed_storage_gib:
            rates = table.with_storage(rates, region)
    except PriceError as exc:
        raise ConfigError(str(exc)) from None

    assumptions = {
        "region": region,
        "region_source": region_source,
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
    notes += region_notes
    if args.spot:
        notes.append("Fargate Spot prices move and Spot tasks can be interrupted")
    stale = price_age_note(rates.as_of)
    if stale:
        notes.append(stale)
    if args.compare:
        if args.days is not None:
            raise ConfigError("--days does not apply to --compare, which prices a month")
        desired = _whole(args.desired_count, "--desired-count", 1, 100_000)
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
    days = _positive_decimal(args.days or "1", "--days", 36_600)
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
