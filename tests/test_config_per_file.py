"""Configuration per file, as ruff does: the nearest ``.ecs-advisor.toml`` or ``[tool.ecs-advisor]``
above each linted file applies to it (a monorepo's services each keep their own), the command line
wins over every file, and ``--config`` replaces discovery."""

from __future__ import annotations

import json

import pytest
from conftest import good_container, good_taskdef

import advisor.config


def taskdef(image: str) -> str:
    return json.dumps(good_taskdef(containerDefinitions=[good_container(image=image)]), indent=2)


@pytest.fixture
def monorepo(tmp_path):
    """services/a ignores ECS401; services/b calls the tag ``qa`` mutable; tools/ has no config."""
    (tmp_path / ".git").mkdir()
    files = {
        "services/a/.ecs-advisor.toml": 'ignore = ["ECS401"]\n',
        "services/a/td.json": taskdef("nginx:latest"),
        "services/a/legacy/td.json": taskdef("nginx:latest"),
        "services/b/pyproject.toml": '[project]\nname = "b"\n\n'
        '[tool.ecs-advisor]\nmutable-tags = ["qa"]\n\n'
        '[tool.ecs-advisor.per-file-ignores]\n"legacy/*" = ["ECS401"]\n',
        "services/b/td.json": taskdef("nginx:qa"),
        "services/b/legacy/td.json": taskdef("nginx:latest"),
        "tools/td.json": taskdef("nginx:qa"),
        "tools/latest.json": taskdef("nginx:latest"),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def found(cli, *args):
    code, out, err = cli("lint", "--format", "json", *args)
    assert code in (0, 1), err
    return sorted((f["path"], f["code"]) for f in json.loads(out)["findings"])


def test_each_file_gets_the_nearest_configuration_above_it(cli, monorepo):
    assert found(cli, ".") == [
        ("./services/b/td.json", "ECS401"),  # b's mutable-tags: qa moves
        ("./tools/latest.json", "ECS401"),  # no configuration above: the defaults
    ]


def test_the_nearest_configuration_applies_from_any_directory(cli, monorepo, monkeypatch):
    monkeypatch.chdir(monorepo / "services" / "b")
    # b's tags and per-file-ignores stay with b's files, a's ignore with a's; tools/ has no
    # configuration above it, so it gets the run's (b's, found from here), as ruff does
    assert found(cli, ".", "../a", "../../tools") == [
        ("../../tools/latest.json", "ECS401"),
        ("../../tools/td.json", "ECS401"),
        ("./td.json", "ECS401"),
    ]


def test_per_file_ignores_are_relative_to_their_configuration_file(cli, monorepo):
    # b's "legacy/*" is services/b/legacy/*, linted from the root; a has no per-file-ignores
    assert ("./services/b/legacy/td.json", "ECS401") not in found(cli, ".")
    assert found(cli, "services/b/legacy/td.json") == []


def test_the_command_line_wins_over_every_file(cli, monorepo):
    # --ignore replaces a's ignore, as --select replaces select (ruff's precedence)
    assert found(cli, "--ignore", "ECS402", "services") == [
        ("services/a/legacy/td.json", "ECS401"),
        ("services/a/td.json", "ECS401"),
        ("services/b/td.json", "ECS401"),
    ]
    assert found(cli, "--extend-ignore", "ECS401", ".") == []
    assert found(cli, "--select", "ECS402", ".") == []


def test_an_explicit_config_replaces_discovery(cli, monorepo):
    assert found(cli, "--config", "services/b/pyproject.toml", "services/a", "tools") == [
        ("services/a/legacy/td.json", "ECS401"),  # b's per-file-ignores name b's legacy/ only
        ("services/a/td.json", "ECS401"),
        ("tools/latest.json", "ECS401"),
        ("tools/td.json", "ECS401"),  # b's tags, everywhere
    ]


def test_fail_on_is_the_runs_own(cli, monorepo):
    (monorepo / "services" / "b" / "pyproject.toml").write_text(
        '[tool.ecs-advisor]\nmutable-tags = ["qa"]\nfail-on = "never"\n'
    )
    # the exit code is one for the run: its configuration is the one above where it runs
    assert cli("lint", "services/b")[0] == 1
    assert cli("lint", "--config", "services/b/pyproject.toml", "services/b")[0] == 0


def test_a_broken_nested_configuration_is_one_line(cli, monorepo):
    (monorepo / "services" / "a" / ".ecs-advisor.toml").write_text("ignore = [\n")
    code, out, err = cli("lint", ".")
    assert code == 2 and out == ""
    assert err.startswith("ecs-advisor: error: ") and "services/a/.ecs-advisor.toml" in err
    assert len(err.splitlines()) == 1


def test_a_folder_of_files_reads_its_configuration_once(cli, tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / ".ecs-advisor.toml").write_text('ignore = ["ECS401"]\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    for number in range(40):
        (tmp_path / "deploy" / f"td{number}.json").write_text(taskdef("nginx:latest"))
    reads = []
    real = advisor.config._read_toml

    def counted(path):
        reads.append(path.name)
        return real(path)

    monkeypatch.setattr(advisor.config, "_read_toml", counted)
    assert found(cli, ".") == []
    # the root's pyproject.toml (looked at from here) and deploy's file, each once
    assert sorted(reads) == [".ecs-advisor.toml", "pyproject.toml"]


def test_standard_input_takes_the_configuration_of_its_stdin_filename(monorepo):
    import subprocess
    import sys

    def lint(name: str) -> int:
        command = [sys.executable, "-m", "advisor", "lint", "--stdin-filename", name, "-"]
        text = taskdef("nginx:latest").encode()
        return subprocess.run(command, input=text, capture_output=True, cwd=monorepo).returncode

    assert lint("services/a/td.json") == 0  # a ignores ECS401, as for the file itself
    assert lint("tools/td.json") == 1
