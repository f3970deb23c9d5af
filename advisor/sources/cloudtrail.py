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
import json
import os
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from advisor.history.actors import ActorRules
from advisor.history.events import Event, from_cloudtrail, from_eventbridge
from advisor.history.timefmt import iso, latest_record, parse_time, plausible
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


GZIP_MAGIC = b"\x1f\x8b"
# What one file may hold once decompressed: a day's trail file of a busy account is tens of MB;
# past this a file is a bomb or a mistake, and reading it would take the machine's memory.
MAX_FILE_BYTES = 1 << 30
MAX_FILE_BYTES_VARIABLE = "ECS_ADVISOR_MAX_FILE_BYTES"
_CHUNK = 1 << 20


def _whole(text: str) -> int | float:
    # Python refuses to turn over 4,300 digits into an int (ValueError, the whole file lost):
    # such a number is no count or id of ours, and as infinity it costs only its record.
    return int(text) if len(text) <= 4000 else float(text)


_DECODER = json.JSONDecoder(parse_int=_whole)


def _loads(text: str) -> Any:
    return _clean(json.loads(text, parse_int=_whole), text)


# A "\ud800" escape decodes to a lone surrogate, which no report can write (UTF-8 has none).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def _clean(value: Any, text: str) -> Any:
    """The value with lone surrogates replaced (U+FFFD), when ``text`` escapes any."""
    return _replace_surrogates(value) if _SURROGATE_ESCAPE.search(text) else value


def _replace_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, list):
        return [_replace_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_replace_surrogates(k): _replace_surrogates(v) for k, v in value.items()}
    return value


class TooLarge(ValueError):
    """A file bigger than the limit, or that decompresses to more."""


def max_file_bytes() -> int:
    """The limit: MAX_FILE_BYTES, or a whole number of bytes in ECS_ADVISOR_MAX_FILE_BYTES."""
    text = os.environ.get(MAX_FILE_BYTES_VARIABLE, "").strip()
    return int(text) if text.isdigit() and int(text) > 0 else MAX_FILE_BYTES


def _limit_text(limit: int) -> str:
    # A limit the user set is not echoed: it came from an environment variable.
    if limit != MAX_FILE_BYTES:
        return f"the limit set by {MAX_FILE_BYTES_VARIABLE}"
    size = f"{limit >> 30} GiB" if limit % (1 << 30) == 0 else f"{limit} bytes"
    return f"{size} (set {MAX_FILE_BYTES_VARIABLE} to read more)"


