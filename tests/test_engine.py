"""The engine's promises: one door for sources, Unknown values, pure rules, fixes on findings."""

from __future__ import annotations

import json
import sys
import textwrap
from datetime import UTC, datetime, timedelta

import cloudtrail_factory as ct
import pytest
from conftest import good_service, good_taskdef

from advisor.config import Settings
from advisor.engine import lint_paths
from advisor.model import Kind
from advisor.rules import ALL_RULES, RULES_BY_KIND
from advisor.sources import registry
from advisor.values import Unknown, mark_unknowns

START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)

# --- one door for sources -------------------------------------------------------------------

FAKE_SOURCE = '''
"""A source for a format nobody here wrote: one task definition per line, ``family image``."""
from advisor.model import Document, TaskDefinition


def read(candidates, context):
    for candidate in candidates:
        text = open(candidate.path, encoding="utf-8").read()
        context.checked()
        for number, line in enumerate(text.splitlines()):
            family, image = line.split()
            data = {"family": family, "containerDefinitions": [{"name": family, "image": image}]}
            document = Document(candidate.path, text, {"lines": [data]})
            yield TaskDefinition(document, f"/lines/{number}", data)
'''


def test_a_new_source_is_one_module_and_one_registration_line(tmp_path, monkeypatch):
    (tmp_path / "lines_source.py").write_text(textwrap.dedent(FAKE_SOURCE))
    monkeypatch.syspath_prepend(str(tmp_path))
    entry = registry.SourceEntry("lines", "lines_source", ("config",), (".tasks",))
    monkeypatch.setattr(registry, "SOURCES", (*registry.SOURCES, entry))
    folder = tmp_path / "repo"
    folder.mkdir()
    (folder / "jobs.tasks").write_text("report acme/report:latest\n")
    result = lint_paths([str(folder)], Settings())
    assert result.files_checked == 1 and not result.errors
    assert [(f.code, f.resource) for f in result.findings] == [
        ("ECS201", "report"),
        ("ECS401", "report"),
        ("ECS802", "report"),  # no user: the image's, root unless it says otherwise
        ("ECS804", "report"),  # no read-only root filesystem
    ]
    sys.modules.pop("lines_source", None)


