"""Read ECS events out of CloudTrail and EventBridge files, fast, one file at a time.

Recognized by content, in any mix, plain or gzip (gzip members concatenated, as Firehose writes
them, included):
- trail files as delivered to S3 (``{"Records": [...]}``; ``CloudTrail-Digest/`` is skipped);
- ``aws cloudtrail lookup-events`` output (``{"Events": [{"CloudTrailEvent": "<json>"}]}``), and
  its ``--query 'Events[*].CloudTrailEvent'`` form (a JSON array of strings, each a record);
- EventBridge events: "ECS Task State Change", and "AWS API Call via CloudTrail" (the record is
  in ``detail``);
- CloudWatch Logs of a trail delivered to a log group: ``aws logs filter-log-events`` output
  (``{"events": [{"message": "<record>"}]}``) and subscription payloads (``{"messageType":
  "DATA_MESSAGE", "logEvents": [...]}``; a ``CONTROL_MESSAGE`` holds no records), also several
  payloads one after another without separators (Firehose deliveries);
- JSON Lines (or a JSON array) of any of these, or a single one.

ECS records are a small share of a trail, so a file without ``ecs.amazonaws.com`` or
``aws.ecs`` is dropped after one substring search, and inside a trail file only the records that
mention ECS are parsed: the file is cut at each record's ``{"eventVersion"`` opening (C-speed
string operations) and the other records are never parsed, only counted. Only ECS events are
kept, so memory grows with the ECS activity, not with the size of the trail.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from advisor.history.actors import ActorRules
from advisor.history.events import Event, from_cloudtrail, from_eventbridge
from advisor.history.timefmt import iso, parse_time
from advisor.history.timeline import histories
from advisor.jsonpos import decode_error_text
from advisor.model import InputError
from advisor.sources.discover import discover
from advisor.sources.registry import source

_RECORD_START = '{"eventVersion"'
_MARKERS = ("ecs.amazonaws.com", "aws.ecs")
# Every CloudTrail record has one eventVersion and one eventSource key, plain or, in a record
# kept as a JSON string (lookup-events, CloudWatch Logs), escaped: counting a key counts records.
_RECORD_KEYS = ("eventVersion", "eventSource")
TASK_STATE_CHANGE = "ECS Task State Change"
_NESTING = 6  # an array of payloads of log events of records is 4 deep; more is not ours


def read_text(path: str) -> str:
    with open(path, "rb") as handle:
        raw = handle.read()
    return decode(raw)


def decode(raw: bytes) -> str:
    # Firehose may gzip what CloudWatch Logs already gzipped: unwrap at most twice.
    for _ in range(2):
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)  # every member, when payloads were concatenated
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # PowerShell's "> file" writes UTF-16
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


# Every record's time, found without parsing: the window is all the records given, ECS or not.
# Records kept as JSON strings escape their quotes.
_TIMES = re.compile(r'\\?"(?:eventTime|time)\\?"\s*:\s*\\?"(\d{4}-\d\d-\d\dT[^"\\]+)')


class ReadStats:
    """What the reading saw besides ECS events: files and bytes read, how many records, and the
    span of all record times (and whether any falls inside --since/--until)."""

    def __init__(self, since: dt.datetime | None = None, until: dt.datetime | None = None) -> None:
        self.files = 0
        self.bytes = 0
        self.records = 0  # CloudTrail records, ECS or not, each time a file holds one
        self.ecs_ids: set[str] = set()  # distinct ECS records (eventID)
        self.task_changes: set[str] = set()  # distinct EventBridge ECS task state changes
        self.first: dt.datetime | None = None
        self.last: dt.datetime | None = None
        self.since, self.until = since, until
        # ISO text compares as time does (CloudTrail writes UTC, to the second, with a Z).
        self._low = iso(since)[:19] if since else ""
        self._high = iso(until)[:19] if until else "9999"
        self.in_window = since is None and until is None
        self.empty_named: list[str] = []  # named files that held no record and no event
        self.progress: Any = None  # an advisor.progress.Progress, on a terminal

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
        if not self.in_window:
            low, high = self._low, self._high
            self.in_window = any(low <= t[:19] <= high for t in times)
        for moment in (parse_time(min(times)), parse_time(max(times))):
            if moment is None:
                continue
            self.first = moment if self.first is None else min(self.first, moment)
            self.last = moment if self.last is None else max(self.last, moment)

    @property
    def read_anything(self) -> bool:
        return bool(self.records or self.task_changes)


def _records_fast(text: str) -> tuple[int, list[tuple[int, dict]]] | None:
    """How many records a compact trail file holds, and (index, record) for its ECS records;
    or None to parse it whole."""
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
    return last, found


def count_records(text: str) -> int:
    """The CloudTrail records in a text, without parsing it (a C-speed search a key). Records
    written by hand may lack eventVersion: then eventSource, which every usable one has."""
    for key in _RECORD_KEYS:
        found = text.count(f'"{key}"') + text.count(f'\\"{key}\\"')
        if found:
            return found
    return 0


def events_in_text(
    text: str,
    path: str,
    rules: ActorRules,
    errors: list[InputError],
    stats: ReadStats | None = None,
) -> Iterator[Event]:
    """The ECS events of one file's text; ``stats`` counts its records (ECS or not)."""
    stats = stats if stats is not None else ReadStats()
    ecs = any(marker in text for marker in _MARKERS)
    stripped = text.lstrip()
    if stripped.startswith("{") and '"Records"' in stripped[:200]:  # a trail file
        # Trail files hold records as objects, never as strings: one count (or split) will do.
        if not ecs:
            stats.records += text.count(_RECORD_START) or count_records(text)
            return
        fast = _records_fast(text)
        if fast is not None:
            stats.records += fast[0]
            for index, record in fast[1]:
                event = _record(record, path, 1, f"/Records/{index}", rules, stats)
                if event:
                    yield event
            return
    stats.records += count_records(text)
    if not ecs:
        return
    try:
        document = json.loads(text)
    except ValueError:
        yield from _several_documents(text, path, rules, errors, stats)
        return
    yield from _walk(document, path, 1, "", rules, stats)


