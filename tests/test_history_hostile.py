"""Hostile input to 'ecs-advisor history' (issue 14): each record, file and flag below once
crashed the run, exhausted memory or gave a wrong answer. One bad record costs that record (a
note naming its file and line), one bad file costs that file (an input error, exit 2)."""

from __future__ import annotations

import copy
import gzip
import json
from datetime import UTC, datetime, timedelta

import cloudtrail_factory as ct
import pytest

START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    ct.reset()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("ECS_ADVISOR_MAX_FILE_BYTES", raising=False)


def records() -> list[dict]:
    """A service created at desired count 1 whose task a person stopped 4 times: one finding (3 stops are enough for one)."""
    return [
        ct.create_service(ct.github_actions(), START - 10 * DAY, "report", desired_count=1),
        *[
            ct.stop_task(
                ct.sso_user(),
                START + n * DAY,
                ct.task_id(),
                service="report",
                started_at=START + n * DAY - timedelta(minutes=25),
            )
            for n in range(4)
        ],
    ]


def trail(path, batch: list[dict]):
    path.write_text(json.dumps({"Records": batch}, separators=(",", ":")))
    return path.name  # the tests run in tmp_path: reports name files as given


def run(cli, *args):
    code, out, err = cli("history", "--format", "json", *map(str, args))
    return code, json.loads(out), err


def stops(report: dict) -> list[int]:
    return [len(f["evidence"]["event_ids"]) for f in report["findings"]]


# --- one bad record costs that record ------------------------------------------------------


def _set(record: dict, pointer: str, value: object) -> dict:
    record = copy.deepcopy(record)
    *parents, last = pointer.split("/")
    target = record
    for key in parents:
        target = target[key]
    target[last] = value
    return record


BAD_STOPS = {
    "region is an object": ("awsRegion", {"name": "eu-west-1"}, "awsRegion is an object"),
    "account is a number": ("recipientAccountId", 123456789012, "recipientAccountId is a number"),
    "event id is a list": ("eventID", ["x"], "eventID is an array"),
    "year-1 startedAt": (
        "responseElements/task/startedAt",
        "0001-01-01T00:00:00Z",
        "responseElements.task.startedAt is not a time between 2013 and now",
    ),
    "year-1 startedAt at +01:00": (
        "responseElements/task/startedAt",
        "0001-01-01T00:00:00+01:00",
        "responseElements.task.startedAt is not a time",
    ),
    "group label is a list": ("responseElements/task/group", ["service:report"], "group is an"),
    "startedBy is a number": ("responseElements/task/startedBy", 7, "startedBy is a number"),
    "cluster name is an object": ("requestParameters/cluster", {"a": 1}, "cluster is an object"),
    "task is a boolean": ("requestParameters/task", True, "task is a boolean"),
}


@pytest.mark.parametrize("case", BAD_STOPS)
def test_a_bad_stop_record_costs_only_that_record(cli, tmp_path, case):
    pointer, value, why = BAD_STOPS[case]
    batch = records()
    batch[2] = _set(batch[2], pointer, value)
    code, report, err = run(cli, trail(tmp_path / "t.json", batch))
    assert "internal error" not in err and report["errors"] == []
    assert stops(report) == [3] and code == 1  # the three other stops still count
    [note] = report["notes"]
    assert note.startswith("t.json:1: record /Records/2 passed over: ") and why in note


@pytest.mark.parametrize("value", [[], ["StopTask"], {"name": "StopTask"}])
def test_an_event_name_that_is_no_name_is_passed_over(cli, tmp_path, value):
    batch = records()
    batch[2] = _set(batch[2], "eventName", value)
    code, report, err = run(cli, trail(tmp_path / "t.json", batch))
    assert "internal error" not in err and report["errors"] == []
    assert (code, stops(report)) == (1, [3])


@pytest.mark.parametrize(
    "value, why",
    [("1", "desiredCount is a string"), (True, "desiredCount is a boolean"), (-1, "out of range")],
)
def test_a_create_service_with_a_count_that_is_no_count_is_passed_over(cli, tmp_path, value, why):
    batch = records()
    batch[0] = _set(batch[0], "requestParameters/desiredCount", value)
    code, report, err = run(cli, trail(tmp_path / "t.json", batch))
    assert "internal error" not in err and report["errors"] == []
    [note] = report["notes"]
    assert note.startswith("t.json:1: record /Records/0 passed over: requestParameters.")
    assert why in note
    assert code in (0, 1)


