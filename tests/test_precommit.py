"""End to end: the real ``pre-commit try-repo`` runs our hook in a throwaway git repository.

Each run builds the hook's virtualenv (pip installs this repository's working tree: HEAD plus
tracked changes, not untracked files), so it takes seconds and needs the build backend (PyPI or
pip's cache). ``pre-commit`` is in the test extra, so without it these tests fail. Without ``git``,
or outside a git checkout (an unpacked source archive), they are skipped, except under CI (the
environment variable ``CI`` set, as CI services and ``.ci/run`` do), where that fails.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
HOOK_ID = "ecs-advisor"
TIMEOUT = 600  # seconds; the first run builds the hook's environment

GOOD_TASK_DEFINITION = """\
{
  "family": "web",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "public.ecr.aws/nginx/nginx:1.27.0",
      "essential": true,
      "user": "101",
      "readonlyRootFilesystem": true,
      "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
          "awslogs-group": "/ecs/web",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "web"
        }
      }
    }
  ]
}
"""

# Two problems: the :latest tag, and no awslogs-stream-prefix on Fargate (an error there).
BAD_TASK_DEFINITION = """\
{
  "family": "worker",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {
      "name": "worker",
      "image": "nginx:latest",
      "essential": true,
      "user": "101",
      "readonlyRootFilesystem": true,
      "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
          "awslogs-group": "/ecs/worker",
          "awslogs-region": "us-east-1"
        }
      }
    }
  ]
}
"""

PACKAGE_JSON = """\
{
  "name": "frontend",
  "version": "1.0.0",
  "private": true,
  "scripts": {"build": "tsc -p ."}
}
"""

# JSON with comments, as TypeScript allows: not strict JSON, and not ours to judge.
TSCONFIG_JSON = """\
{
  // Compiler settings for the frontend.
  "compilerOptions": {
    "target": "ES2022", // modern browsers only
    "strict": true
  },
  "include": ["src"]
}
"""

# A finding line of our text report: path:line:col: CODE severity: message [rule-name]
FINDING = re.compile(
    r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>ECS\d+) "
    r"(?P<severity>error|warning|info): .* \[(?P<name>[a-z-]+)\]$"
)


def _find_pre_commit() -> str | None:
    """pre-commit next to this interpreter first (a venv need not be on PATH), then PATH."""
    bindir = Path(sys.executable).parent
    for name in ("pre-commit", "pre-commit.exe"):
        candidate = bindir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("pre-commit")


def _position(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the only occurrence of ``needle`` in ``text``."""
    assert text.count(needle) == 1, f"{needle!r} must occur exactly once"
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _git(repo: Path, *args: str, env: dict[str, str], git: str) -> None:
    subprocess.run([git, *args], cwd=repo, env=env, check=True, capture_output=True, text=True)


