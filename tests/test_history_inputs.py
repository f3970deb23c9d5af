"""``history`` reads every export users make of CloudTrail, says what it read, and refuses to
call history it did not read clean.

The envelopes are AWS's: an EventBridge "AWS API Call via CloudTrail" event and a CloudWatch
Logs subscription payload from AWS documentation (tests/data/SOURCES); the records inside them
come from the factory (tests/cloudtrail_factory.py), as ``lookup-events`` and ``filter-log-events``
print them.
"""

from __future__ import annotations

import copy
import gzip
import io
import json
from datetime import UTC, datetime, timedelta

import cloudtrail_factory as ct
import pytest
from conftest import DATA, REPO

from advisor import progress

START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)
AWS_DOCS = DATA / "cloudtrail" / "aws-docs"
EVENTBRIDGE_EXAMPLE = json.loads((AWS_DOCS / "eventbridge-api-call.json").read_text())
SUBSCRIPTION_EXAMPLE = json.loads((AWS_DOCS / "cwl-subscription-payload.json").read_text())


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    ct.reset()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CI", raising=False)


def records() -> list[dict]:
    """A service created at desired count 1 whose task a person stopped 3 times (4 ECS records,
    one finding), and 2 records of other services."""
    ecs = [
        ct.create_service(ct.github_actions(), START - 10 * DAY, "report", desired_count=1),
        *[
            ct.stop_task(
                ct.sso_user(),
                START + n * DAY,
                ct.task_id(),
                service="report",
                started_at=START + n * DAY - timedelta(minutes=25),
            )
            for n in range(3)
        ],
    ]
    noise = [ct.other_record(START + n * DAY + timedelta(hours=1)) for n in range(2)]
    return ecs + noise


def compact(record: dict) -> str:
    return json.dumps(record, separators=(",", ":"))


def eventbridge(record: dict) -> dict:
    """The record as EventBridge delivers it: AWS's example event with this record's ids,
    account, region and time."""
    event = copy.deepcopy(EVENTBRIDGE_EXAMPLE)
    event["id"] = f"eb-{record['eventID']}"
    event["source"] = "aws." + record["eventSource"].split(".")[0]
    event["account"] = record["recipientAccountId"]
    event["time"] = record["eventTime"]
    event["region"] = record["awsRegion"]
    event["detail"] = record
    return event


