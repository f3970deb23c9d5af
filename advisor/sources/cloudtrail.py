"""Read ECS events out of CloudTrail and EventBridge files, fast, one file at a time.

Recognized by content, in any mix, plain or gzip:
- trail files as delivered to S3 (``{"Records": [...]}``; ``CloudTrail-Digest/`` is skipped);
- ``aws cloudtrail lookup-events`` output (``{"Events": [{"CloudTrailEvent": "<json>"}]}``);
- JSON Lines (or a JSON array) of CloudTrail records or EventBridge events, or a single one.

ECS records are a small share of a trail, so a file without ``ecs.amazonaws.com`` or
``aws.ecs`` is dropped after one substring search, and inside a trail file only the records that
mention ECS are parsed: the file is cut at each record's ``{"eventVersion"`` opening (C-speed
string operations) and the other records are never parsed. Only ECS events are kept, so memory
grows with the ECS activity, not with the size of the trail.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterator

from advisor.history.actors import ActorRules
from advisor.history.events import Event, from_cloudtrail, from_eventbridge
from advisor.model import InputError

SUFFIXES = (".json", ".json.gz", ".gz", ".jsonl", ".ndjson", ".jsonl.gz")
_RECORD_START = '{"eventVersion"'
_MARKERS = ("ecs.amazonaws.com", "aws.ecs")


def discover(paths: list[str], errors: list[InputError]) -> Iterator[str]:
    """Files under the given paths, skipping CloudTrail digests; sorted for stable output."""
    for given in paths:
        if os.path.isdir(given):
            for folder, subfolders, files in os.walk(given):
                subfolders[:] = sorted(d for d in subfolders if d != "CloudTrail-Digest")
                for name in sorted(files):
                    if name.endswith(SUFFIXES):
                        yield os.path.join(folder, name)
        elif os.path.isfile(given):
            yield given
        else:
            errors.append(InputError(given, "no such file or directory"))


def read_text(path: str) -> str:
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def _records_fast(text: str) -> Iterator[tuple[int, dict]] | None:
    """(index, record) for the ECS records of a compact trail file, or None to parse it whole."""
    parts = text.split(_RECORD_START)
    if len(parts) < 2 or not parts[0].lstrip().startswith("{"):
        return None
    found = []
    last = len(parts) - 1
    for index, part in enumerate(parts[1:], start=1):
        if "ecs.amazonaws.com" not in part:
            continue
        body = part.rstrip()
        if index == last:  # the last record closes the array and the file's object
            body = body.removesuffix("}").rstrip().removesuffix("]").rstrip()
        else:
            body = body.removesuffix(",").rstrip()
        try:
            record = json.loads(_RECORD_START + body)
        except ValueError:
            return None  # not laid out as expected: parse the whole file instead
        found.append((index - 1, record))
    return iter(found)


def events_in_text(text: str, path: str, rules: ActorRules) -> Iterator[Event]:
    if not any(marker in text for marker in _MARKERS):
        return
    stripped = text.lstrip()
    if stripped.startswith("{") and '"Records"' in stripped[:200]:
        fast = _records_fast(text)
        if fast is not None:
            for index, record in fast:
                event = from_cloudtrail(record, rules, path, 1, f"/Records/{index}")
                if event:
                    yield event
            return
    try:
        document = json.loads(text)
    except ValueError:
        yield from _json_lines(text, path, rules)
        return
    yield from _events_in_document(document, path, rules)


def _events_in_document(document: object, path: str, rules: ActorRules) -> Iterator[Event]:
    if isinstance(document, dict) and isinstance(document.get("Records"), list):
        items = [(f"/Records/{i}", r) for i, r in enumerate(document["Records"])]
    elif isinstance(document, dict) and isinstance(document.get("Events"), list):
        items = []
        for i, wrapper in enumerate(document["Events"]):
            raw = wrapper.get("CloudTrailEvent") if isinstance(wrapper, dict) else None
            if isinstance(raw, str) and "ecs.amazonaws.com" in raw:
                items.append((f"/Events/{i}/CloudTrailEvent", json.loads(raw)))
    elif isinstance(document, list):
        items = [(f"/{i}", r) for i, r in enumerate(document)]
    else:
        items = [("", document)]
    for pointer, item in items:
        event = _event(item, path, 1, pointer, rules)
        if event:
            yield event


def _json_lines(text: str, path: str, rules: ActorRules) -> Iterator[Event]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not any(marker in line for marker in _MARKERS):
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"line {number}: not JSON ({exc})") from None
        event = _event(item, path, number, "", rules)
        if event:
            yield event


def _event(item: object, path: str, line: int, pointer: str, rules: ActorRules) -> Event | None:
    if not isinstance(item, dict):
        return None
    if "detail-type" in item:
        return from_eventbridge(item, path, line, pointer)
    return from_cloudtrail(item, rules, path, line, pointer)


def read_events(paths: list[str], rules: ActorRules, errors: list[InputError]) -> Iterator[Event]:
    """Every ECS event in the files, once (duplicates share an eventID), file after file."""
    seen: set[str] = set()
    for path in discover(paths, errors):
        try:
            events = list(events_in_text(read_text(path), path, rules))
        except (OSError, EOFError, zlib.error) as exc:
            errors.append(InputError(path, f"cannot read: {exc}"))
            continue
        except UnicodeDecodeError:
            errors.append(InputError(path, "not UTF-8 text"))
            continue
        except ValueError as exc:
            errors.append(InputError(path, f"not CloudTrail or EventBridge JSON: {exc}"))
            continue
        for event in events:
            if event.id not in seen:
                seen.add(event.id)
                yield event
