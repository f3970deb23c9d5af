"""The command line as users and CI scripts see it: output, exit codes, settings."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import REPO, good_container, good_taskdef

from advisor.report import text as text_report

WARN_ONLY = good_taskdef(containerDefinitions=[good_container(image="nginx:latest")])
ERROR_TOO = good_taskdef(
    cpu="256", memory="4096", containerDefinitions=[good_container(image="nginx")]
)


def write(tmp_path, name, content):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return path


def test_text_format_lines_and_summary(cli, tmp_path):
    write(tmp_path, "td.json", ERROR_TOO)
    code, out, err = cli("lint", "td.json")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("td.json:") and lines[0].endswith("[invalid-fargate-size]")
    assert " ECS301 " in lines[0]
    assert lines[-1] == "Found 2 problems (1 error, 1 warning) in 1 file; 1 file checked."


def test_json_format_has_the_contract_fields(cli, tmp_path):
    write(tmp_path, "td.json", ERROR_TOO)
    code, out, _ = cli("lint", "--format", "json", "td.json")
    assert code == 1
    report = json.loads(out)
    finding = report["findings"][0]
    assert set(finding) >= {
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "pointer",
        "resource",
    }
    assert finding["path"] == "td.json"
    assert finding["resource"] == "web"
    assert finding["line"] >= 1 and finding["column"] >= 1
    assert report["summary"]["by_severity"] == {"error": 1, "warning": 1, "info": 0}
    assert report["errors"] == []


def test_json_format_reports_input_errors_too(cli, tmp_path):
    write(tmp_path, "td.json", '{"containerDefinitions": [}')
    code, out, _ = cli("lint", "--format", "json", "td.json")
    assert code == 2
    [error] = json.loads(out)["errors"]
    assert error["path"] == "td.json" and error["line"] == 1 and error["column"] == 27


@pytest.mark.parametrize(
    ("fail_on", "doc", "expected"),
    [
        ("warning", WARN_ONLY, 1),
        ("error", WARN_ONLY, 0),
        ("error", ERROR_TOO, 1),
        ("info", WARN_ONLY, 1),
        ("never", ERROR_TOO, 0),
    ],
)
def test_fail_on(cli, tmp_path, fail_on, doc, expected):
    write(tmp_path, "td.json", doc)
    code, out, _ = cli("lint", "--fail-on", fail_on, "td.json")
    assert code == expected
    assert "ECS401" in out  # findings are reported whatever the threshold


def test_clean_file_exits_zero(cli, tmp_path):
    write(tmp_path, "td.json", good_taskdef())
    code, out, _ = cli("lint", "td.json")
    assert code == 0 and out == "No problems found in 1 file.\n"


@pytest.mark.parametrize(
    ("args", "remaining"),
    [
        (["--select", "ECS301"], ["ECS301"]),
        (["--select", "mutable-image-tag"], ["ECS401"]),
        (["--select", "ECS3,ECS4"], ["ECS301", "ECS401"]),
        (["--ignore", "ECS4"], ["ECS301"]),
        (["--select", "ECS", "--ignore", "invalid-fargate-size"], ["ECS401"]),
    ],
)
def test_select_and_ignore(cli, tmp_path, args, remaining):
    write(tmp_path, "td.json", ERROR_TOO)
    _, out, _ = cli("lint", "--format", "json", *args, "td.json")
    assert [f["code"] for f in json.loads(out)["findings"]] == remaining


def test_unknown_selector_is_a_usage_error(cli, tmp_path):
    write(tmp_path, "td.json", ERROR_TOO)
    code, _, err = cli("lint", "--select", "ECS999", "td.json")
    assert code == 2 and "unknown rule selector 'ECS999'" in err


def test_pyproject_configuration_and_command_line_precedence(cli, tmp_path):
    write(
        tmp_path, "pyproject.toml", '[tool.ecs-advisor]\nignore = ["ECS401"]\nfail-on = "error"\n'
    )
    write(tmp_path, "deploy/td.json", WARN_ONLY)
    assert cli("lint", "deploy")[0] == 0  # ECS401 ignored by the file
    code, out, _ = cli("lint", "--ignore", "ECS301", "deploy")
    assert "ECS401" in out and code == 0  # the flag replaces the file's ignore; fail-on stays
    assert cli("lint", "--ignore", "ECS301", "--fail-on", "warning", "deploy")[0] == 1


def test_dedicated_file_wins_and_nearest_directory_wins(cli, tmp_path, monkeypatch):
    write(tmp_path, "pyproject.toml", '[tool.ecs-advisor]\nselect = ["ECS301"]\n')
    write(tmp_path, ".ecs-advisor.toml", 'select = ["ECS401"]\n')
    write(tmp_path, "td.json", ERROR_TOO)
    _, out, _ = cli("lint", "--format", "json", "td.json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS401"]
    write(tmp_path, "sub/pyproject.toml", '[tool.ecs-advisor]\nselect = ["ECS301"]\n')
    write(tmp_path, "sub/td.json", ERROR_TOO)
    monkeypatch.chdir(tmp_path / "sub")
    _, out, _ = cli("lint", "--format", "json", "td.json", "../td.json")
    # each file its nearest configuration, wherever the run starts
    found = [(f["path"], f["code"]) for f in json.loads(out)["findings"]]
    assert sorted(found) == [("../td.json", "ECS401"), ("td.json", "ECS301")]


def test_pyproject_without_our_table_is_passed_over(cli, tmp_path, monkeypatch):
    write(tmp_path, ".ecs-advisor.toml", 'select = ["ECS401"]\n')
    write(tmp_path, "sub/pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "td.json", ERROR_TOO)
    monkeypatch.chdir(tmp_path / "sub")
    _, out, _ = cli("lint", "--format", "json", "../td.json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS401"]


def test_unknown_setting_suggests_the_right_one(cli, tmp_path):
    write(tmp_path, ".ecs-advisor.toml", 'selct = ["ECS401"]\n')
    code, _, err = cli("lint", ".")
    assert code == 2 and "unknown setting 'selct'; did you mean 'select'?" in err


def test_explicit_config_file(cli, tmp_path):
    write(tmp_path, "ci/strict.toml", 'select = ["ECS301"]\n')
    write(tmp_path, "td.json", ERROR_TOO)
    _, out, _ = cli("lint", "--format", "json", "--config", "ci/strict.toml", "td.json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS301"]
    assert cli("lint", "--config", "missing.toml", "td.json")[0] == 2


def test_exclude_applies_to_walks_and_named_files(cli, tmp_path):
    write(tmp_path, ".ecs-advisor.toml", 'exclude = ["legacy", "*.generated.json"]\n')
    write(tmp_path, "legacy/td.json", ERROR_TOO)
    write(tmp_path, "x.generated.json", ERROR_TOO)
    write(tmp_path, "node_modules/pkg/td.json", ERROR_TOO)
    write(tmp_path, ".venv/lib/td.json", ERROR_TOO)
    write(tmp_path, "env/pyvenv.cfg", "home = /usr\n")
    write(tmp_path, "env/td.json", ERROR_TOO)
    write(tmp_path, "app/td.json", ERROR_TOO)
    code, out, _ = cli("lint", ".")
    assert code == 1
    assert {line.split(":")[0] for line in out.splitlines()[:-1]} == {"./app/td.json"}
    assert cli("lint", "legacy/td.json")[0] == 0  # pre-commit names files: still excluded


def test_rules_and_explain(cli):
    code, out, _ = cli("rules", "--format", "json")
    rules = json.loads(out)["rules"]
    assert code == 0 and len(rules) >= 16
    assert {"code", "name", "severity", "summary"} <= set(rules[0])
    code, out, _ = cli("rules")
    assert code == 0 and "awslogs-missing-stream-prefix" in out
    code, out, _ = cli("explain", "secret-in-environment")
    assert code == 0
    for heading in ("What it does", "Why is this bad?", "Example", "Use instead", "What to do"):
        assert heading in out
    code, _, err = cli("explain", "ECS999")
    assert code == 2 and "unknown rule" in err


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert text_report.use_colour(FakeTTY())
    assert not text_report.use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not text_report.use_colour(FakeTTY())


def test_python_dash_m_and_console_script_agree(tmp_path):
    path = write(tmp_path, "td.json", ERROR_TOO)
    module = subprocess.run(
        [sys.executable, "-m", "advisor", "lint", str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert module.returncode == 1 and "ECS301" in module.stdout
    version = subprocess.run(
        [sys.executable, "-m", "advisor", "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("ecs-advisor ")


# What lint on a JSON file never loads: the AWS SDK and its test double, the schema test
# library, the Python source's parser, and the history machinery (its source and its timeline).
NEVER_IN_LINT = {
    "boto3",
    "botocore",
    "moto",
    "jsonschema",
    "libcst",
    "advisor.sources.cloudtrail",
    "advisor.progress",
}


@pytest.mark.parametrize("extra", [[], ["--cost"]])
def test_lint_never_imports_the_aws_sdk(tmp_path, extra):
    path = write(tmp_path, "td.json", ERROR_TOO)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "advisor", "lint", *extra, str(path)],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    modules = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    packages = {module.split(".")[0] for module in modules}
    assert "advisor.engine" in modules and "advisor.rules" in modules  # it sees our own imports
    # ... and what the source registry loads by name: the JSON source, for the .json file.
    assert "advisor.sources.json_files" in modules, "importtime no longer sees the sources"
    loaded = (modules | packages) & NEVER_IN_LINT
    assert not loaded, f"lint imported {sorted(loaded)}"
    if not extra:  # --cost prices in advisor.enrich, which knows the history resource types
        assert "advisor.history.timeline" not in modules


def test_configuration_search_stops_at_the_repository_root(cli, tmp_path, monkeypatch):
    write(tmp_path, ".ecs-advisor.toml", 'select = ["ECS401"]\n')
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    write(tmp_path, "repo/td.json", ERROR_TOO)
    monkeypatch.chdir(tmp_path / "repo")
    _, out, _ = cli("lint", "--format", "json", "td.json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS301", "ECS401"]


def test_notes_are_left_out_under_pre_commit(cli, tmp_path, monkeypatch):
    write(tmp_path, "package.json", '{"name": "x"}')
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert cli("lint", "package.json") == (0, "No problems found in 0 files.\n", "")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_secret_values_never_reach_any_output(cli, tmp_path, fmt):
    secret = "Sup3r-S3cret-Value-42"
    env = [{"name": "DB_PASSWORD", "value": secret}, {"name": "X", "value": "AKIAIOSFODNN7EXAMPLE"}]
    write(tmp_path, "td.json", good_taskdef(containerDefinitions=[good_container(environment=env)]))
    code, out, err = cli("lint", "--format", fmt, "td.json")
    assert code == 1 and "DB_PASSWORD" in out
    assert secret not in out + err and "AKIAIOSFODNN7EXAMPLE" not in out + err


@pytest.mark.parametrize("args", [["--select", ""], ["--select", " , "]])
def test_an_empty_selection_is_a_usage_error(cli, tmp_path, args):
    write(tmp_path, "td.json", ERROR_TOO)
    code, _, err = cli("lint", *args, "td.json")
    assert code == 2 and "--select names no rule" in err


def test_configured_selectors_are_checked_with_the_file_named(cli, tmp_path):
    write(tmp_path, "pyproject.toml", '[tool.ecs-advisor]\nignore = ["mutable-image-tags"]\n')
    code, _, err = cli("lint", ".")
    assert code == 2 and "pyproject.toml: ignore: unknown rule selector 'mutable-image-tags'" in err
    write(tmp_path, "pyproject.toml", "[tool.ecs-advisor]\nselect = []\n")
    code, _, err = cli("lint", ".")
    assert code == 2 and "select names no rule" in err


def test_dedicated_file_may_use_a_tool_table(cli, tmp_path):
    write(tmp_path, ".ecs-advisor.toml", '[tool.ecs-advisor]\nselect = ["ECS401"]\n')
    write(tmp_path, "td.json", ERROR_TOO)
    _, out, _ = cli("lint", "--format", "json", "td.json")
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS401"]


def test_summary_counts_inputs_that_could_not_be_checked(cli, tmp_path):
    write(tmp_path, "td.json", '{"containerDefinitions": [}')
    code, out, _ = cli("lint", "td.json", "missing.json")
    assert code == 2 and out == (
        "Input error: missing.json: no such file or directory\n"
        "Input error: td.json:1:27: invalid JSON: Expecting value\n"
        "2 inputs could not be checked; nothing found in the 0 files that could be read.\n"
    )
