"""Checks on what the AWS API answered, so that an answer cut short never reads as a complete one.

botocore does not enforce a body's length, and a body it cannot parse becomes a dict without the
answer's keys: reading such a dict with defaults (``.get("services", [])``) turns a damaged
answer into "no services". Every key the audit reads is required here; a Describe call's
answers and failures must add up to what it asked for; each failure is kept to be reported.
"""

from __future__ import annotations

from typing import Any


class IncompleteResponse(Exception):
    """An answer without a key it always has, or with fewer items than were asked for."""


def items(page: Any, key: str, call: str) -> list:
    """``page[key]``, a list the API always returns (empty when there is nothing)."""
    value = page.get(key) if isinstance(page, dict) else None
    if not isinstance(value, list):
        raise IncompleteResponse(f"{call}: the answer has no '{key}' list (cut short or damaged)")
    return value


def member(page: Any, key: str, call: str) -> dict:
    """``page[key]``, an object the API always returns."""
    value = page.get(key) if isinstance(page, dict) else None
    if not isinstance(value, dict):
        raise IncompleteResponse(f"{call}: the answer has no '{key}' (cut short or damaged)")
    return value


def described(page: Any, key: str, asked: list[str], call: str) -> tuple[list, list[dict]]:
    """The items and failures of a Describe call (DescribeServices, DescribeTasks) that asked for
    ``asked``: every ARN asked for is either described or a failure, never silently missing."""
    found = items(page, key, call)
    failures = page.get("failures", [])
    if not isinstance(failures, list):
        raise IncompleteResponse(f"{call}: the answer's 'failures' is not a list")
    if len(found) + len(failures) != len(asked):
        raise IncompleteResponse(
            f"{call}: asked for {len(asked)}, answered {len(found)} and {len(failures)} "
            "failures (cut short or damaged)"
        )
    return found, [f for f in failures if isinstance(f, dict)]


def failure_message(failure: dict) -> str:
    """One failure entry as a line: its reason (and detail) and the ARN it is about."""
    reason = str(failure.get("reason") or "no reason given")
    detail = failure.get("detail")
    text = f"{reason} ({detail})" if detail else reason
    return f"{text}: {failure.get('arn', 'no ARN given')}"


def listed_objects(page: Any, call: str) -> list:
    """A ListObjectsV2 page's objects; ``Contents`` is absent when there are none, so its
    ``KeyCount`` (objects and common prefixes) is what says the page is whole."""
    count = page.get("KeyCount") if isinstance(page, dict) else None
    if not isinstance(count, int):
        raise IncompleteResponse(f"{call}: the answer has no 'KeyCount' (cut short or damaged)")
    contents = page.get("Contents", [])
    prefixes = page.get("CommonPrefixes", [])
    if not isinstance(contents, list) or not isinstance(prefixes, list):
        raise IncompleteResponse(f"{call}: the answer's listing is damaged")
    if len(contents) + len(prefixes) != count:
        raise IncompleteResponse(
            f"{call}: KeyCount says {count}, the answer holds {len(contents) + len(prefixes)}"
        )
    return contents