def _walk(
    item: object,
    path: str,
    line: int,
    pointer: str,
    rules: ActorRules,
    stats: ReadStats,
    depth: int = 0,
) -> Iterator[Event]:
    """The events in one JSON value, whichever of the shapes above it has."""
    if depth > _NESTING:
        return
    if isinstance(item, list):
        for index, element in enumerate(item):
            yield from _walk(element, path, line, f"{pointer}/{index}", rules, stats, depth + 1)
        return
    if isinstance(item, str):  # a record kept as text: lookup-events, a log event's message
        if "ecs.amazonaws.com" not in item:
            return
        try:
            item = json.loads(item)
        except ValueError:
            return  # text that is not a record (a log line), and holds none
        yield from _walk(item, path, line, pointer, rules, stats, depth + 1)
        return
    if not isinstance(item, dict):
        return
    if "eventVersion" in item or "eventSource" in item:
        event = _record(item, path, line, pointer, rules, stats)
        if event:
            yield event
        return
    kind = item.get("detail-type")
    if isinstance(kind, str):  # an EventBridge event
        if kind == TASK_STATE_CHANGE and item.get("source") == "aws.ecs":
            stats.task_changes.add(str(item.get("id") or f"{path}:{line}:{pointer}"))
            event = from_eventbridge(item, path, line, pointer)
            if event:
                yield event
        elif kind.endswith("via CloudTrail"):  # "AWS API Call via CloudTrail": a record
            yield from _walk(
                item.get("detail"), path, line, f"{pointer}/detail", rules, stats, depth + 1
            )
        return
    if item.get("messageType") == "CONTROL_MESSAGE":
        return  # CloudWatch Logs checking that the destination is reachable
    for key in ("CloudTrailEvent", "message"):  # a lookup-events element, a log event
        if isinstance(item.get(key), str):
            yield from _walk(item[key], path, line, f"{pointer}/{key}", rules, stats, depth + 1)
            return
    for key in ("Records", "Events", "events", "logEvents"):
        if isinstance(item.get(key), list):
            yield from _walk(item[key], path, line, f"{pointer}/{key}", rules, stats, depth + 1)
            return


