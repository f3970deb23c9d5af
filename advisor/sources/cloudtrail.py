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

import datetime as dt
import gzip
import json
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from advisor.history.actors import ActorRules
from advisor.history.events import Event, from_cloudtrail, from_eventbridge
from advisor.history.timefmt import parse_time
from advisor.history.timeline import histories
from advisor.model import InputError
from advisor.sources.discover import discover
from advisor.sources.registry import source

_RECORD_START = '{"eventVersion"'
_MARKERS = ("ecs.amazonaws.com", "aws.ecs")
NOT_RECORDS = "not CloudTrail or EventBridge records"
# Keys only CloudTrail records, lookup-events output and EventBridge events have.
_SHAPES = ('"eventVersion"', '"eventSource"', '"CloudTrailEvent"', '"detail-type"', '"Records"')


def read_text(path: str) -> str:
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # PowerShell's "> file" writes UTF-16
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


# Every record's time, found without parsing: the window is all the records given, ECS or not.
_TIMES = re.compile(r'"(?:eventTime|time)"\s*:\s*"(\d{4}-\d\d-\d\dT[^"]+)"')


class ReadStats:
    """What the reading saw besides ECS events: files read, and the span of all record times."""

    def __init__(self) -> None:
        self.files = 0
        self.first: dt.datetime | None = None
        self.last: dt.datetime | None = None

    def add_times(self, text: str) -> None:
        # Compact trail files: split on the key (C speed); anything else: a regular expression.
        parts = text.split('"eventTime":"')
        times = (
            [part[: part.find('"')] for part in parts[1:]]
            if len(parts) > 1
            else _TIMES.findall(text)
        )
        if not times:
            return
        for moment in (parse_time(min(times)), parse_time(max(times))):
            if moment is None:
                continue
            self.first = moment if self.first is None else min(self.first, moment)
            self.last = moment if self.last is None else max(self.last, moment)


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


def events_in_text(
    text: str, path: str, rules: ActorRules, errors: list[InputError], named: bool = False
) -> Iterator[Event]:
    if not any(marker in text for marker in _MARKERS):
        if named and text.strip() not in ("", "[]") and not any(m in text for m in _SHAPES):
            # A file a person named that holds records of other services is read and quiet;
            # one that holds no records at all was not read, and must not pass as "no problems".
            errors.append(InputError(path, NOT_RECORDS))
        return
    stripped = text.lstrip()
    if stripped.startswith("{") and '"Records"' in stripped[:200]:
        fast = _records_fast(text)
        if fast is not None:
            for index, record in fast:
                event = _event(record, path, 1, f"/Records/{index}", rules)
                if event:
                    yield event
            return
    try:
        document = json.loads(text)
    except ValueError:
        yield from _several_documents(text, path, rules, errors)
        return
    yield from _events_in_document(document, path, 1, "", rules)


def _events_in_document(
    document: object, path: str, line: int, base: str, rules: ActorRules
) -> Iterator[Event]:
    if isinstance(document, dict) and isinstance(document.get("Records"), list):
        items = [(f"{base}/Records/{i}", r) for i, r in enumerate(document["Records"])]
    elif isinstance(document, dict) and isinstance(document.get("Events"), list):
        items = [(f"{base}/Events/{i}", e) for i, e in enumerate(document["Events"])]
    elif isinstance(document, list):
        items = [(f"{base}/{i}", r) for i, r in enumerate(document)]
    else:
        items = [(base, document)]
    for pointer, item in items:
        event = _event(item, path, line, pointer, rules)
        if event:
            yield event