def test_a_number_over_4300_digits_costs_its_record_not_its_file(cli, tmp_path):
    batch = records()
    text = json.dumps({"Records": batch}, separators=(",", ":"))
    text = text.replace('"desiredCount":1', '"desiredCount":' + "9" * 5000, 1)
    (tmp_path / "t.json").write_text(text)
    code, report, _ = run(cli, "t.json")
    assert (code, stops(report)) == (0, [4])
    assert report["findings"][0]["severity"] == "info"  # the desired count is unknown
    assert report["errors"] == [] and report["summary"]["records"] == 5
    assert len(report["notes"]) == 1 and "desiredCount is a number" in report["notes"][0]


def test_an_eventbridge_event_with_a_region_object_is_passed_over(cli, tmp_path):
    good = ct.task_state_change(START, "nightly", stop_code="EssentialContainerExited")
    bad = _set(good, "region", {"x": 1})
    bad["id"] = "another"
    (tmp_path / "events.jsonl").write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    code, report, err = run(cli, "events.jsonl")
    assert "internal error" not in err and code == 0
    assert report["notes"] == [
        "events.jsonl:2: record passed over: region is an object, not a string"
    ]


def test_only_twenty_bad_records_are_listed(cli, tmp_path):
    batch = records()
    bad = [_set(batch[1], "awsRegion", 1) | {"eventID": f"id-{n}"} for n in range(25)]
    code, report, _ = run(cli, trail(tmp_path / "t.json", batch + bad))
    assert (
        code == 1
        and len(report["notes"]) == 21
        and report["notes"][-1] == "5 more records passed over"
    )
    assert stops(report) == [4]


# --- the window flags at the ends of time ---------------------------------------------------


def test_until_the_last_day_of_year_9999(cli, tmp_path):
    code, report, err = run(cli, trail(tmp_path / "t.json", records()), "--until", "9999-12-31")
    assert (code, stops(report), err) == (1, [4], "")
    assert report["summary"]["window"] == {
        "start": "2026-09-21T02:00:00Z",
        "end": "2026-10-04T02:00:00Z",
    }


def test_since_the_first_day_of_year_1(cli, tmp_path):
    path = trail(tmp_path / "t.json", records())
    code, report, _ = run(cli, path, "--since", "0001-01-01")
    assert (code, stops(report)) == (1, [4])
    assert report["summary"]["window"]["start"] == "2026-09-21T02:00:00Z"


def test_a_since_before_year_1_in_utc_is_a_usage_error(cli, tmp_path):
    path = trail(tmp_path / "t.json", records())
    code, out, err = cli("history", str(path), "--since", "0001-01-01T00:00:00+01:00")
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert "outside the years 1 to 9999 in UTC" in err


# --- implausible times never drive a window -------------------------------------------------


@pytest.mark.parametrize(
    "when", ["9999-12-31T23:59:59Z", "2012-12-31T23:59:59Z", "0001-01-01T00:00:00Z"]
)
def test_a_record_dated_outside_the_plausible_years_is_passed_over(cli, tmp_path, when):
    base = trail(tmp_path / "base.json", records())
    code, expected, _ = run(cli, base)
    assert code == 1 and expected["findings"][0]["cost"]["current_monthly_usd"] == 18.02005
    ct.reset()
    odd = ct.other_record(START)
    odd["eventTime"] = when
    stray = _set(records()[1], "eventTime", when) | {"eventID": "stray"}
    (tmp_path / "base.json").unlink()
    trail(tmp_path / "with-odd.json", [*records(), odd, stray])
    code, report, _ = run(cli, "with-odd.json")
    assert code == 1
    assert report["summary"]["window"] == expected["summary"]["window"]
    assert report["findings"][0]["cost"] == expected["findings"][0]["cost"]
    assert stops(report) == [4]
    assert report["notes"] == [
        "with-odd.json:1: records dated before 2013 or after "
        f"{report['notes'][0].split('after ')[1].split(' ')[0]} passed over (2 in this file)"
    ]