def _cannot_run(reason: str) -> NoReturn:
    """No git, or no checkout: a skip on a developer's machine, a failure under CI."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture
def tools() -> tuple[str, str]:
    pre_commit = _find_pre_commit()
    if pre_commit is None:
        pytest.fail(
            "pre-commit not found next to the Python interpreter or on PATH: pip install -e '.[test]'"
        )
    git = shutil.which("git")
    if git is None:
        _cannot_run("git not found on PATH")
    if not (REPO_ROOT / ".git").exists():
        _cannot_run(f"{REPO_ROOT} is not a git checkout, which pre-commit try-repo needs")
    return git, pre_commit


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The caller's environment, with a private pre-commit home and no inherited git state.

    ``try-repo`` itself builds the hook's environment in a fresh temporary store on every run
    (it ignores ``PRE_COMMIT_HOME``), so each of the two runs below builds it; the private home
    only keeps anything else pre-commit writes away from the user's cache.
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    environ["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    environ.pop("PRE_COMMIT", None)  # set when these tests themselves run inside a hook
    environ["NO_COLOR"] = "1"
    return environ


def _try_repo(
    project: Path, env: dict[str, str], pre_commit: str, hook: str = HOOK_ID
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [pre_commit, "try-repo", str(REPO_ROOT), hook, "--all-files", "--color", "never"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def _show(result: subprocess.CompletedProcess) -> str:
    return f"exit code {result.returncode}\n--- stdout ---\n{result.stdout}\n--- stderr ---\n{result.stderr}"


def test_pre_commit_hook_passes_clean_repo_and_fails_bad_task_definition(
    tmp_path: Path, tools: tuple[str, str], env: dict[str, str]
) -> None:
    git, pre_commit = tools
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q", env=env, git=git)
    _git(project, "config", "user.name", "ecs-advisor tests", env=env, git=git)
    _git(project, "config", "user.email", "tests@example.invalid", env=env, git=git)
    _git(project, "config", "commit.gpgsign", "false", env=env, git=git)

    (project / "taskdef.json").write_text(GOOD_TASK_DEFINITION, encoding="utf-8")
    (project / "package.json").write_text(PACKAGE_JSON, encoding="utf-8")
    (project / "tsconfig.json").write_text(TSCONFIG_JSON, encoding="utf-8")
    _git(project, "add", "taskdef.json", "package.json", "tsconfig.json", env=env, git=git)

    clean = _try_repo(project, env, pre_commit)
    assert clean.returncode == 0, _show(clean)
    assert re.search(rf"^{re.escape(HOOK_ID)}\.+Passed$", clean.stdout, re.MULTILINE), _show(clean)

    (project / "deploy").mkdir()
    (project / "deploy" / "taskdef.json").write_text(BAD_TASK_DEFINITION, encoding="utf-8")
    _git(project, "add", "deploy/taskdef.json", env=env, git=git)

    failing = _try_repo(project, env, pre_commit)
    output = failing.stdout + failing.stderr
    assert failing.returncode != 0, _show(failing)
    assert re.search(rf"^{re.escape(HOOK_ID)}\.+Failed$", failing.stdout, re.MULTILINE), _show(
        failing
    )
    # Findings, not an input error: our exit code 1 reaches pre-commit.
    assert "- exit code: 1" in failing.stdout, _show(failing)

    # The finding is placed on the key: "image" for the tag, "options" for the missing prefix.
    image_line, image_col = _position(BAD_TASK_DEFINITION, '"image": "nginx:latest"')
    options_line, options_col = _position(
        BAD_TASK_DEFINITION, '"options": {\n          "awslogs-group": "/ecs/worker"'
    )
    expected = {
        ("deploy/taskdef.json", image_line, image_col, "ECS401", "mutable-image-tag"),
        (
            "deploy/taskdef.json",
            options_line,
            options_col,
            "ECS202",
            "awslogs-missing-stream-prefix",
        ),
    }
    found = {
        (m["path"], int(m["line"]), int(m["col"]), m["code"], m["name"])
        for m in (FINDING.match(line) for line in output.splitlines())
        if m
    }
    assert found == expected, _show(failing)
    assert f"deploy/taskdef.json:{image_line}:{image_col}: ECS401 warning: " in output
    assert f"deploy/taskdef.json:{options_line}:{options_col}: ECS202 error: " in output
    assert "Fargate requires it" in output, _show(failing)
    # The good file, package.json and the commented tsconfig.json cause neither findings nor errors.
    assert "ecs-advisor: error:" not in output, _show(failing)


def test_python_hook_flags_ecs_code_and_ignores_other_python(
    tmp_path: Path, tools: tuple[str, str], env: dict[str, str]
) -> None:
    git, pre_commit = tools
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q", env=env, git=git)
    (project / "util.py").write_text("def run_task(x):\n    return x\n", encoding="utf-8")
    (project / "jobs.py").write_text(
        'import boto3\n\necs = boto3.client("ecs")\necs.update_service(service="report", desiredCount=0)\n',
        encoding="utf-8",
    )
    _git(project, "add", "util.py", "jobs.py", env=env, git=git)
    result = _try_repo(project, env, pre_commit, hook="ecs-advisor-python")
    output = result.stdout + result.stderr
    assert result.returncode != 0, _show(result)
    assert "jobs.py:4:" in output and "service-scaled-to-zero-in-code" in output, _show(result)
    assert "util.py" not in output.split("Using config")[-1].split("ecs-advisor (Python)")[-1], (
        _show(result)
    )
