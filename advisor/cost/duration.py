"""Durations as people write them: ``90s``, ``10m``, ``1h30m``, ``2h``."""

from __future__ import annotations

import re

_PART = re.compile(r"(\d+(?:\.\d+)?)([hms])")
_WHOLE = re.compile(r"^(?:\d+(?:\.\d+)?[hms])+$")
_SECONDS = {"h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> float:
    """Seconds in a duration; ValueError with a clear message if it is not one."""
    compact = text.strip().lower().replace(" ", "")
    if not _WHOLE.match(compact):
        raise ValueError(
            f"bad duration {text!r}: use a number with h, m or s, e.g. 90s, 10m, 1h30m"
        )
    units = [unit for _, unit in _PART.findall(compact)]
    if len(set(units)) != len(units):
        raise ValueError(f"bad duration {text!r}: each of h, m and s may appear once")
    seconds = sum(float(number) * _SECONDS[unit] for number, unit in _PART.findall(compact))
    if seconds <= 0:
        raise ValueError(f"bad duration {text!r}: it must be longer than zero")
    return seconds


def format_duration(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
        f"{secs}s" if secs else "",
    ]
    return "".join(parts) or "0s"
