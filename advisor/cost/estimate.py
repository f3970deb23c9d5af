"""Fargate billing: what a task of a given size costs for a given time, and service versus job.

Billing rules (AWS Fargate pricing): per second, rounded up, from image pull to task stop, with
a 1-minute minimum per task on Linux and 5 minutes on Windows; vCPU, memory and (on Windows)
the OS licence per vCPU are charged by the hour; ephemeral storage beyond the 20 GB included.
All arithmetic is Decimal, so figures are exact to the last digit of the prices.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from advisor.cost.prices import Rates
from advisor.fargate import (
    FARGATE_SIZES,
    WINDOWS_CPU,
    format_cpu,
    format_memory,
    is_valid_size,
    parse_cpu,
    parse_memory,
)
from advisor.values import is_unknown

INCLUDED_STORAGE_GIB = 20
MAX_STORAGE_GIB = 200
HOURS_PER_MONTH = Decimal(730)  # as AWS's pricing calculator counts a month
DAYS_PER_MONTH = Decimal("30.42")
MINIMUM_SECONDS = {"linux": 60, "windows": 300}
_HOUR = Decimal(3600)


class SizeError(ValueError):
    """A CPU/memory pair that Fargate does not run."""


class TaskSize:
    """What Fargate bills for: vCPU, memory, storage, architecture and operating system."""

    __slots__ = ("arch", "cpu", "memory", "note", "os", "storage_gib")

    def __init__(
        self,
        cpu: int,
        memory: int,
        storage_gib: int = INCLUDED_STORAGE_GIB,
        arch: str = "x86_64",
        os: str = "linux",
        note: str | None = None,
    ) -> None:
        self.cpu = cpu  # CPU units (1024 = 1 vCPU)
        self.memory = memory  # MiB
        self.storage_gib = storage_gib
        self.arch = arch
        self.os = os
        self.note = note  # how the size was chosen, when it was not given

    @property
    def vcpu(self) -> Decimal:
        return Decimal(self.cpu) / 1024

    @property
    def memory_gb(self) -> Decimal:
        return Decimal(self.memory) / 1024

    @property
    def billed_storage_gib(self) -> int:
        return max(0, self.storage_gib - INCLUDED_STORAGE_GIB)

    def describe(self) -> str:
        return (
            f"{format_cpu(self.cpu)}, {format_memory(self.memory)}, "
            f"{self.storage_gib} GB storage, {self.os.capitalize()}/{self.arch}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "cpu": self.cpu,
            "memory": self.memory,
            "vcpu": self.vcpu,
            "memory_gb": self.memory_gb,
            "ephemeral_storage_gib": self.storage_gib,
            "note": self.note,
        }


def check_size(cpu: int, memory: int, os: str) -> None:
    """SizeError naming the valid memory values when the pair is not a Fargate size."""
    from advisor.fargate import valid_memory_text

    if cpu not in FARGATE_SIZES:
        sizes = ", ".join(f"{c} ({format_cpu(c)})" for c in FARGATE_SIZES)
        raise SizeError(f"{cpu} CPU units is not a Fargate size; use one of {sizes}")
    if os == "windows" and cpu not in WINDOWS_CPU:
        raise SizeError(f"Windows on Fargate runs 1, 2 or 4 vCPU, not {format_cpu(cpu)}")
    if not is_valid_size(cpu, memory):
        raise SizeError(
            f"{format_cpu(cpu)} with {format_memory(memory)} is not a Fargate size; "
            f"valid memory for {format_cpu(cpu)}: {valid_memory_text(cpu)}"
        )


def smallest_fitting_size(cpu_needed: int, memory_needed: int, os: str) -> tuple[int, int]:
    """The smallest Fargate size with at least this CPU and memory."""
    for cpu, memories in FARGATE_SIZES.items():
        if cpu < cpu_needed or (os == "windows" and cpu not in WINDOWS_CPU):
            continue
        for memory in memories:
            if memory >= memory_needed:
                return cpu, memory
    raise SizeError(
        f"no Fargate size holds {format_cpu(cpu_needed)} with {format_memory(memory_needed)}"
    )


def _platform(data: dict) -> tuple[str, str]:
    platform = data.get("runtimePlatform")
    platform = platform if isinstance(platform, dict) else {}
    arch = "arm64" if str(platform.get("cpuArchitecture", "")).upper() == "ARM64" else "x86_64"
    family = str(platform.get("operatingSystemFamily", ""))
    return arch, "windows" if family.upper().startswith("WINDOWS") else "linux"


def _container_total(containers: list, *keys: str) -> int:
    total = 0
    for container in containers:
        if isinstance(container, dict):
            for key in keys:
                value = container.get(key)
                if type(value) is int and value > 0:
                    total += value
                    break
    return total


def size_from_task_definition(data: dict) -> TaskSize:
    """The billed size of a task definition, choosing the smallest fitting one if it has none."""
    arch, os = _platform(data)
    storage = data.get("ephemeralStorage")
    storage_gib = storage.get("sizeInGiB") if isinstance(storage, dict) else None
    storage_gib = storage_gib if type(storage_gib) is int else INCLUDED_STORAGE_GIB
    cpu, memory = parse_cpu(data.get("cpu")), parse_memory(data.get("memory"))
    if (
        cpu is not None
        and memory is not None
        and is_valid_size(cpu, memory)
        and (os != "windows" or cpu in WINDOWS_CPU)
    ):
        return TaskSize(cpu, memory, storage_gib, arch, os)
    containers = data.get("containerDefinitions")
    containers = containers if isinstance(containers, list) else []
    cpu_needed = cpu or _container_total(containers, "cpu")
    memory_needed = memory or _container_total(containers, "memory", "memoryReservation")
    fit_cpu, fit_memory = smallest_fitting_size(cpu_needed or 1, memory_needed or 1, os)
    compatibilities = data.get("requiresCompatibilities")
    declared_fargate = isinstance(compatibilities, list) and "FARGATE" in compatibilities
    unknown = [k for k in ("cpu", "memory") if is_unknown(data.get(k))]
    if unknown:  # a template fills it in later: not a mistake, but not a size we know either
        why = f"its {' and '.join(unknown)} is only known when deployed (a template value)"
    elif declared_fargate:
        why = "its cpu/memory is not a Fargate size (registration would fail)"
    else:
        why = "the task definition has no valid Fargate size"
    note = (
        f"{why}; priced at the smallest Fargate size that fits "
        f"({format_cpu(fit_cpu)}, {format_memory(fit_memory)})"
    )
    return TaskSize(fit_cpu, fit_memory, storage_gib, arch, os, note)


def billed_seconds(duration_seconds: Decimal | float, os: str) -> int:
    """Seconds billed for one task run: rounded up, never below the minimum."""
    return max(math.ceil(Decimal(str(duration_seconds))), MINIMUM_SECONDS[os])


class Breakdown:
    """Dollars by what they pay for."""

    __slots__ = ("ephemeral_storage", "memory", "vcpu", "windows_license")

    def __init__(self, size: TaskSize, rates: Rates, task_hours: Decimal) -> None:
        self.vcpu = size.vcpu * task_hours * rates.vcpu_hour
        self.memory = size.memory_gb * task_hours * rates.gb_hour
        self.ephemeral_storage = size.billed_storage_gib * task_hours * rates.storage_gb_hour
        self.windows_license = size.vcpu * task_hours * rates.license_vcpu_hour

    @property
    def total(self) -> Decimal:
        return self.vcpu + self.memory + self.ephemeral_storage + self.windows_license

    def to_dict(self) -> dict[str, Decimal]:
        return {
            "vcpu": self.vcpu,
            "memory": self.memory,
            "ephemeral_storage": self.ephemeral_storage,
            "windows_license": self.windows_license,
        }


def usage_cost(
    size: TaskSize,
    rates: Rates,
    tasks: int,
    duration_seconds: Decimal | float,
    runs_per_day: Decimal,
    days: Decimal,
) -> tuple[Breakdown, Decimal]:
    """``tasks`` tasks of ``duration`` each, ``runs_per_day`` times a day for ``days`` days.

    Returns the breakdown and the task-hours billed.
    """
    seconds = Decimal(billed_seconds(duration_seconds, size.os))
    task_hours = Decimal(tasks) * seconds * runs_per_day * days / _HOUR
    return Breakdown(size, rates, task_hours), task_hours


def service_monthly(size: TaskSize, rates: Rates, desired_count: int) -> tuple[Breakdown, Decimal]:
    """An always-on service: ``desired_count`` tasks for the 730 hours of a month."""
    task_hours = Decimal(desired_count) * HOURS_PER_MONTH
    return Breakdown(size, rates, task_hours), task_hours


def to_cents(amount: Decimal | float) -> Decimal:
    """Dollars rounded to the cent, half up as bills are."""
    return Decimal(str(amount)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def cents(amount: Decimal | float) -> str:
    rounded = to_cents(amount)
    return f"-${-rounded:,}" if rounded < 0 else f"${rounded:,}"
