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
