"""Fargate task sizes and the unit strings the ECS API accepts for them.

Shared by the lint rules and the cost model. Sizes from the Fargate documentation: CPU units
mapped to the memory values (MiB) allowed with them.
"""

from __future__ import annotations

import math
import re


def _gb(*values: int) -> tuple[int, ...]:
    return tuple(v * 1024 for v in values)


FARGATE_SIZES: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: _gb(*range(1, 5)),
    1024: _gb(*range(2, 9)),
    2048: _gb(*range(4, 17)),
    4096: _gb(*range(8, 31)),
    8192: _gb(*range(16, 61, 4)),
    16384: _gb(*range(32, 121, 8)),
    32768: _gb(60, 120, 244),
}
# Windows on Fargate runs 1, 2 or 4 vCPU, with the Linux memory ranges for those sizes.
WINDOWS_CPU = (1024, 2048, 4096)

# AWS's own documentation writes sizes with no leading zero (".25 vcpu", ".5 gb").
_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
_CPU = re.compile(rf"^\s*{_NUMBER}\s*(vcpus?)?\s*$", re.IGNORECASE)
_MEMORY = re.compile(rf"^\s*{_NUMBER}\s*(gb|gib|mb|mib)?\s*$", re.IGNORECASE)


def _parse_quantity(
    value: object, pattern: re.Pattern[str], unit_scale: dict[str, int]
) -> int | None:
    """An integer amount from a number or a unit string; None if unreadable or fractional."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        return None
    match = pattern.match(value) if len(value) <= 64 else None  # no size has 64 digits
    if not match:
        return None
    amount = float(match.group(1)) * unit_scale.get((match.group(2) or "").lower(), 1)
    if not math.isfinite(amount):  # "1" * 400 reads as infinity
        return None
    return int(amount) if amount == int(amount) else None


def parse_cpu(value: object) -> int | None:
    """CPU units from ``"256"``, ``256``, ``"1 vCPU"``, ``"0.25 vcpu"`` or ``".25 vcpu"``; None if unreadable."""
    return _parse_quantity(value, _CPU, {"vcpu": 1024, "vcpus": 1024})


def parse_memory(value: object) -> int | None:
    """MiB from ``"512"``, ``512``, ``"2 GB"``, ``"0.5GB"`` or ``".5 gb"``; None if unreadable."""
    return _parse_quantity(value, _MEMORY, {"gb": 1024, "gib": 1024})


def format_memory(mib: int) -> str:
    return f"{mib // 1024} GB" if mib % 1024 == 0 else f"{mib} MiB"


def format_cpu(units: int) -> str:
    vcpu = units / 1024
    return f"{vcpu:g} vCPU"


def valid_memory_text(cpu: int) -> str:
    """The memory values allowed with a CPU size, compactly (``2 GB to 8 GB in 1 GB steps``)."""
    values = FARGATE_SIZES[cpu]
    if cpu == 256 or cpu == 32768:
        return ", ".join(format_memory(v) for v in values)
    step = values[1] - values[0]
    return (
        f"{format_memory(values[0])} to {format_memory(values[-1])} in {format_memory(step)} steps"
    )


def is_valid_size(cpu: int, memory: int) -> bool:
    return memory in FARGATE_SIZES.get(cpu, ())