def test_sources_load_only_when_an_input_needs_them(tmp_path):
    import subprocess

    (tmp_path / "task.json").write_text(json.dumps(good_taskdef()))
    code = (
        "import sys; from advisor.engine import lint_paths; from advisor.config import Settings;"
        f"lint_paths([{str(tmp_path)!r}], Settings());"
        "print(sorted(m for m in sys.modules if m.startswith(('advisor.sources', 'libcst'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "advisor.sources.json_files" in loaded
    assert "advisor.sources.python_code" not in loaded and "libcst" not in loaded
    assert "advisor.sources.cloudtrail" not in loaded


def test_every_kind_has_its_rules_in_one_place():
    # The API-model rules judge a run-task file (CloudTrail and Python requests have no schema).
    schema = {"ECS101", "ECS102", "ECS103", "ECS104", "ECS105"}
    assert {r.code for r in RULES_BY_KIND[Kind.RUN_TASK]} == {*schema, "ECS503", "ECS603", "ECS810"}
    assert {r.code for r in RULES_BY_KIND[Kind.CLUSTER]} == {*schema, "ECS809", "ECS812"}
    assert {r.code for r in RULES_BY_KIND[Kind.SERVICE_HISTORY]} == {"ECS601"}
    assert all(rule in RULES_BY_KIND[kind] for rule in ALL_RULES for kind in rule.applies_to)


# --- Unknown --------------------------------------------------------------------------------


def test_placeholders_become_unknown_once_in_the_source():
    data = mark_unknowns({"image": "${IMAGE}", "cpu": "256", "env": [{"value": "<X>"}]})
    assert data == {"image": Unknown("${IMAGE}"), "cpu": "256", "env": [{"value": Unknown("<X>")}]}


def test_unknown_values_keep_every_rule_quiet(linter):
    document = good_taskdef(cpu="${CPU}", memory="${MEMORY}", networkMode="${MODE}")
    document["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-region"] = "${R}"
    assert linter.codes(document) == []
    service = good_service(enableECSManagedTags="${TAGS}", propagateTags="{{ propagate }}")
    assert linter.codes(service, "service.json") == []


def test_a_known_part_of_a_templated_value_is_still_judged(linter):
    document = good_taskdef()
    document["containerDefinitions"][0]["image"] = "${REGISTRY}/web:latest"
    assert linter.codes(document) == ["mutable-image-tag"]


def test_values_python_computes_are_unknown(linter):
    code = textwrap.dedent(
        """
        import boto3

        ecs = boto3.client("ecs")
        ecs.run_task(cluster="prod", taskDefinition="report:4", enableECSManagedTags=flag)
        ecs.run_task(cluster="prod", taskDefinition=family)
        """
    )
    findings = linter.findings(code, "jobs.py")
    assert [(f.code, f.location.line) for f in findings] == [("ECS603", 6)]
    assert "(family not known statically)" in findings[0].message


# --- pure rules: a verdict never depends on a price ----------------------------------------


def _trail(tmp_path, region: str, run_minutes: int) -> str:
    alice = ct.sso_user("alice")
    records = [ct.create_service(ct.github_actions(), START - timedelta(days=1), "report",
                                 desired_count=1, region=region)]  # fmt: skip
    for n in range(4):
        when = START + n * timedelta(days=1)
        records.append(
            ct.stop_task(alice, when, ct.task_id(), service="report", region=region,
                         started_at=when - timedelta(minutes=run_minutes))
        )  # fmt: skip
    path = tmp_path / f"{region}-{run_minutes}.jsonl"
    path.write_text(ct.jsonl(records))
    return str(path)


@pytest.mark.parametrize("region", ["eu-west-1", "cn-north-1"])  # priced, and not (CNY)
def test_the_same_records_get_the_same_verdict_in_every_region(cli, tmp_path, region):
    code, out, _ = cli("history", "--format", "json", _trail(tmp_path, region, 25))
    assert code == 1
    [finding] = json.loads(out)["findings"]
    assert finding["code"] == "ECS601"
    if region == "cn-north-1":  # the money is unknown, and says why; the verdict stands
        assert finding["cost"]["current_monthly_usd"] is None
        assert "cn-north-1" in finding["cost"]["reason"]
        assert finding["message"].endswith(f"cost unknown ({finding['cost']['reason']})")
    # How long the stopped tasks had been up (a service replaces its task at once) is not what
    # decides: the same finding, whether or not its region has prices.
    code, out, _ = cli("history", "--format", "json", _trail(tmp_path, region, 23 * 60))
    assert code == 1
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS601"]


def test_rules_never_read_prices(cli, tmp_path, monkeypatch):
    from advisor.cost import prices

    def refuse(*_args, **_kwargs):
        raise prices.PriceError("no price table in this test")

    monkeypatch.setattr(prices.PriceTable, "load", classmethod(refuse))
    code, out, _ = cli("history", "--format", "json", _trail(tmp_path, "eu-west-1", 25))
    [finding] = json.loads(out)["findings"]
    assert (code, finding["code"]) == (1, "ECS601")
    assert finding["cost"]["reason"] == "no price table in this test"


# --- fixes ride on the findings of the same run ----------------------------------------------


def _unfixed_service(tmp_path):
    path = tmp_path / "svc" / "service.json"
    path.parent.mkdir()
    document = good_service()
    del document["enableECSManagedTags"], document["propagateTags"]
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path


def test_per_file_ignores_and_baselines_keep_their_findings_unfixed(cli, tmp_path):
    path = _unfixed_service(tmp_path)
    before = path.read_text()
    (tmp_path / ".ecs-advisor.toml").write_text('[per-file-ignores]\n"svc/*" = ["ECS5"]\n')
    assert cli("lint", "--fix", "--diff", "svc")[:2] == (0, "")
    (tmp_path / ".ecs-advisor.toml").unlink()
    assert cli("lint", "--baseline", "b.json", "--update-baseline", "svc")[0] == 0
    assert cli("lint", "--fix", "--diff", "--baseline", "b.json", "svc")[:2] == (0, "")
    code, diff, _ = cli("lint", "--fix", "--diff", "--ignore", "ECS502", "svc")
    assert code == 1 and '+  "enableECSManagedTags": true,' in diff and "propagateTags" not in diff
    assert path.read_text() == before


def test_fix_diff_on_a_file_that_does_not_parse_is_an_error(cli, tmp_path):
    _unfixed_service(tmp_path)
    (tmp_path / "svc" / "broken.json").write_text('{"containerDefinitions": [')
    code, diff, err = cli("lint", "--fix", "--diff", "svc")
    assert code == 2
    assert '+  "enableECSManagedTags": true,' in diff  # the other file's fix is still shown
    assert "svc/broken.json:1:" in err and "invalid JSON" in err


def test_extensionless_python_scripts_are_fixed_as_they_are_linted(cli, tmp_path):
    script = tmp_path / "nightly"
    script.write_text(
        '#!/usr/bin/env python3\nimport boto3\n\necs = boto3.client("ecs")\n'
        'ecs.run_task(cluster="prod", taskDefinition="report:4")\n'
    )
    code, out, _ = cli("lint", "nightly")
    assert code == 0 and "nightly:5:1: ECS603" in out  # an info finding
    assert cli("lint", "--fix", "nightly")[0] == 0
    assert script.read_text().endswith(
        'ecs.run_task(cluster="prod", taskDefinition="report:4", enableECSManagedTags=True, '
        'propagateTags="TASK_DEFINITION")\n'
    )


def test_json_findings_say_which_have_a_safe_fix(cli, tmp_path):
    _unfixed_service(tmp_path)
    describe = {"services": [{**good_service(enableECSManagedTags=False), "serviceArn": "arn"}]}
    (tmp_path / "svc" / "describe.json").write_text(json.dumps(describe))
    code, out, _ = cli("lint", "--format", "json", "svc")
    assert code == 1
    findings = [f for f in json.loads(out)["findings"] if f["code"].startswith("ECS50")]
    fixes = {(f["path"], f["code"]): f.get("fix") for f in findings}
    assert fixes == {
        ("svc/describe.json", "ECS501"): None,  # AWS's output: never edited
        ("svc/service.json", "ECS501"): {"applicability": "safe"},
        ("svc/service.json", "ECS502"): {"applicability": "safe"},
    }


def test_a_templated_size_is_priced_as_unknown_not_as_a_mistake(cli, tmp_path):
    document = good_taskdef(cpu="${CPU}")
    (tmp_path / "task.json").write_text(json.dumps(document))
    code, out, _ = cli("cost", "task.json", "--format", "json")
    assert code == 0
    assert json.loads(out)["notes"][0].startswith("its cpu is only known when deployed")