def read_text(path: str, limit: int | None = None) -> str:
    """A file's text, gunzipped as it is read, never more than ``limit`` bytes of it (TooLarge).
    A ``.gz`` file that is not gzip is an error (OSError), not an empty history."""
    limit = limit or max_file_bytes()
    with open(path, "rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        if head != GZIP_MAGIC:
            if path.endswith(".gz"):
                raise OSError("empty, not gzip" if not head else "not gzip data")
            raw = handle.read(limit + 1)
            if len(raw) > limit:
                raise TooLarge(f"larger than {_limit_text(limit)}")
            return decode(raw, limit)
        raw = gunzip(iter(lambda: handle.read(_CHUNK), b""), limit)
    return decode(raw, limit)


def gunzip(chunks: Iterator[bytes] | list[bytes], limit: int) -> bytes:
    """Every gzip member in ``chunks``, one after another (Firehose concatenates them), read
    incrementally: decompressing stops at ``limit`` bytes, whatever the compression ratio."""
    out = bytearray()
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    fed = False  # whether the current member has begun
    between = False  # a member ended: zero padding, or the next member
    for chunk in chunks:
        pending = chunk
        while pending:
            if between:
                pending = pending.lstrip(b"\x00")
                if not pending:
                    break
                decompressor, between = zlib.decompressobj(16 + zlib.MAX_WBITS), False
            fed = True
            out += decompressor.decompress(pending, limit + 1 - len(out))
            if len(out) > limit:
                raise TooLarge(f"decompresses to more than {_limit_text(limit)}")
            pending = decompressor.unconsumed_tail
            if decompressor.eof:
                pending, between, fed = decompressor.unused_data, True, False
    if fed and not decompressor.eof:
        raise EOFError("compressed file ended before the end-of-stream marker was reached")
    return bytes(out)


def decode(raw: bytes, limit: int | None = None) -> str:
    # Firehose may gzip what CloudWatch Logs already gzipped: unwrap at most twice.
    limit = limit or max_file_bytes()
    for _ in range(2):
        if raw[:2] == GZIP_MAGIC:
            raw = gunzip([raw], limit)  # every member, when payloads were concatenated
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # PowerShell's "> file" writes UTF-16
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")


# Every record's time, found without parsing: the window is all the records given, ECS or not.
# Records kept as JSON strings escape their quotes.
_TIMES = re.compile(r'\\?"(?:eventTime|time)\\?"\s*:\s*\\?"(\d{4}-\d\d-\d\dT[^"\\]+)')


_MOST_NOTES = 20  # per run: past this, rejected records are counted, not listed


class ReadStats:
    """What the reading saw besides ECS events: files and bytes read, how many records, and the
    span of all plausible record times (and whether any falls inside --since/--until)."""

    def __init__(self, since: dt.datetime | None = None, until: dt.datetime | None = None) -> None:
        self.files = 0
        self.bytes = 0
        self.records = 0  # CloudTrail records, ECS or not, each time a file holds one
        self.ecs_ids: set[str] = set()  # distinct ECS records (eventID)
        self.task_changes: set[str] = set()  # distinct EventBridge ECS task state changes
        self.first: dt.datetime | None = None
        self.last: dt.datetime | None = None
        self.since, self.until = since, until
        self.in_window = since is None and until is None
        self.empty_named: list[str] = []  # named files that held no record and no event
        self.progress: Any = None  # an advisor.progress.Progress, on a terminal
        self.notes: list[str] = []  # records passed over, and why
        self.rejected = 0
        self._latest = latest_record()

    def reject(self, path: str, line: int, pointer: str, problems: list[str]) -> None:
        for problem in problems:
            self.rejected += 1
            if self.rejected <= _MOST_NOTES:
                where = f" {pointer}" if pointer else ""
                self.notes.append(f"{path}:{line}: record{where} passed over: {problem}")

    def rejection_notes(self) -> list[str]:
        more = self.rejected - _MOST_NOTES
        return self.notes + ([f"{more} more records passed over"] if more > 0 else [])

    def add_times(self, text: str, path: str = "") -> None:
        """Count every record time in the text (ECS or not) into the span: each time is parsed,
        so the span is the same however the records are split into files. Times outside the
        plausible years are passed over, with one note for the file."""
        # Compact trail files: split on the key (C speed); anything else: a regular expression.
        parts = text.split('"eventTime":"')
        times = (
            [part[: part.find('"')] for part in parts[1:]]
            if len(parts) > 1 and '"time"' not in text
            else _TIMES.findall(text)
        )
        moments: list[dt.datetime] = []
        implausible: set[str] = set()
        for value in set(times):
            moment = parse_time(value)
            if moment is None:
                continue
            if plausible(moment, self._latest):
                moments.append(moment)
            else:
                implausible.add(value)
        if implausible:
            first = min(text.find(value) for value in implausible)
            line = text.count("\n", 0, first) + 1
            self.notes.append(
                f"{path}:{line}: records dated before 2013 or after {iso(self._latest)} passed "
                f"over ({sum(t in implausible for t in times)} in this file)"
            )
        if not moments:
            return
        if not self.in_window:
            low, high = self.since, self.until
            self.in_window = any(
                (low is None or low <= m) and (high is None or m <= high) for m in moments
            )
        low_moment, high_moment = min(moments), max(moments)
        self.first = low_moment if self.first is None else min(self.first, low_moment)
        self.last = high_moment if self.last is None else max(self.last, high_moment)

    @property
    def read_anything(self) -> bool:
        return bool(self.records or self.task_changes)


def _records_fast(
    text: str, path: str = "", errors: list[InputError] | None = None
) -> tuple[int, list[tuple[int, dict]]] | None:
    """How many records a compact trail file holds, and (index, record) for its ECS records;
    or None to parse it whole. With ``errors`` (the file as a whole is not JSON), a record that
    is not JSON is an error for that record, and the others are kept."""
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
            record = _loads(_RECORD_START + body)
        except ValueError as exc:
            if errors is None:
                return None  # not laid out as expected: parse the whole file instead
            message = decode_error_text(exc)[0]
            where = f"record /Records/{index - 1}"
            errors.append(InputError(path, f"{where} is not JSON ({message}); others were read"))
            continue
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
        if fast is None:
            try:
                document = _loads(text)
            except ValueError:  # a damaged record: it costs itself, not the file
                salvaged: list[InputError] = []
                fast = _records_fast(text, path, salvaged)
                if fast is not None and fast[1]:
                    errors.extend(salvaged)
                else:
                    fast = None
            else:
                stats.records += count_records(text)
                yield from _walk(document, path, 1, "", rules, stats)
                return
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
        document = _loads(text)
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
            item = _loads(item)
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
            problems: list[str] = []
            event = from_eventbridge(item, path, line, pointer, problems)
            stats.reject(path, line, pointer, problems)
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
        _loads(first)
        is_lines = True
    except ValueError:
        is_lines = False
    if is_lines:
        for number, line in enumerate(lines, start=1):
            if not any(marker in line for marker in _MARKERS):
                continue
            try:
                item = _loads(line)
            except ValueError as exc:
                message, _, column = decode_error_text(exc)
                errors.append(InputError(path, f"not JSON: {message}", number, column))
                continue
            yield from _walk(item, path, number, "", rules, stats)
        return
    decoder = _DECODER
    position = 0
    while position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            break
        try:
            document, end = decoder.raw_decode(text, position)
            document = _clean(document, text[position:end])
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
    problems: list[str] = []
    event = from_cloudtrail(record, rules, path, line, pointer, problems)
    stats.reject(path, line, pointer, problems)
    return event


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
    # A record in several files (a trail and its lookup-events copy) is kept once, from the same
    # place whatever order the files come in: the first path, line and pointer.
    chosen: dict[str, Event] = {}
    for path in files:
        before = (stats.records, len(stats.task_changes))
        try:
            text = read_text(path)
            events = list(events_in_text(text, path, rules, errors, stats))
            stats.add_times(text, path)
        except (OSError, EOFError, zlib.error) as exc:
            errors.append(InputError(path, f"cannot read: {exc}"))
            continue
        except TooLarge as exc:
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
            kept = chosen.get(event.id)
            if kept is None or _place(event) < _place(kept):
                chosen[event.id] = event
    yield from chosen.values()


def _place(event: Event) -> tuple[str, int, str]:
    return event.path, event.line, event.pointer


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
    for text in stats.rejection_notes():
        context.note(text)
    for path in stats.empty_named if stats.read_anything else ():  # else: the run's error
        context.note(f"{path}: no CloudTrail records or EventBridge events; skipped")
    context.result.history, note = summary(stats, events)
    if note and stats.read_anything:
        context.note(note)
    return histories(events, settings, stats, context.task_definitions, context.known_desired)
