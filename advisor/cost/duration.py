"""Durations as people write them: ``90s``, ``10m``, ``1h30m``, ``2h``, ``8.3m``, ``1d``."""

from __future__ import annotations

import re
from decimal import Decimal

_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_WHOLE = re.compile(r"^(?:\d{1,9}(?:\.\d{1,9})?[dhms])+$")
_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
FORMS = "use a number with d, h, m or s, e.g. 1d, 1h30m, 10m, 90s"
LONGEST = Decimal(366 * 86400)  # a task run longer than a year is a typo


def parse_duration(text: str) -> Decimal:
    """Seconds in a duration, exactly (Decimal: 8.3m is 498 s, not 498.00000000000006)."""
    compact = text.strip().lower().replace(" ", "")
    if not _WHOLE.match(compact):
        raise ValueError(f"bad duration {text!r}: {FORMS}")
    units = [unit for _, unit in _PART.findall(compact)]
    if len(set(units)) != len(units):
        raise ValueError(f"bad duration {text!r}: each of d, h, m and s may appear once")
    seconds = sum(
        (Decimal(number) * _SECONDS[unit] for number, unit in _PART.findall(compact)), Decimal(0)
    )
    if seconds <= 0:
        raise ValueError(f"bad duration {text!r}: it must be longer than zero")
    if seconds > LONGEST:
        raise ValueError(f"bad duration {text!r}: longer than a year")
    return seconds


def format_duration(seconds: Decimal | float) -> str:
    exact = Decimal(str(seconds))
    if exact < 1:
        return f"{exact.normalize():f}s"
    whole = int(exact.to_integral_value())
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts) or "0s"