# --- gzip: bounded, and never an empty history ----------------------------------------------


def test_a_gzip_bomb_is_an_error_naming_the_file(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ECS_ADVISOR_MAX_FILE_BYTES", str(1 << 20))
    trail(tmp_path / "good.json", records())
    # 64 MiB of one record repeated: 64 KiB compressed, 64 times the limit
    record = json.dumps(ct.other_record(START), separators=(",", ":")).encode()
    filler = record + b"\n"
    (tmp_path / "bomb.json.gz").write_bytes(gzip.compress(filler * ((64 << 20) // len(filler))))
    code, report, err = run(cli, ".")
    assert code == 2 and stops(report) == [4]
    assert report["errors"] == [
        {
            "path": "./bomb.json.gz",
            "line": None,
            "column": None,
            "message": "cannot read: decompresses to more than the limit set by "
            "ECS_ADVISOR_MAX_FILE_BYTES",
        }
    ]
    assert str(1 << 20) not in out_and(err, report)


def out_and(err: str, report: dict) -> str:
    return err + json.dumps(report)


def test_a_gzip_bomb_takes_no_more_memory_than_the_limit(tmp_path):
    import tracemalloc

    from advisor.sources import cloudtrail

    # 256 MiB of zeros in 256 KiB: without a limit, reading it takes 256 MiB at least
    bomb = tmp_path / "bomb.json.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        for _ in range(256):
            handle.write(bytes(1 << 20))
    tracemalloc.start()
    try:
        with pytest.raises(cloudtrail.TooLarge):
            cloudtrail.read_text(str(bomb), limit=4 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 << 20  # the 4 MiB read, a chunk and the copies of a bytearray


def test_a_plain_file_over_the_limit_is_an_error_too(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("ECS_ADVISOR_MAX_FILE_BYTES", "1000")
    code, report, _ = run(cli, trail(tmp_path / "t.json", records()))
    assert code == 2 and report["findings"] == []
    assert [e["message"] for e in report["errors"]] == [
        "cannot read: larger than the limit set by ECS_ADVISOR_MAX_FILE_BYTES",
        "no CloudTrail records in t.json",
    ]


def test_the_default_limit_is_one_gib_and_named_in_the_error(tmp_path, monkeypatch):
    from advisor.sources import cloudtrail

    assert cloudtrail.max_file_bytes() == 1 << 30
    monkeypatch.setenv("ECS_ADVISOR_MAX_FILE_BYTES", "not a number")
    assert cloudtrail.max_file_bytes() == 1 << 30
    monkeypatch.delenv("ECS_ADVISOR_MAX_FILE_BYTES")
    monkeypatch.setattr(cloudtrail, "MAX_FILE_BYTES", 1024)
    (tmp_path / "big.gz").write_bytes(gzip.compress(b"x" * 2048))
    expected = r"more than 1024 bytes \(set ECS_ADVISOR_MAX_FILE_BYTES to read more\)"
    with pytest.raises(cloudtrail.TooLarge, match=expected):
        cloudtrail.read_text(str(tmp_path / "big.gz"))


@pytest.mark.parametrize("cut", [1, 2, 10, 100])
def test_gzip_is_read_in_pieces_of_any_size(cut):
    from advisor.sources.cloudtrail import gunzip

    data = json.dumps({"Records": records()}).encode()
    packed = gzip.compress(data[:500]) + b"\x00\x00" + gzip.compress(data[500:])
    pieces = [packed[i : i + cut] for i in range(0, len(packed), cut)]
    assert gunzip(pieces, len(data)) == data


def test_empty_garbage_and_one_byte_gz_files_are_input_errors(cli, tmp_path):
    trail(tmp_path / "good.json", records())
    (tmp_path / "empty.json.gz").write_bytes(b"")
    (tmp_path / "garbage.json.gz").write_bytes(b"this is not gzip at all\n")
    (tmp_path / "one.json.gz").write_bytes(b"\x1f")
    (tmp_path / "cut.json.gz").write_bytes(gzip.compress(b'{"Records": []}')[:12])
    code, report, _ = run(cli, ".")
    assert code == 2 and stops(report) == [4]
    assert sorted((e["path"], e["message"]) for e in report["errors"]) == [
        (
            "./cut.json.gz",
            "cannot read: compressed file ended before the end-of-stream marker was reached",
        ),
        ("./empty.json.gz", "cannot read: empty, not gzip"),
        ("./garbage.json.gz", "cannot read: not gzip data"),
        ("./one.json.gz", "cannot read: not gzip data"),
    ]
    code, out, err = cli("history", ".")
    assert code == 2 and "No problems found" not in out + err


# --- the window does not depend on how records are laid out in files ------------------------


def _layout_free(report: dict) -> dict:
    """The report without what names the files: where each record was read from."""
    if isinstance(report, dict):
        return {
            k: _layout_free(v)
            for k, v in report.items()
            if k not in ("path", "line", "column", "pointer", "files_checked", "locations")
        }
    if isinstance(report, list):
        return [_layout_free(v) for v in report]
    return report


def _mixed_batch() -> list[dict]:
    ct.reset()
    ecs = records()
    # A non-ECS EventBridge event after the last record, and a record written with an offset:
    # their times count in the window whichever file holds them.
    later = {
        "version": "0",
        "id": "0d4e5b6a-1111-2222-3333-444455556666",
        "detail-type": "EC2 Instance State-change Notification",
        "source": "aws.ec2",
        "account": ct.ACCOUNT,
        "time": "2026-10-09T00:00:00Z",
        "region": ct.REGION,
        "resources": [],
        "detail": {"instance-id": "i-0abcd1234efgh5678", "state": "running"},
    }
    early = ct.other_record(START)
    early["eventTime"] = "2026-09-20T23:00:00-01:00"  # 2026-09-21T00:00:00Z, the first
    return [*ecs, early, later]


def _write_jsonl(path, batch: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in batch))


def test_the_window_and_findings_do_not_depend_on_file_layout(cli, tmp_path):
    batch = _mixed_batch()
    layouts = {
        "one file": [batch],
        "one file reversed": [batch[::-1]],
        "each alone": [[r] for r in batch],
        "split in three": [batch[4:], batch[:2], batch[2:4]],
        "eventbridge first": [[batch[-1], *batch[:3]], batch[3:-1]],
    }
    reports = {}
    for name, files in layouts.items():
        folder = tmp_path / name.replace(" ", "-")
        folder.mkdir()
        for index, chunk in enumerate(files):
            _write_jsonl(folder / f"part-{len(files) - index:02d}.jsonl", chunk)
        code, report, _ = run(cli, folder.name)
        assert code == 1
        reports[name] = _layout_free(report)
    assert reports["one file"]["summary"]["window"] == {
        "start": "2026-09-21T00:00:00Z",
        "end": "2026-10-09T00:00:00Z",
    }
    for name, report in reports.items():
        assert report == reports["one file"], name


# --- what the records say can be written -----------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "markdown", "github"])
def test_a_lone_surrogate_escape_in_a_name_is_written_as_a_replacement(cli, tmp_path, fmt):
    batch = records()
    batch[0]["requestParameters"]["serviceName"] = "rep\ud800ort"
    for record in batch[1:]:
        record["responseElements"]["task"]["group"] = "service:rep\ud800ort"
    path = trail(tmp_path / "t.json", batch)  # json.dumps writes the "\ud800" escape
    assert "\\ud800" in (tmp_path / path).read_text()
    code, out, err = cli("history", "--format", fmt, path)
    assert (code, err) == (1, "")
    assert "rep\ufffdort" in out.encode("utf-8").decode("utf-8").replace("\\ufffd", "\ufffd")


def test_a_record_that_is_not_json_costs_that_record_not_its_trail_file(cli, tmp_path):
    batch = records()
    text = json.dumps({"Records": batch}, separators=(",", ":"))
    region = '"awsRegion":"eu-west-1"'
    first = text.index(region, text.index('"eventName":"StopTask"'))
    text = text[:first] + '"awsRegion":eu-west-1"' + text[first + len(region) :]
    (tmp_path / "t.json").write_text(text)
    code, report, _ = run(cli, "t.json")
    assert code == 2 and stops(report) == [3]
    [error] = report["errors"]
    assert error["path"] == "t.json"
    assert error["message"].startswith("record /Records/1 is not JSON (")
    assert error["message"].endswith("); others were read")