def _several_documents(
    text: str, path: str, rules: ActorRules, errors: list[InputError], stats: ReadStats
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
                message, _, column = decode_error_text(exc)
                errors.append(InputError(path, f"not JSON: {message}", number, column))
                continue
            yield from _walk(item, path, number, "", rules, stats)
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
            message, at, column = decode_error_text(exc)
            at = at or text.count("\n", 0, position) + 1
            errors.append(
                InputError(path, f"not CloudTrail or EventBridge JSON: {message}", at, column)
            )
            return
        at_line = text.count("\n", 0, position) + 1
        yield from _walk(document, path, at_line, "", rules, stats)
        position = end


def _record(
    record: dict, path: str, line: int, pointer: str, rules: ActorRules, stats: ReadStats
) -> Event | None:
    if record.get("eventSource") == "ecs.amazonaws.com":
        stats.ecs_ids.add(str(record.get("eventID") or f"{path}:{line}:{pointer}"))
    return from_cloudtrail(record, rules, path, line, pointer)


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
    ``named`` (a person named it) that holds no record and no event is listed in
    ``stats.empty_named``.
    """
    stats = stats or ReadStats()
    seen: set[str] = set()
    for path in files:
        before = (stats.records, len(stats.task_changes))
        try:
            text = read_text(path)
            events = list(events_in_text(text, path, rules, errors, stats))
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
            message, line, column = decode_error_text(exc)
            errors.append(
                InputError(path, f"not CloudTrail or EventBridge JSON: {message}", line, column)
            )
            continue
        except Exception as exc:  # one odd file must not cost the findings of all the others
            errors.append(InputError(path, f"cannot use: {type(exc).__name__}: {exc}"))
            continue
        held = (stats.records, len(stats.task_changes)) != before
        stats.files += 1 if held else 0
        if not held and path in named:
            stats.empty_named.append(path)
        if stats.progress is not None:
            stats.progress.add(files=1, size=_size(path), records=stats.records - before[0])
        for event in events:
            if event.id not in seen:
                seen.add(event.id)
                yield event


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def summary(stats: ReadStats, events: list[Event]) -> tuple[dict[str, Any], str | None]:
    """What the run read, for every report: the counts and the window (the span of the records
    read within --since/--until); and a note when no record falls inside --since/--until."""
    times = [e.time for e in events] + [t for t in (stats.first, stats.last) if t is not None]
    first, last = min(times, default=None), max(times, default=None)
    since, until = stats.since, stats.until
    inside = stats.in_window or any(
        (since is None or e.time >= since) and (until is None or e.time <= until) for e in events
    )
    note = None
    if first is None or last is None or not inside:
        start, end = since, until  # nothing inside: the window asked for
        if first is not None and last is not None and (since or until):
            note = (
                f"no records {_span(since, until)} (--since/--until): the {stats.records} "
                f"records read run from {iso(first)} to {iso(last)}"
            )
    else:
        start = max(first, since) if since else first
        end = min(last, until) if until else last
    return {
        "records": stats.records,
        "ecs_records": len(stats.ecs_ids),
        "eventbridge_events": len(stats.task_changes),
        "window": {
            "start": iso(start) if start else None,
            "end": iso(end) if end else None,
        },
    }, note


def _span(since: dt.datetime | None, until: dt.datetime | None) -> str:
    if since and until:
        return f"from {iso(since)} to {iso(until)}"
    return f"from {iso(since)} on" if since else f"up to {iso(until)}" if until else "at all"


def read(candidates: list[Any], context: Any) -> list[Any]:
    """The source's door (``advisor.sources.registry``): the service, job and RunTask histories
    the records of all the files describe, within the settings' window. What was read goes to
    ``context.result.history``."""
    settings = context.settings
    actor_rules = ActorRules(settings.automation_roles, settings.human_roles)
    stats = ReadStats(settings.since, settings.until)
    stats.progress = getattr(context, "progress", None)
    files = [candidate.path for candidate in candidates]
    named = frozenset(c.path for c in candidates if c.explicit and context.person_named)
    events = list(read_events(files, actor_rules, context.result.errors, stats, named))
    context.result.files_checked += stats.files
    for path in stats.empty_named if stats.read_anything else ():  # else: the run's error
        context.note(f"{path}: no CloudTrail records or EventBridge events; skipped")
    context.result.history, note = summary(stats, events)
    if note and stats.read_anything:
        context.note(note)
    return histories(events, settings, stats, context.task_definitions, context.known_desired)
