"""Shared helpers: lint a document written to a temporary file, run the CLI in-process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.cli import main
from advisor.config import Settings
from advisor.engine import lint_paths

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"  # files from elsewhere, with their sources: DATA / "SOURCES"


def good_taskdef(**overrides) -> dict:
    """A well-configured Fargate task definition; overrides replace top-level keys."""
    doc = {
        "family": "web",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": "256",
        "memory": "512",
        "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        "containerDefinitions": [good_container()],
    }
    doc.update(overrides)
    return doc


def good_container(**overrides) -> dict:
    container = {
        "name": "web",
        "image": "public.ecr.aws/nginx/nginx:1.27.0",
        "essential": True,
        "user": "101",  # nginx's own unprivileged user
        "readonlyRootFilesystem": True,
        "portMappings": [{"containerPort": 80, "protocol": "tcp"}],
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": "/ecs/web",
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "web",
            },
        },
    }
    container.update(overrides)
    return container


def good_service(**overrides) -> dict:
    doc = {
        "cluster": "prod",
        "serviceName": "web",
        "taskDefinition": "web:3",
        "desiredCount": 2,
        "launchType": "FARGATE",
        "networkConfiguration": {"awsvpcConfiguration": {"subnets": ["subnet-0abc1234"]}},
        "enableECSManagedTags": True,
        "propagateTags": "SERVICE",
        "tags": [{"key": "team", "value": "web"}],
    }
    doc.update(overrides)
    return doc


class Linter:
    """Writes documents under a temporary folder and lints them with the real engine."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def write(self, content: dict | list | str, name: str = "taskdef.json") -> Path:
        path = self.folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content, indent=2)
        path.write_text(text, encoding="utf-8")
        return path

    def findings(self, content: dict | list | str, name: str = "taskdef.json", **settings):
        path = self.write(content, name)
        options = Settings()
        for key, value in settings.items():
            setattr(options, key, value)
        result = lint_paths([str(path)], options)
        assert not result.errors, [str(e) for e in result.errors]
        return result.findings

    def codes(self, content, name: str = "taskdef.json") -> list[str]:
        return [f.name for f in self.findings(content, name)]


@pytest.fixture
def linter(tmp_path: Path) -> Linter:
    return Linter(tmp_path)


@pytest.fixture
def cli(capsys, monkeypatch, tmp_path):
    """Run ``ecs-advisor ARGS`` in-process from tmp_path; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def fake_aws_environment(monkeypatch, folder: Path, region: str) -> None:
    """Fake credentials and no configuration from this machine: nothing can reach real AWS."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(folder / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(folder / "none"),
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
