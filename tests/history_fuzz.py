"""Hostile inputs for the CloudTrail readers, shared by the property tests
(tests/test_history_properties.py) and the long fuzzer (tools/fuzz_history.py).

Seeds are real shapes: the factory's ECS records (each call history reads, and EventBridge task
state changes) and the public CloudTrail records in tests/data/cloudtrail turned into ECS calls.
Mutations replace, drop or retype one field at any depth, or write a value no record holds
(numbers over 4,300 digits, lone surrogates, times at the ends of the calendar); layouts are every
file form the reader takes, plain or gzip, whole or cut short.
"""

from __future__ import annotations

import contextlib
import copy
import gzip
import io
import json
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import cloudtrail_factory as ct
from hypothesis import strategies as st

from advisor.cli import main

DATA = Path(__file__).parent / "data" / "cloudtrail"
START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
ECS_CALLS = ("RunTask", "StopTask", "CreateService", "UpdateService", "DeleteService")
FORMATS = ("json", "text", "sarif", "github", "junit", "markdown")


def seeds() -> list[dict]:
    """Whole records of every kind history reads."""
    ct.reset()
    person, robot = ct.sso_user(), ct.github_actions()
    ecs = [
        ct.create_service(robot, START - timedelta(days=3), "report", desired_count=1),
        ct.update_service(person, START - timedelta(days=2), "report", desired_count=0),
        ct.stop_task(person, START, ct.task_id(), service="report", started_at=START),
        ct.stop_task(person, START, ct.task_id(), started_at=START - timedelta(hours=1)),
        ct.run_task(ct.events_rule(), START - timedelta(hours=2)),
        ct.delete_service(person, START + timedelta(days=1), "report"),
        ct.register_task_definition(robot, START, "nightly-report", 4),
        ct.task_state_change(START, ct.task_id(), started_at=START - timedelta(minutes=5)),
    ]
    real = []
    for path in sorted(DATA.glob("*/*.json")):
        record = json.loads(path.read_text())
        if isinstance(record, dict) and "eventVersion" in record:
            real.append(record | {"eventSource": ct.ECS, "eventName": "StopTask"})
    return ecs + real


SEEDS = seeds()

# Values no record should hold, and the edges of every type.
ODD_VALUES = [
    None,
    True,
    -1,
    0,
    2**63,
    "__HUGE__",  # written as a number of 5,000 digits (json.dumps cannot write one)
    1e308,
    float("inf"),
    "",
    "\ud800",
    "\x1b[31mred\x1b[0m",
    "a\nb|c<d>&",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59Z",
    "2012-12-31T23:59:59Z",
    "1",
    [],
    {},
    [[[[[]]]]],
    {"a": {"b": {"c": {}}}},
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.integers(0, len(ODD_VALUES) - 1).map(lambda index: ODD_VALUES[index]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def mutate(record: dict, path: tuple, how: str, value: Any) -> dict:
    """The record with the value at ``path`` replaced (``set``), removed (``drop``) or wrapped
    in a list (``wrap``)."""
    record = copy.deepcopy(record)
    if not path:
        return record
    parent: Any = record
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if how == "drop":
        del parent[key]
    elif how == "wrap":
        parent[key] = [parent[key]]
    else:
        parent[key] = value
    return record


_READ = ("requestParameters", "responseElements", "detail", "userIdentity")
# indices, not the records: hypothesis would print every seed in every example's description
seed_records = st.integers(0, len(SEEDS) - 1).map(lambda index: copy.deepcopy(SEEDS[index]))


@st.composite
def mutated_records(draw: st.DrawFn) -> dict:
    record = draw(seed_records)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(record)
        # Half the time one of the fields the reader reads: a record has hundreds of others.
        read = [p for p in paths if len(p) == 1 or (1 < len(p) <= 3 and p[0] in _READ)]
        path = draw(st.sampled_from(read if read and draw(st.booleans()) else paths))
        how = draw(st.sampled_from(("set", "set", "drop", "wrap")))
        record = mutate(record, path, how, draw(json_values))
    return record


@st.composite
def arbitrary_records(draw: st.DrawFn) -> dict:
    """Any JSON object that claims to be an ECS call, with ECS fields of any type."""
    record = draw(st.dictionaries(st.text(max_size=12), json_values, max_size=6))
    record["eventSource"] = ct.ECS
    record["eventName"] = draw(st.sampled_from(ECS_CALLS))
    for key in ("eventTime", "awsRegion", "requestParameters", "responseElements", "eventID"):
        if draw(st.booleans()):
            record[key] = draw(json_values)
    return record


records = st.one_of(mutated_records(), arbitrary_records(), seed_records)


def _dumps(value: Any, compact: bool = True) -> str:
    return json.dumps(value, separators=(",", ":") if compact else None)


def layout(batch: list[Any], form: str) -> bytes:
    """The batch written the way ``form`` says."""
    if form == "trail":
        text = _dumps({"Records": batch})
    elif form == "trail pretty":
        text = json.dumps({"Records": batch}, indent=2)
    elif form == "jsonl":
        text = "".join(_dumps(r) + "\n" for r in batch)
    elif form == "lookup-events":
        text = _dumps({"Events": [{"CloudTrailEvent": _dumps(r)} for r in batch]})
    elif form == "array of strings":
        text = _dumps([_dumps(r) for r in batch])
    else:  # "concatenated": documents one after another, as a loop prints them
        text = "".join(json.dumps(r, indent=1) for r in batch)
    return text.replace('"__HUGE__"', "9" * 5000).encode()


FORMS = ("trail", "trail pretty", "jsonl", "lookup-events", "array of strings", "concatenated")


@st.composite
def files(draw: st.DrawFn) -> dict[str, bytes]:
    """One to three history files of hostile records, plain or gzip, some cut short."""
    found = {}
    for index in range(draw(st.integers(1, 3))):
        batch = draw(st.lists(records, min_size=1, max_size=4))
        data = layout(batch, draw(st.sampled_from(FORMS)))
        name = f"part-{index}.json"
        if draw(st.booleans()):
            data, name = gzip.compress(data), name + ".gz"
        if draw(st.integers(0, 5)) == 0:
            data = data[: draw(st.integers(0, len(data)))]
        found[name] = data
    return found


WINDOWS = st.sampled_from(
    [
        (),
        ("--since", "2026-09-01"),
        ("--until", "9999-12-31"),
        ("--since", "0001-01-01"),
        ("--since", "0001-01-01T00:00:00+01:00"),
        ("--since", "30d"),
        ("--until", "2026-10-01T02:00:00Z"),
    ]
)


def run_history(contents: dict[str, bytes], *args: str) -> tuple[int, str, str]:
    """``ecs-advisor history`` in-process on these files: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        for name, data in contents.items():
            Path(folder, name).write_bytes(data)
        here = os.getcwd()
        os.chdir(folder)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["history", *args, "."])
        finally:
            os.chdir(here)
    return code, out.getvalue(), err.getvalue()


def check(code: int, out: str, err: str, fmt: str) -> None:
    """What every run must keep, whatever it read."""
    assert code in (0, 1, 2), code
    assert "internal error" not in err and "Traceback" not in err, err
    out.encode("utf-8"), err.encode("utf-8")  # what a terminal or a file can take
    if code == 2:
        assert "No problems found" not in out + err
    if fmt == "json" and out:
        json.loads(out)
    if fmt in ("sarif",) and out:
        json.loads(out)
