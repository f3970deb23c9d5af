"""Colour as the README promises: the text report's severity and code are coloured on a terminal,
never in a pipe or a report file; ``NO_COLOR`` (https://no-color.org) turns it off and
``FORCE_COLOR`` (https://force-color.org) on even in a pipe; ``--color`` decides above both.
The text format shows each finding's severity: ``path:line:col: CODE severity: message [name]``."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import good_container, good_taskdef

from advisor.report import text as text_report

ESCAPE = "\x1b["
LOGS = {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1"}  # Fargate: ECS202 is an error


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def no_colour_variables(monkeypatch):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("environment", "mode", "tty", "expected"),
    [
        ({}, "auto", True, True),
        ({}, "auto", False, False),
        ({"NO_COLOR": "1"}, "auto", True, False),
        ({"NO_COLOR": ""}, "auto", True, True),  # present but empty: not set (no-color.org)
        ({"FORCE_COLOR": "1"}, "auto", False, True),
        ({"FORCE_COLOR": ""}, "auto", False, False),
        ({"NO_COLOR": "1", "FORCE_COLOR": "1"}, "auto", False, False),  # NO_COLOR wins
        ({"TERM": "dumb"}, "auto", True, False),
        ({"NO_COLOR": "1"}, "always", False, True),  # the flag decides above both
        ({"FORCE_COLOR": "1"}, "never", True, False),
    ],
)
def test_when_to_colour(monkeypatch, no_colour_variables, environment, mode, tty, expected):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    stream = FakeTTY() if tty else io.StringIO()
    assert text_report.use_colour(stream, mode) is expected


def _fargate_taskdef(tmp_path: Path) -> Path:
    container = good_container(
        image="nginx:latest", logConfiguration={"logDriver": "awslogs", "options": LOGS}
    )
    path = tmp_path / "td.json"
    path.write_text(json.dumps(good_taskdef(containerDefinitions=[container]), indent=2))
    return path


def test_the_text_line_shows_the_findings_severity(cli, tmp_path):
    _fargate_taskdef(tmp_path)
    code, out, _ = cli("lint", "--select", "ECS202,ECS401", "td.json")
    assert code == 1
    lines = sorted(out.splitlines()[:2], key=lambda line: "ECS202" not in line)
    assert re.fullmatch(
        r"td\.json:\d+:\d+: ECS202 error: container 'web' logs with awslogs but sets no "
        r"awslogs-stream-prefix; Fargate requires it \[awslogs-missing-stream-prefix\]",
        lines[0],
    ), lines[0]
    assert re.fullmatch(
        r"td\.json:\d+:\d+: ECS401 warning: container 'web' image 'nginx:latest' .* "
        r"\[mutable-image-tag\]",
        lines[1],
    ), lines[1]


def _environment(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "CI")
    }
    env.update(extra)
    return env


def _on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """Run ``python -m advisor ARGS`` with its standard output on a pseudo-terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "advisor", *args],
        cwd=cwd,
        env=env,
        stdout=follower,
        stderr=subprocess.DEVNULL,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_on_a_terminal_and_not_in_a_pipe_or_a_file(tmp_path):
    _fargate_taskdef(tmp_path)
    args = ["lint", "--select", "ECS202", "td.json"]
    coloured = _on_a_terminal(args, tmp_path, _environment())
    assert "\x1b[31mECS202 error\x1b[0m" in coloured, repr(coloured)
    assert ESCAPE not in _on_a_terminal(args, tmp_path, _environment(NO_COLOR="1"))
    assert ESCAPE not in _on_a_terminal([*args, "--color", "never"], tmp_path, _environment())

    def piped(*extra: str, **env: str) -> str:
        run = subprocess.run(
            [sys.executable, "-m", "advisor", *args, *extra],
            cwd=tmp_path,
            env=_environment(**env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 1, run.stderr
        return run.stdout

    assert ESCAPE not in piped()
    assert "\x1b[31mECS202 error\x1b[0m" in piped(FORCE_COLOR="1")
    assert ESCAPE in piped("--color", "always")
    # A report file is never coloured, whatever the terminal or the variables say.
    piped("--output", "report.txt", FORCE_COLOR="1")
    piped("--report", "text:extra.txt", "--color", "always")
    for name in ("report.txt", "extra.txt"):
        report = (tmp_path / name).read_text()
        assert "ECS202 error: " in report and ESCAPE not in report
