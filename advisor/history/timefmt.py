"""Timestamps as CloudTrail and ECS write them, and time windows as people write them."""

from __future__ import annotations

import datetime as dt
import re

UTC = dt.UTC
LATEST = dt.datetime.max.replace(tzinfo=UTC)  # --until 9999-12-31 means "no end"
# Record times outside these are typos or forgeries, never calls: CloudTrail began in November
# 2013, and it writes the time of a call that happened (a day covers clocks that run ahead).
EARLIEST_RECORD = dt.datetime(2013, 1, 1, tzinfo=UTC)
AHEAD = dt.timedelta(days=1)
# Seen inside responseElements: "Apr 27, 2026, 2:18:03 AM", and in older records without the
# comma after the year, "Jul 9, 2018 12:56:54 PM".
_AWS_STYLES = ("%b %d, %Y, %I:%M:%S %p", "%b %d, %Y %I:%M:%S %p")
_RELATIVE = re.compile(r"^(\d{1,5})\s*([wdhm])$", re.IGNORECASE)
_DATE_ONLY = re.compile(r"^\d{4}-\d\d-\d\d$")


def parse_time(value: object) -> dt.datetime | None:
    """A UTC datetime from ISO text, the "Apr 27, 2026, 2:18:03 AM" style, or epoch seconds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # epoch milliseconds, as in some exports
        try:
            return dt.datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed: dt.datetime | None = dt.datetime.fromisoformat(value)
    except ValueError:
        parsed = _aws_style(value.strip())
    if parsed is None:
        return None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # year 1 at +01:00, year 9999 at -01:00: no UTC time to give
        return None


def latest_record(now: dt.datetime | None = None) -> dt.datetime:
    return (now or dt.datetime.now(UTC)) + AHEAD


def plausible(moment: dt.datetime, latest: dt.datetime | None = None) -> bool:
    """Whether a record or task may be dated so (EARLIEST_RECORD to a day from now)."""
    return EARLIEST_RECORD <= moment <= (latest or latest_record())


def _aws_style(text: str) -> dt.datetime | None:
    for style in _AWS_STYLES:
        try:
            return dt.datetime.strptime(text, style)
        except ValueError:
            continue
    return None


def parse_bound(text: str, now: dt.datetime | None = None, end_of_day: bool = False) -> dt.datetime:
    """``--since``/``--until``: an ISO date or time, or a span back from now (``30d``, ``2w``,
    ``12h``). A bare date given as an end (``--until 2026-10-16``) includes that whole day."""
    match = _RELATIVE.match(text.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        days = {"w": 7, "d": 1}.get(unit, 0) * amount
        hours = amount if unit == "h" else 0
        minutes = amount if unit == "m" else 0
        span = dt.timedelta(days=days, hours=hours, minutes=minutes)
        return (now or dt.datetime.now(UTC)) - span
    if end_of_day and _DATE_ONLY.match(text.strip()):
        start = parse_time(text.strip())
        if start is not None:
            try:
                return start + dt.timedelta(days=1, microseconds=-1)
            except OverflowError:  # 9999-12-31: to the end of time
                return LATEST
    parsed = parse_time(text.strip())
    if parsed is None and _outside_utc(text.strip()):
        raise ValueError(f"bad time {text!r}: outside the years 1 to 9999 in UTC")
    if parsed is None:
        raise ValueError(
            f"bad time {text!r}: use an ISO date or time (2026-10-01, 2026-10-01T08:00Z) or a span "
            "such as 30d, 2w or 12h"
        )
    return parsed


def _outside_utc(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True  # an ISO time parse_time could not move to UTC


def iso(moment: dt.datetime) -> str:
    # isoformat, not strftime: %Y writes year 1 as "1", not "0001"
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat() + "Z"
