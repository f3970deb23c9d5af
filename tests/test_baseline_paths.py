"""Baselines survive how a path is typed: ``lint .`` writes it, ``lint x.json`` (pre-commit), an
absolute path or a run from a subdirectory checks against it, and every baselined finding stays
baselined. Paths are stored relative to the repository root, without ``./``."""

from __future__ import annotations

import hashlib
import json

import pytest
from conftest import good_container, good_taskdef

BASELINE = ".ecs-advisor-baseline.json"
MUTABLE = good_taskdef(containerDefinitions=[good_container(image="nginx:latest")])
CLEAN = "No problems found in 1 file; 1 finding in the baseline not shown.\n"

# Written by ecs-advisor before this fix with `lint --baseline ... --update-baseline .` from the
# repository root, over MUTABLE as x.json: the path as typed, and a fingerprint made with it.
LEGACY = {
    "version": 1,
    "findings": [
        {
            "fingerprint": "66cc08cbe1c49568bebb9bdfab14b1fe",
            "code": "ECS401",
            "name": "mutable-image-tag",
            "path": "./x.json",
            "resource": "web",
        }
    ],
}


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "x.json").write_text(json.dumps(MUTABLE, indent=2))
    return tmp_path


def stored(repo):
    return json.loads((repo / BASELINE).read_text())


def test_lint_dot_stores_paths_from_the_root_without_dot_slash(cli, repo):
    assert cli("lint", "--baseline", BASELINE, "--update-baseline", ".")[0] == 0
    # rule, normalized path, resource, stable pointer: the identity, written out by hand
    parts = "\x1f".join(("ECS401", "x.json", "web", "/containerDefinitions/name=web/image"))
    assert stored(repo) == {
        "version": 1,
        "findings": [
            {
                "fingerprint": hashlib.sha256(parts.encode()).hexdigest()[:32],
                "code": "ECS401",
                "name": "mutable-image-tag",
                "path": "x.json",
                "resource": "web",
            }
        ],
    }


@pytest.mark.parametrize("typed", ["x.json", "./x.json", "ABSOLUTE", "sub/../x.json"])
def test_a_baseline_from_lint_dot_matches_however_the_file_is_named(cli, repo, typed):
    assert cli("lint", "--baseline", BASELINE, "--update-baseline", ".")[0] == 0
    path = str(repo / "x.json") if typed == "ABSOLUTE" else typed
    assert cli("lint", "--baseline", BASELINE, path)[:2] == (0, CLEAN)


def test_a_baseline_matches_from_a_subdirectory(cli, repo, monkeypatch):
    assert cli("lint", "--baseline", BASELINE, "--update-baseline", ".")[0] == 0
    monkeypatch.chdir(repo / "sub")
    assert cli("lint", "../x.json", "--baseline", f"../{BASELINE}")[:2] == (0, CLEAN)
    assert cli("lint", "..", "--baseline", f"../{BASELINE}")[:2] == (0, CLEAN)


def test_a_baseline_written_from_a_subdirectory_is_the_same_file(cli, repo, monkeypatch):
    assert cli("lint", "--baseline", BASELINE, "--update-baseline", ".")[0] == 0
    from_root = stored(repo)
    monkeypatch.chdir(repo / "sub")
    assert cli("lint", "--baseline", f"../{BASELINE}", "--update-baseline", "..")[0] == 0
    assert stored(repo) == from_root


def test_pre_commit_names_the_file_and_the_baseline_holds(cli, repo, monkeypatch):
    assert cli("lint", "--baseline", BASELINE, "--update-baseline", ".")[0] == 0
    monkeypatch.setenv("PRE_COMMIT", "1")  # pre-commit runs from the root, naming changed files
    assert cli("lint", "--baseline", BASELINE, "x.json")[:2] == (0, CLEAN)


def test_a_new_finding_in_a_baselined_file_still_fails(cli, repo):
    assert cli("lint", "--baseline", BASELINE, "--update-baseline", ".")[0] == 0
    two = good_taskdef(
        containerDefinitions=[
            good_container(image="nginx:latest"),
            good_container(name="side", image="busybox:latest"),
        ]
    )
    (repo / "x.json").write_text(json.dumps(two, indent=2))
    code, out, _ = cli("lint", "--baseline", BASELINE, str(repo / "x.json"))
    assert code == 1 and out.count("ECS401") == 1 and "'side'" in out


def test_a_baseline_without_a_repository_is_relative_to_its_own_folder(cli, tmp_path, monkeypatch):
    (tmp_path / "ci").mkdir()
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "x.json").write_text(json.dumps(MUTABLE))
    assert cli("lint", "--baseline", "ci/b.json", "--update-baseline", "deploy")[0] == 0
    entries = json.loads((tmp_path / "ci" / "b.json").read_text())["findings"]
    assert [entry["path"] for entry in entries] == ["../deploy/x.json"]
    monkeypatch.chdir(tmp_path / "deploy")
    assert cli("lint", "--baseline", "../ci/b.json", "x.json")[:2] == (0, CLEAN)


@pytest.mark.parametrize("typed", [".", "x.json", "ABSOLUTE"])
def test_an_old_baseline_holding_dot_slash_paths_still_matches(cli, repo, typed):
    (repo / BASELINE).write_text(json.dumps(LEGACY, indent=1))
    path = str(repo / "x.json") if typed == "ABSOLUTE" else typed
    assert cli("lint", "--baseline", BASELINE, path)[:2] == (0, CLEAN)


def test_an_old_baseline_matches_from_a_subdirectory(cli, repo, monkeypatch):
    (repo / BASELINE).write_text(json.dumps(LEGACY, indent=1))
    monkeypatch.chdir(repo / "sub")
    assert cli("lint", "../x.json", "--baseline", f"../{BASELINE}")[:2] == (0, CLEAN)


def test_a_file_of_the_same_name_elsewhere_is_not_baselined(cli, repo, monkeypatch):
    assert cli("lint", "--baseline", BASELINE, "--update-baseline", ".")[0] == 0
    (repo / "sub" / "x.json").write_text(json.dumps(MUTABLE))
    monkeypatch.chdir(repo / "sub")
    code, out, _ = cli("lint", "x.json", "--baseline", f"../{BASELINE}")
    assert code == 1 and out.startswith("x.json:") and "ECS401" in out