def _several_documents(
    text: str, path: str, rules: ActorRules, errors: list[InputError]
) -> Iterator[Event]:
    """JSON Lines (a bad line is reported and the others are kept), or JSON documents one after
    another (pretty-printed output of a loop, Firehose deliveries)."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    try:
        json.loads(first)
        is_lines = True
    except ValueError:
        is_lines = False
    if is_lines:
        for number, line in enumerate(lines, start=1):
            if not any(marker in line for marker in _MARKERS):
                continue
            try:
                item = json.loads(line)
            except ValueError as exc:
                errors.append(InputError(path, f"not JSON: {exc.args[0].split(':')[0]}", number))
                continue
            yield from _events_in_document(item, path, number, "", rules)
        return
    decoder = json.JSONDecoder()
    position = 0
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        try:
            document, end = decoder.raw_decode(text, position)
        except ValueError as exc:
            at_line = text.count("\n", 0, position) + 1
            errors.append(InputError(path, f"not CloudTrail or EventBridge JSON: {exc}", at_line))
            return
        at_line = text.count("\n", 0, position) + 1
        yield from _events_in_document(document, path, at_line, "", rules)
        position = end


def _event(item: object, path: str, line: int, pointer: str, rules: ActorRules) -> Event | None:
    if not isinstance(item, dict):
        return None
    wrapped = item.get("CloudTrailEvent")  # a lookup-events element, with or without its list
    if isinstance(wrapped, str):
        if "ecs.amazonaws.com" not in wrapped:
            return None
        item, pointer = json.loads(wrapped), f"{pointer}/CloudTrailEvent"
        if not isinstance(item, dict):
            return None
    if "detail-type" in item:
        return from_eventbridge(item, path, line, pointer)
    return from_cloudtrail(item, rules, path, line, pointer)


def event_files(paths: list[str], errors: list[InputError]) -> list[str]:
    """The files under ``paths`` that may hold records (digests skipped), sorted by folder."""
    return [c.path for c in discover(paths, [source("cloudtrail")], [], Path.cwd(), errors)]


def read_events(
    files: list[str],
    rules: ActorRules,
    errors: list[InputError],
    stats: ReadStats | None = None,
    named: frozenset[str] = frozenset(),
) -> Iterator[Event]:
    """Every ECS event in the files, once (duplicates share an eventID), file after file.

    A file that cannot be read is one error naming it; the other files are still read. A file in
    ``named`` (a person named it) that holds no records at all is an error too.
    """
    stats = stats or ReadStats()
    seen: set[str] = set()
    for path in files:
        try:
            text = read_text(path)
            file_errors: list[InputError] = []
            events = list(events_in_text(text, path, rules, file_errors, path in named))
            errors.extend(file_errors)
            stats.files += 0 if any(e.message == NOT_RECORDS for e in file_errors) else 1
            stats.add_times(text)
        except (OSError, EOFError, zlib.error) as exc:
            errors.append(InputError(path, f"cannot read: {exc}"))
            continue
        except UnicodeDecodeError:
            errors.append(InputError(path, "not UTF-8 text"))
            continue
        except RecursionError:
            errors.append(InputError(path, "JSON nested too deeply to be CloudTrail"))
            continue
        except ValueError as exc:
            errors.append(InputError(path, f"not CloudTrail or EventBridge JSON: {exc}"))
            continue
        except Exception as exc:  # one odd file must not cost the findings of all the others
            errors.append(InputError(path, f"cannot use: {type(exc).__name__}: {exc}"))
            continue
        for event in events:
            if event.id not in seen:
                seen.add(event.id)
                yield event


def read(candidates: list[Any], context: Any) -> list[Any]:
    """The source's door (``advisor.sources.registry``): the service, job and RunTask histories
    the records of all the files describe, within the settings' window."""
    settings = context.settings
    actor_rules = ActorRules(settings.automation_roles, settings.human_roles)
    stats = ReadStats()
    files = [candidate.path for candidate in candidates]
    named = frozenset(c.path for c in candidates if c.explicit and context.person_named)
    events = list(read_events(files, actor_rules, context.result.errors, stats, named))
    context.result.files_checked += stats.files
    return histories(events, settings, stats, context.task_definitions, context.known_desired)
