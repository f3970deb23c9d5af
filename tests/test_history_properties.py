"""Property tests of the CloudTrail readers (issue 14): whatever the records and files hold,
'ecs-advisor history' exits 0, 1 or 2 with a report, never an internal error. Bounded so CI
stays fast; tools/fuzz_history.py runs the same inputs for as long as you like."""

from __future__ import annotations

import json

from history_fuzz import FORMATS, WINDOWS, check, files, layout, records, run_history
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.history.actors import ActorRules
from advisor.sources.cloudtrail import ReadStats, events_in_text

BOUNDED = settings(
    max_examples=100,
    deadline=2000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples on every run: CI never flakes on a new one
)


@BOUNDED
@given(batch=st.lists(records, min_size=1, max_size=6), form=st.sampled_from(["trail", "jsonl"]))
def test_the_reader_never_raises_on_any_record(batch, form):
    text = layout(batch, form).decode("utf-8", "surrogatepass")
    errors: list = []
    stats = ReadStats()
    events = list(events_in_text(text, "fuzz.json", ActorRules(), errors, stats))
    stats.add_times(text, "fuzz.json")
    assert len(events) <= len(batch)
    assert stats.records + len(stats.task_changes) >= len(events)


@BOUNDED
@given(contents=files(), window=WINDOWS, fmt=st.sampled_from(FORMATS))
def test_history_exits_0_1_or_2_with_a_report(contents, window, fmt):
    code, out, err = run_history(contents, "--format", fmt, *window)
    check(code, out, err, fmt)


@settings(BOUNDED, max_examples=50)
@given(contents=files())
def test_every_file_is_read_or_named_in_an_error(contents):
    code, out, _ = run_history(contents, "--format", "json")
    report = json.loads(out)
    named = {error["path"].removeprefix("./") for error in report["errors"]}
    assert code == 2 or not named
    for name in contents:
        read = report["summary"]["records"] + report["summary"]["eventbridge_events"]
        if name not in named and read == 0:
            assert code == 2  # nothing read is never a clean account
