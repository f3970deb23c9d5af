"""The README's generated parts stay in step with the code, and CI runs what it says."""

from __future__ import annotations

import re

from conftest import REPO

from advisor.report.rule_docs import markdown_table

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_rule_table_is_generated_from_the_catalogue():
    match = re.search(r"<!-- rules-table:start -->\n(.*?)<!-- rules-table:end -->", README, re.S)
    assert match, "README lost its rule table markers"
    assert match.group(1) == markdown_table(), "run: python tests/update_readme.py"


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]'" in README and "python -m pytest" in README
    assert "-e '.[test]'" in ci and "python -m pytest" in ci


def test_readme_examples_exist():
    assert (REPO / "examples" / "good").is_dir() and (REPO / "examples" / "bad").is_dir()


def test_readme_shows_the_audit_iam_policy():
    import json

    from advisor.audit.aws_session import IAM_POLICY

    match = re.search(
        r"<!-- iam-policy:start -->\n```json\n(.*?)\n```\n<!-- iam-policy:end -->", README, re.S
    )
    assert match and json.loads(match.group(1)) == IAM_POLICY


def test_the_scheduled_audit_task_definition_is_a_clean_job():
    from advisor.config import Settings
    from advisor.engine import lint_paths

    result = lint_paths([str(REPO / "examples" / "scheduled-audit")], Settings())
    assert result.files_checked == 1 and result.findings == [] and result.errors == []
