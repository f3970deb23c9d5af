"""One severity per finding, everywhere: a rule whose severity depends on the setting says so
wherever the rule is described (``rules``, ``explain``, SARIF's rule), and every report prints
the finding's own severity, the one ``--fail-on`` compares."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap

import pytest
from conftest import good_container, good_taskdef

from advisor.rules import ALL_RULES

LOGS = {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1"}  # no stream prefix


def _sets_severity(rule: type) -> bool:
    """Whether the rule's ``check`` passes a severity to a ``Hit`` (the third argument, or
    ``severity=``): then a hit may differ from the rule's default."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(type(rule))))
    return any(
        isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "Hit"
        and (len(node.args) >= 3 or any(k.arg == "severity" for k in node.keywords))
        for node in ast.walk(tree)
    )


def test_the_analysis_sees_rules_that_set_a_severity():
    # ECS202 (error on Fargate) and ECS601 (info where the desired count is unknown) do.
    assert {r.code for r in ALL_RULES if _sets_severity(r)} >= {"ECS202", "ECS601"}


@pytest.mark.parametrize(
    "rule", [r for r in ALL_RULES if _sets_severity(r)], ids=lambda rule: rule.code
)
def test_a_rule_whose_hits_set_their_severity_says_when(rule):
    assert rule.severity_note, f"{rule.code} sets a hit's severity but has no severity_note"


def _taskdef(fargate: bool) -> dict:
    container = good_container(logConfiguration={"logDriver": "awslogs", "options": LOGS})
    if fargate:
        return good_taskdef(containerDefinitions=[container])
    return good_taskdef(
        requiresCompatibilities=["EC2"], networkMode="bridge", containerDefinitions=[container]
    )


def test_rules_text_markdown_and_json_say_when_ECS202_is_an_error(cli):
    _, text, _ = cli("rules")
    assert "warning*" in text  # the table's mark, and its note below the table
    assert "* ECS202: error on Fargate, which requires the prefix; warning elsewhere" in text
    _, markdown, _ = cli("rules", "--format", "markdown")
    assert (
        "| ECS202 | `awslogs-missing-stream-prefix` | warning (error on Fargate, which requires "
        "the prefix; warning elsewhere) |"
    ) in markdown
    _, document, _ = cli("rules", "--format", "json")
    [ecs202] = [r for r in json.loads(document)["rules"] if r["code"] == "ECS202"]
    assert ecs202["severity"] == "warning"
    assert (
        ecs202["severity_note"] == "error on Fargate, which requires the prefix; warning elsewhere"
    )


def test_explain_says_the_default_and_when_it_differs(cli):
    _, out, _ = cli("explain", "ECS202")
    lines = out.splitlines()
    assert lines[0] == (
        "ECS202 awslogs-missing-stream-prefix (warning by default; applies to task definitions)"
    )
    assert lines[1] == "Severity: error on Fargate, which requires the prefix; warning elsewhere."
    _, out, _ = cli("explain", "ECS401")
    assert out.splitlines()[0] == "ECS401 mutable-image-tag (warning; applies to task definitions)"


def test_sarif_rule_has_the_default_and_the_note_results_their_own_level(cli, tmp_path):
    (tmp_path / "fargate.json").write_text(json.dumps(_taskdef(fargate=True)))
    (tmp_path / "ec2.json").write_text(json.dumps(_taskdef(fargate=False)))
    _, out, _ = cli("lint", "--format", "sarif", "--select", "ECS202", ".")
    run = json.loads(out)["runs"][0]
    [rule] = [r for r in run["tool"]["driver"]["rules"] if r["id"] == "ECS202"]
    assert rule["defaultConfiguration"] == {"level": "warning"}
    note = "error on Fargate, which requires the prefix; warning elsewhere"
    assert rule["properties"]["severityNote"] == note
    assert rule["fullDescription"]["text"].endswith(f" Severity: {note}.")
    levels = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["level"]
        for r in run["results"]
    }
    assert levels == {"./fargate.json": "error", "./ec2.json": "warning"}


@pytest.mark.parametrize(
    ("fargate", "fail_on", "code"),
    [(True, "error", 1), (False, "error", 0), (False, "warning", 1)],
)
def test_fail_on_compares_the_findings_own_severity(cli, tmp_path, fargate, fail_on, code):
    (tmp_path / "td.json").write_text(json.dumps(_taskdef(fargate)))
    assert cli("lint", "--select", "ECS202", "--fail-on", fail_on, "td.json")[0] == code


def test_every_format_prints_the_findings_own_severity(cli, tmp_path):
    (tmp_path / "td.json").write_text(json.dumps(_taskdef(fargate=True)))
    args = ("lint", "--select", "ECS202", "td.json", "--format")
    assert " ECS202 error: " in cli(*args, "text")[1]
    assert json.loads(cli(*args, "json")[1])["findings"][0]["severity"] == "error"
    assert cli(*args, "github")[1].startswith("::error file=td.json,")
    assert 'type="error"' in cli(*args, "junit")[1]
    assert "| :x: error |" in cli(*args, "markdown")[1]


def test_fail_on_help_says_which_severity_it_compares(cli, capsys):
    with pytest.raises(SystemExit):
        cli("lint", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "the finding's own severity" in help_text