def _millis(record: dict) -> int:
    when = datetime.strptime(record["eventTime"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def filter_log_events(batch: list[dict]) -> dict:
    """``aws logs filter-log-events --log-group-name <trail's group>`` output."""
    stream = f"{ct.ACCOUNT}_CloudTrail_{ct.REGION}"
    return {
        "events": [
            {
                "logStreamName": stream,
                "timestamp": _millis(r),
                "message": compact(r),
                "ingestionTime": _millis(r) + 4000,
                "eventId": f"3795{n:052d}",
            }
            for n, r in enumerate(batch)
        ],
        "searchedLogStreams": [],
    }


def subscription(batch: list[dict]) -> dict:
    """A CloudWatch Logs subscription payload: AWS's example, this account, these records."""
    payload = copy.deepcopy(SUBSCRIPTION_EXAMPLE)
    payload["owner"] = ct.ACCOUNT
    payload["logStream"] = f"{ct.ACCOUNT}_CloudTrail_{ct.REGION}"
    payload["logEvents"] = [
        {"id": f"3195{n:052d}", "timestamp": _millis(r), "message": compact(r)}
        for n, r in enumerate(batch)
    ]
    return payload


CONTROL = {
    "messageType": "CONTROL_MESSAGE",
    "owner": "CloudwatchLogs",
    "logGroup": "",
    "logStream": "",
    "subscriptionFilters": [],
    "logEvents": [
        {
            "id": "",
            "timestamp": 1764547200000,
            "message": "CWL CONTROL MESSAGE: Checking health of destination Firehose.",
        }
    ],
}


def run(cli, *args):
    code, out, err = cli("history", "--format", "json", *map(str, args))
    return code, json.loads(out), err


def read_summary(report: dict) -> dict:
    return {k: report["summary"][k] for k in ("records", "ecs_records", "eventbridge_events")}


def stops_found(report: dict) -> list[int]:
    return [len(f["evidence"]["event_ids"]) for f in report["findings"]]


# --- each form on its own: the same finding, the same counts ------------------------------


def _write(path, text: str | bytes):
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


FORMS = {
    "lookup-events --query CloudTrailEvent": lambda rs: json.dumps([compact(r) for r in rs]),
    "lookup-events": lambda rs: json.dumps(ct.lookup_events_output(rs), indent=4),
    "eventbridge array": lambda rs: json.dumps([eventbridge(r) for r in rs], indent=2),
    "eventbridge jsonl": lambda rs: "".join(compact(eventbridge(r)) + "\n" for r in rs),
    "filter-log-events": lambda rs: json.dumps(filter_log_events(rs), indent=4),
    "subscription payload": lambda rs: json.dumps(subscription(rs)),
    "subscription payload gzip": lambda rs: gzip.compress(json.dumps(subscription(rs)).encode()),
    # Firehose writes CloudWatch Logs' gzip members one after another, and a plain delivery
    # the payloads without separators; here a control message first, as a new stream sends.
    "firehose gzip members": lambda rs: b"".join(
        gzip.compress(json.dumps(p).encode())
        for p in (CONTROL, subscription(rs[:2]), subscription(rs[2:]))
    ),
    "firehose concatenated": lambda rs: "".join(
        json.dumps(p) for p in (CONTROL, subscription(rs[:3]), subscription(rs[3:]))
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_each_form_is_read(cli, tmp_path, form):
    suffix = ".json.gz" if "gzip" in form else ".json"
    path = _write(tmp_path / f"export{suffix}", FORMS[form](records()))
    code, report, err = run(cli, path)
    assert (code, err) == (1, "")
    assert [f["name"] for f in report["findings"]] == ["service-stopped-manually"]
    assert stops_found(report) == [3]
    assert read_summary(report) == {"records": 6, "ecs_records": 4, "eventbridge_events": 0}
    # from the service's creation to the last stop
    assert report["summary"]["window"] == {
        "start": "2026-09-21T02:00:00Z",
        "end": "2026-10-03T02:00:00Z",
    }


def test_trail_files_count_every_record_ecs_or_not(cli, tmp_path):
    noise = [ct.other_record(START + n * timedelta(minutes=7)) for n in range(40)]
    ct.write_trail(tmp_path / "bucket", [*records(), *noise], per_file=10)
    code, report, _ = run(cli, tmp_path / "bucket")
    assert code == 1 and stops_found(report) == [3]
    # 46 records in 8 files (by day and hour), 4 without an ECS record: counted, never parsed
    assert report["summary"]["files_checked"] == 8
    assert read_summary(report) == {"records": 46, "ecs_records": 4, "eventbridge_events": 0}


def test_firehose_objects_without_an_extension_are_found_in_folders(cli, tmp_path):
    # Firehose names its objects <stream>-<version>-<date and time>-<uuid>, without a suffix.
    folder = tmp_path / "2026" / "10" / "01" / "02"
    folder.mkdir(parents=True)
    name = "cwl-to-s3-1-2026-10-01-02-15-42-5d3c1a0e-7b8f-4c2e-9a61-0f4b2d8e6c13"
    (folder / name).write_bytes(FORMS["firehose gzip members"](records()))
    (folder / "NOTES").write_text("not a delivery\n")  # found, not claimed: not read
    code, report, err = run(cli, tmp_path)
    assert (code, err) == (1, "")
    assert stops_found(report) == [3] and report["summary"]["files_checked"] == 1
    # lint reads no extensionless file it finds
    (folder / "taskdef").write_text(json.dumps({"family": "web", "containerDefinitions": []}))
    code, out, _ = cli("lint", str(tmp_path))
    assert (code, out) == (0, "No problems found in 0 files.\n")


def test_one_eventbridge_event_a_file(cli, tmp_path):
    folder = tmp_path / "eventbridge"
    folder.mkdir()
    for number, record in enumerate(records()):
        (folder / f"event-{number}.json").write_text(json.dumps(eventbridge(record), indent=2))
    code, report, _ = run(cli, folder)
    assert code == 1 and stops_found(report) == [3]
    assert report["summary"]["files_checked"] == 6
    assert read_summary(report) == {"records": 6, "ecs_records": 4, "eventbridge_events": 0}


def test_task_state_changes_are_counted_as_eventbridge_events(cli, tmp_path):
    changes = [
        ct.task_state_change(START + n * DAY, ct.task_id(), family="nightly-report")
        for n in range(3)
    ]
    changes.append(changes[0])  # delivered twice: read once
    path = _write(tmp_path / "changes.jsonl", "".join(compact(c) + "\n" for c in changes))
    code, report, _ = run(cli, path)
    assert code == 0
    assert read_summary(report) == {"records": 0, "ecs_records": 0, "eventbridge_events": 3}


def test_a_mix_of_forms_is_deduplicated_on_event_id(cli, tmp_path):
    rs = records()
    _write(tmp_path / "a-trail.jsonl", ct.jsonl(rs))
    _write(tmp_path / "b-lookup.json", FORMS["lookup-events --query CloudTrailEvent"](rs[1:3]))
    _write(tmp_path / "c-events.jsonl", FORMS["eventbridge jsonl"](rs[2:]))
    _write(tmp_path / "d-logs.json.gz", FORMS["subscription payload gzip"](rs))
    _write(tmp_path / "e-filter.json", FORMS["filter-log-events"](rs[3:4]))
    code, report, _ = run(cli, tmp_path)
    assert code == 1
    assert stops_found(report) == [3]  # each stop once, though given up to four times
    assert report["summary"]["files_checked"] == 5
    # records counts every record each file holds (6 + 2 + 4 + 6 + 1); ECS records are distinct
    assert read_summary(report) == {"records": 19, "ecs_records": 4, "eventbridge_events": 0}


# --- AWS's own examples -------------------------------------------------------------------


def test_aws_example_eventbridge_api_call_is_a_record(cli):
    code, report, err = run(cli, AWS_DOCS / "eventbridge-api-call.json")
    assert (code, err, report["findings"]) == (0, "", [])
    assert read_summary(report) == {"records": 1, "ecs_records": 0, "eventbridge_events": 0}
    assert report["summary"]["window"] == {
        "start": "2018-09-12T00:25:10Z",
        "end": "2018-09-12T00:25:10Z",
    }


def test_aws_example_subscription_payload_holds_three_records(cli):
    # The guide's messages are cut short, and hold no ECS record: counted, never parsed.
    code, report, err = run(cli, AWS_DOCS / "cwl-subscription-payload.json")
    assert (code, err, report["errors"]) == (0, "", [])
    assert read_summary(report) == {"records": 3, "ecs_records": 0, "eventbridge_events": 0}


# --- nothing read is never "no problems" --------------------------------------------------


def test_task_definitions_are_no_history(cli):
    folder = REPO / "examples" / "good"
    code, report, err = run(cli, folder)
    assert code == 2
    assert err == f"ecs-advisor: error: no CloudTrail records in {folder}\n"
    assert report["errors"] == [
        {
            "path": str(folder),
            "line": None,
            "column": None,
            "message": f"no CloudTrail records in {folder}",
        }
    ]
    assert read_summary(report) == {"records": 0, "ecs_records": 0, "eventbridge_events": 0}


@pytest.mark.parametrize("content", ["", "[]", json.dumps(CONTROL)])
def test_an_empty_file_is_no_history(cli, tmp_path, content):
    path = _write(tmp_path / "trail.json", content)
    code, out, err = cli("history", str(path))
    assert code == 2
    assert err == f"ecs-advisor: error: no CloudTrail records in {path}\n"
    assert out == (
        "History read: 0 CloudTrail records (0 ECS), 0 EventBridge task state changes.\n"
        f"Input error: no CloudTrail records in {path}\n"
        "No history read: nothing to judge; 1 input could not be checked.\n"
    )
    _, markdown, _ = cli("history", "--format", "markdown", str(path))
    assert "No problems" not in markdown and "No history read: nothing to judge." in markdown


def test_every_path_is_named(cli, tmp_path):
    first, second = _write(tmp_path / "a.json", ""), _write(tmp_path / "b.jsonl", "\n")
    code, _, err = cli("history", "--format", "json", str(first), str(second))
    assert code == 2
    assert err == f"ecs-advisor: error: no CloudTrail records in {first}, {second}\n"


def test_an_empty_window_is_a_note_that_names_it(cli, tmp_path):
    path = _write(tmp_path / "trail.jsonl", ct.jsonl(records()))
    args = ("--since", "2026-11-01", "--until", "2026-11-30")
    code, report, err = run(cli, *args, path)
    assert (code, report["findings"], report["errors"]) == (0, [], [])
    assert report["notes"] == [
        "no records from 2026-11-01T00:00:00Z to 2026-11-30T23:59:59Z (--since/--until): "
        "the 6 records read run from 2026-09-21T02:00:00Z to 2026-10-03T02:00:00Z"
    ]
    assert report["summary"]["window"] == {
        "start": "2026-11-01T00:00:00Z",
        "end": "2026-11-30T23:59:59Z",
    }
    assert err.endswith(f"note: {report['notes'][0]}\n")


def test_a_window_between_records_is_empty_too(cli, tmp_path):
    # records before and after it, none inside: the span of the records alone cannot tell
    path = _write(tmp_path / "trail.jsonl", ct.jsonl(records()))
    code, report, _ = run(cli, "--since", "2026-09-25", "--until", "2026-09-30", path)
    assert code == 0 and report["notes"][0].startswith("no records from 2026-09-25T00:00:00Z")


def test_the_window_is_the_records_within_since_and_until(cli, tmp_path):
    path = _write(tmp_path / "trail.jsonl", ct.jsonl(records()))
    code, report, _ = run(cli, "--since", "2026-10-02", path)
    assert (code, report["notes"]) == (0, [])
    assert report["summary"]["window"] == {
        "start": "2026-10-02T00:00:00Z",
        "end": "2026-10-03T02:00:00Z",
    }


def test_text_markdown_and_sarif_say_what_was_read(cli, tmp_path):
    path = _write(tmp_path / "trail.jsonl", ct.jsonl(records()))
    line = (
        "History read: 6 CloudTrail records (4 ECS), 0 EventBridge task state changes, "
        "2026-09-21T02:00:00Z to 2026-10-03T02:00:00Z."
    )
    _, text, _ = cli("history", str(path))
    assert line in text.splitlines()
    _, markdown, _ = cli("history", "--format", "markdown", str(path))
    assert line in markdown.splitlines()
    _, sarif, _ = cli("history", "--format", "sarif", str(path))
    history = json.loads(sarif)["runs"][0]["properties"]["history"]
    assert (history["records"], history["ecs_records"]) == (6, 4)


# --- progress on a terminal ---------------------------------------------------------------


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_one_line_rewritten_at_most_five_times_a_second():
    stream, clock = FakeTTY(), Clock()
    shown = progress.Progress(stream, "reading CloudTrail", clock=clock)
    for _ in range(10):  # ten files within 0.1 s: one update
        shown.add(files=1, size=250_000, records=100)
        clock.now += 0.01
    clock.now += 0.2
    shown.add(files=1, size=500_000, records=1)
    assert stream.getvalue().split("\r")[1:] == [
        "reading CloudTrail: 1 file, 0.2 MB, 100 records",
        "reading CloudTrail: 11 files, 3.0 MB, 1,001 records",
    ]
    shown.close()
    assert stream.getvalue().endswith("\r" + " " * 51 + "\r")
    assert "\n" not in stream.getvalue()


@pytest.mark.parametrize(
    ("quiet", "ci", "fmt", "output", "stdout_tty", "shown"),
    [
        (False, None, "text", None, False, True),
        (False, None, "json", "out.json", False, True),
        (False, None, "json", None, True, True),
        (False, None, "json", None, False, False),  # JSON into a pipe
        (True, None, "text", None, True, False),  # --quiet
        (False, "true", "text", None, True, False),  # CI
        (False, "1", "text", None, True, False),
        (False, "false", "text", None, True, True),
    ],
)
def test_progress_only_for_a_person(monkeypatch, quiet, ci, fmt, output, stdout_tty, shown):
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    stdout = FakeTTY() if stdout_tty else io.StringIO()
    assert progress.wanted(FakeTTY(), quiet, fmt, output, stdout) is shown
    assert progress.wanted(io.StringIO(), quiet, fmt, output, stdout) is False


def test_history_shows_progress_on_a_terminal_and_clears_it(cli, tmp_path, monkeypatch):
    path = _write(tmp_path / "trail.jsonl", ct.jsonl(records()))
    terminal = FakeTTY()
    monkeypatch.setattr("sys.stderr", terminal)
    code, _, _ = cli("history", str(path))
    assert code == 1
    written = terminal.getvalue()
    size = path.stat().st_size / 1_000_000
    assert f"\rreading CloudTrail: 1 file, {size:.1f} MB, 6 records" in written
    assert written.endswith("\r")  # the line is cleared before anything else is printed
    terminal.truncate(0)
    terminal.seek(0)
    assert cli("history", "--quiet", str(path))[0] == 1
    assert "reading CloudTrail" not in terminal.getvalue()
    assert cli("history", "--format", "json", str(path))[0] == 1  # stdout is not a terminal
    assert "reading CloudTrail" not in terminal.getvalue()
    assert cli("history", "--format", "json", "--output", "out.json", str(path))[0] == 1
    assert "reading CloudTrail" in terminal.getvalue()  # the JSON goes to a file
    terminal.truncate(0)
    terminal.seek(0)
    monkeypatch.setenv("CI", "true")
    assert cli("history", str(path))[0] == 1
    assert "reading CloudTrail" not in terminal.getvalue()


def test_audit_takes_quiet():
    from advisor.cli import build_parser

    assert build_parser().parse_args(["audit", "--quiet"]).quiet is True


def test_records_are_counted_by_their_keys_plain_or_escaped():
    from advisor.sources.cloudtrail import count_records

    record = {"eventVersion": "1.08", "eventSource": "lambda.amazonaws.com"}
    record["requestParameters"] = {"eventSourceArn": "arn:aws:sqs:eu-west-1:1:q"}  # not a record
    assert count_records(json.dumps({"Records": [record, record]})) == 2
    assert count_records(json.dumps([json.dumps(record)] * 3)) == 3  # lookup-events --query
    hand_written = {"eventSource": "ecs.amazonaws.com", "eventName": "StopTask"}
    assert count_records(json.dumps(hand_written)) == 1  # no eventVersion: by eventSource
    assert count_records(json.dumps({"family": "web", "containerDefinitions": []})) == 0


def test_audit_progress_counts_files_and_lookup_records(tmp_path, monkeypatch):
    from test_audit import lookup_client

    from advisor.audit.account_reader import Options, _read_history
    from advisor.audit.region_data import RegionData

    path = _write(tmp_path / "trail.jsonl", ct.jsonl(records()))
    options = Options(START - 30 * DAY, START + 30 * DAY)
    options.lookup_interval = 0
    options.cloudtrail = str(path)
    options.progress = progress.Progress(FakeTTY(), "ecs-advisor audit", clock=Clock())
    _read_history(lambda service: None, RegionData(ct.ACCOUNT, ct.REGION), options)
    assert (options.progress.files, options.progress.bytes) == (1, path.stat().st_size)
    assert options.progress.records == 6
    options.cloudtrail = "lookup"
    client = lookup_client(records())
    _read_history(lambda service: client, RegionData(ct.ACCOUNT, ct.REGION), options)
    assert options.progress.records == 6 + 4  # LookupEvents asked for the ECS calls only


def test_the_history_line_reads_well():
    from advisor.report.text import history_line

    many = {"records": 1204, "ecs_records": 87, "eventbridge_events": 1}
    window = {"start": "2026-10-01T00:02:11Z", "end": "2026-10-31T23:58:40Z"}
    assert history_line({**many, "window": window}) == (
        "History read: 1,204 CloudTrail records (87 ECS), 1 EventBridge task state change, "
        "2026-10-01T00:02:11Z to 2026-10-31T23:58:40Z."
    )
    one = {"records": 1, "ecs_records": 0, "eventbridge_events": 0}
    assert history_line({**one, "window": {"start": "2026-10-01T00:00:00Z", "end": None}}) == (
        "History read: 1 CloudTrail record (0 ECS), 0 EventBridge task state changes, "
        "from 2026-10-01T00:00:00Z on."
    )
