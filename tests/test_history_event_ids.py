"""A history finding's evidence keeps every event id in JSON; text shows the latest few."""

from __future__ import annotations

import json

from conftest import REPO

TRAIL = str(REPO / "examples" / "history" / "trail.jsonl")


def test_json_keeps_every_event_id_and_text_shows_the_latest(cli):
    code, out, _ = cli("history", TRAIL, "--format", "json")
    assert code == 1
    findings = {f["code"]: f["evidence"] for f in json.loads(out)["findings"]}
    service = findings["ECS601"]
    # The example trail: the report service stopped by hand 10 times, each its own record.
    assert service["count"] == 10
    assert len(service["event_ids"]) == 10 and len(set(service["event_ids"])) == 10
    for evidence in findings.values():
        assert len(evidence["event_ids"]) == evidence["count"]

    code, out, _ = cli("history", TRAIL)
    latest = ", ".join(service["event_ids"][-5:])
    assert f"    events: {latest} (the 5 latest of 10; --format json lists all)\n" in out
    # A finding with 5 events or fewer lists them all, with nothing added.
    short = [e for e in findings.values() if len(e["event_ids"]) <= 5]
    assert short, "the example trail no longer has a finding with few events"
    for evidence in short:
        assert f"    events: {', '.join(evidence['event_ids'])}\n" in out
