"""The CI gate: every report format, baselines that survive moved lines, selection settings."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import jsonschema
from conftest import DATA, good_container, good_taskdef

SARIF_SCHEMA = DATA / "sarif-schema-2.1.0.json"
BAD = good_taskdef(
    cpu="256",
    memory="4096",
    containerDefinitions=[
        good_container(name="web", image="nginx:latest"),
        good_container(
            name="side",
            image="busybox",
            environment=[{"name": "API_TOKEN", "value": "t0k3n, with: commas"}],
        ),
    ],
)


def write(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return path


def test_github_annotations(cli, tmp_path):
    write(tmp_path, "deploy/td.json", BAD)
    code, out, _ = cli("lint", "--format", "github", "deploy")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 4
    assert lines[0].startswith("::error file=deploy/td.json,line=")
    assert any(
        line.startswith("::warning ") and "title=ECS401 mutable-image-tag::" in line
        for line in lines
    )
    secret = next(line for line in lines if "ECS402" in line)
    assert "t0k3n" not in secret  # never the value, in any format


def test_junit_xml(cli, tmp_path):
    write(tmp_path, "td.json", BAD)
    write(tmp_path, "ok.json", good_taskdef(family="ok"))
    code, out, _ = cli("lint", "--format", "junit", ".")
    suite = ET.fromstring(out).find("testsuite")
    cases = suite.findall("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    assert code == 1 and suite.get("failures") == str(len(failed))
    assert {c.get("name").rsplit(" at ", 1)[0] for c in failed} == {
        "ECS301 invalid-fargate-size",
        "ECS401 mutable-image-tag",
        "ECS402 secret-in-environment",
    }
    assert all(c.get("classname") == "./td.json" for c in failed)
    passed = [(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is None]
    assert passed == [("./ok.json", "no findings")]


def test_markdown_summary(cli, tmp_path):
    write(tmp_path, "td.json", BAD)
    _, out, _ = cli("lint", "--format", "markdown", "td.json")
    assert out.startswith("## ecs-advisor") and "| :x: error | `td.json:" in out


def test_sarif_is_valid_and_complete(cli, tmp_path):
    write(tmp_path, "td.json", BAD)
    _, out, _ = cli("lint", "--format", "sarif", "td.json")
    sarif = json.loads(out)
    jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text()), cls=jsonschema.Draft7Validator)
    run = sarif["runs"][0]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "ECS401")
    assert (
        rule["name"] == "mutable-image-tag" and rule["defaultConfiguration"]["level"] == "warning"
    )
    assert (
        rule["shortDescription"]["text"]
        and rule["fullDescription"]["text"]
        and rule["help"]["text"]
    )
    result = next(r for r in run["results"] if r["ruleId"] == "ECS401")
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] > 1 and region["startColumn"] > 1
    assert result["level"] == "warning" and result["partialFingerprints"]


def test_several_reports_in_one_run(cli, tmp_path):
    write(tmp_path, "td.json", BAD)
    code, out, _ = cli(
        "lint",
        "--output",
        "lint.txt",
        "--report",
        "sarif:lint.sarif",
        "--report",
        "junit:junit.xml",
        "td.json",
    )
    assert code == 1 and out == ""
    assert "ECS301" in (tmp_path / "lint.txt").read_text()
    assert json.loads((tmp_path / "lint.sarif").read_text())["version"] == "2.1.0"
    ET.fromstring((tmp_path / "junit.xml").read_text())
    assert cli("lint", "--report", "pdf:x.pdf", "td.json")[0] == 2


def sarif_fingerprints(cli, path):
    _, out, _ = cli("lint", "--format", "sarif", str(path))
    results = json.loads(out)["runs"][0]["results"]
    return sorted((r["ruleId"], r["partialFingerprints"]["ecsAdvisor/v1"]) for r in results)


def test_baseline_round_trip_survives_moved_lines(cli, tmp_path):
    path = write(tmp_path, "td.json", BAD)
    before = sarif_fingerprints(cli, path)
    code, _, err = cli("lint", "--baseline", "baseline.json", "--update-baseline", "td.json")
    assert code == 0 and "wrote 4 findings" in err
    assert cli("lint", "--baseline", "baseline.json", "td.json")[:2] == (
        0,
        "No problems found in 1 file; 4 findings in the baseline not shown.\n",
    )

    moved = dict(reversed(list(BAD.items())))  # every key moves; containers swap places too
    moved["containerDefinitions"] = list(reversed(BAD["containerDefinitions"]))
    path.write_text("\n\n\n" + json.dumps(moved, indent=4))
    assert sarif_fingerprints(cli, path) == before
    assert cli("lint", "--baseline", "baseline.json", "td.json")[0] == 0

    moved["containerDefinitions"][0]["environment"].append(
        {"name": "DB_PASSWORD", "value": "new-secret"}
    )
    path.write_text(json.dumps(moved, indent=2))
    code, out, _ = cli("lint", "--baseline", "baseline.json", "td.json")
    assert code == 1 and out.count("ECS402") == 1 and "DB_PASSWORD" in out


def test_baselines_hold_no_messages_and_old_ones_with_messages_still_load(cli, tmp_path):
    write(tmp_path, "td.json", BAD)
    assert cli("lint", "--baseline", "baseline.json", "--update-baseline", "td.json")[0] == 0
    document = json.loads((tmp_path / "baseline.json").read_text())
    assert document["version"] == 1
    for entry in document["findings"]:
        assert set(entry) == {"fingerprint", "code", "name", "path", "resource"}
    for entry in document["findings"]:  # as ecs-advisor 0.1.0 wrote them
        entry["message"] = "a message from an older version"
    (tmp_path / "old.json").write_text(json.dumps(document))
    code, out, _ = cli("lint", "--baseline", "old.json", "td.json")
    shown = f"{len(document['findings'])} findings in the baseline not shown"
    assert code == 0 and shown in out


def test_a_missing_or_broken_baseline_is_one_line(cli, tmp_path):
    write(tmp_path, "td.json", BAD)
    code, _, err = cli("lint", "--baseline", "nope.json", "td.json")
    assert code == 2 and "create it with --update-baseline" in err
    write(tmp_path, "broken.json", "{}")
    assert cli("lint", "--baseline", "broken.json", "td.json")[0] == 2
    assert cli("lint", "--update-baseline", "td.json")[0] == 2


def codes(cli, *args):
    _, out, _ = cli("lint", "--format", "json", *args)
    return sorted({f["code"] for f in json.loads(out)["findings"]})


def test_per_file_ignores(cli, tmp_path):
    write(tmp_path, "legacy/td.json", BAD)
    write(tmp_path, "new/td.json", BAD)
    write(
        tmp_path,
        ".ecs-advisor.toml",
        '[per-file-ignores]\n"legacy/*" = ["mutable-image-tag", "ECS3"]\n',
    )
    _, out, _ = cli("lint", "--format", "json", ".")
    found = {(f["path"].split("/")[1], f["code"]) for f in json.loads(out)["findings"]}
    assert ("legacy", "ECS401") not in found and ("legacy", "ECS301") not in found
    assert ("legacy", "ECS402") in found and ("new", "ECS401") in found


def test_extend_select_and_ignore_and_precedence(cli, tmp_path):
    write(tmp_path, "td.json", BAD)
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.ecs-advisor]\nselect = ["ECS3"]\nextend-select = ["ECS401"]\n',
    )
    assert codes(cli, "td.json") == ["ECS301", "ECS401"]
    assert codes(cli, "--extend-select", "ECS402", "td.json") == ["ECS301", "ECS401", "ECS402"]
    assert codes(cli, "--select", "ECS4", "td.json") == [
        "ECS401",
        "ECS402",
    ]  # the flag replaces select
    assert codes(cli, "--extend-ignore", "ECS301", "td.json") == ["ECS401"]
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.ecs-advisor]\nextend-ignore = ["secret-in-environment"]\n',
    )
    assert codes(cli, "td.json") == ["ECS301", "ECS401"]
    write(tmp_path, "pyproject.toml", '[tool.ecs-advisor]\nper-file-ignores = ["x"]\n')
    assert cli("lint", "td.json")[0] == 2


def test_history_shares_the_gate(cli, tmp_path):
    import cloudtrail_factory as ct

    ct.reset()
    records = [ct.run_task(ct.events_rule(), ct.datetime(2026, 10, 1, tzinfo=ct.UTC), family="etl")]
    write(tmp_path, "trail.jsonl", ct.jsonl(records))
    code, out, _ = cli("history", "--format", "github", "--fail-on", "info", "trail.jsonl")
    assert code == 1 and out.startswith("::notice file=trail.jsonl,line=1,col=1,title=ECS603")
