"""Property-based tests: lint on arbitrary JSON documents, on mutated real task definitions and
on Python calls with arbitrary literal arguments never fails inside (no "internal error", no
traceback), exits 0, 1 or 2, writes output any stdout can encode, and never prints an
environment variable's value. Bounded so CI stays fast; tools/fuzz_lint.py runs for longer."""

from __future__ import annotations

import io
import json
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

from conftest import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.cli import main

SECRET = "s3cr3t-VALUE-never-printed"
FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")


def _documents() -> list[Any]:
    """The corpus's task definitions that are JSON (some are templates with bare placeholders)."""
    found = []
    for path in sorted((DATA / "corpus" / "taskdefs").glob("*.json")):
        try:
            found.append(json.loads(path.read_text(encoding="utf-8")))
        except ValueError:
            continue
    return found


CORPUS = _documents()
BOUNDED = settings(
    max_examples=100,
    deadline=None,  # a first libcst import or schema load is slow; the suite's time is the bound
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Strings that broke readers and reports before: escapes, surrogates, placeholders, huge
# numbers as text, keys of the API.
HOSTILE_TEXT = st.sampled_from(
    [
        "",
        "\x1b[31m",
        "a\nb|c\x00",
        "\ud800",
        "${IMAGE}",
        "{{ x }}",
        "ABCDEF0123456789" * 64,
        "1" * 400,
        "0.25 vcpu",
        "FARGATE",
        "FARGATE_SPOT",
        "awsvpc",
        "nginx:latest",
        "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**1000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    HOSTILE_TEXT,
)
KEYS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "family",
            "cpu",
            "memory",
            "containerDefinitions",
            "name",
            "image",
            "environment",
            "serviceName",
            "taskDefinition",
            "desiredCount",
            "capacityProviderStrategy",
            "base",
            "weight",
            "capacityProvider",
            "launchType",
            "requiresCompatibilities",
            "secrets",
            "logConfiguration",
            "options",
            "portMappings",
            "containerPort",
        ]
    ),
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)
    ),
    max_leaves=25,
)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def check(path: Path, fmt: str, *extra: str) -> None:
    code, out, err = run("lint", "--format", fmt, *extra, str(path))
    assert code in (0, 1, 2), (code, err)
    assert "internal error" not in err and "Traceback" not in err, err
    (out + err).encode("utf-8")  # what a real stdout must accept: no lone surrogate
    assert SECRET not in out + err


def _write(folder: str, name: str, document: Any) -> Path:
    path = Path(folder) / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


@BOUNDED
@given(
    document=JSON_VALUES,
    name=st.sampled_from(["taskdef.json", "service.json"]),
    fmt=st.sampled_from(FORMATS),
)
def test_lint_on_arbitrary_json(document, name, fmt):
    with tempfile.TemporaryDirectory() as folder:
        check(_write(folder, name, document), fmt)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document a mutation can change."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _mutated(document: Any, path: tuple, replacement: Any, delete: bool) -> Any:
    if not path:
        return replacement
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    return document


@st.composite
def mutated_task_definitions(draw: st.DrawFn) -> Any:
    document = json.loads(json.dumps(draw(st.sampled_from(CORPUS))))  # a copy to change
    # a secret's value to hunt for in the output, wherever the mutations leave the rest
    target = document.get("taskDefinition", document) if isinstance(document, dict) else {}
    for container in target.get("containerDefinitions") or []:
        if isinstance(container, dict):
            container["environment"] = [{"name": "DB_PASSWORD", "value": SECRET}]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        if SECRET in json.dumps(path) or (path and path[-1] == "value"):
            continue  # the secret's value stays a value: moving it is not a leak
        delete = bool(path) and draw(st.booleans())
        document = _mutated(document, path, draw(JSON_VALUES), delete)
    return document


def test_the_corpus_is_there():
    assert len(CORPUS) >= 30


@BOUNDED
@given(document=mutated_task_definitions(), fmt=st.sampled_from(FORMATS), fix=st.booleans())
def test_lint_on_mutated_real_task_definitions(document, fmt, fix):
    with tempfile.TemporaryDirectory() as folder:
        path = _write(folder, "taskdef.json", document)
        check(path, fmt, *(("--fix",) if fix else ()))
        if fix:  # what --fix wrote is still JSON
            json.loads(path.read_text(encoding="utf-8"))


@BOUNDED
@given(document=mutated_task_definitions())
def test_lint_cost_on_mutated_services(document):
    service = {
        "serviceName": "web",
        "cluster": "prod",
        "taskDefinition": document.get("family", "web") if isinstance(document, dict) else "web",
        "desiredCount": 2,
        "capacityProviderStrategy": [{"capacityProvider": "FARGATE", "weight": 1}],
    }
    with tempfile.TemporaryDirectory() as folder:
        _write(folder, "taskdef.json", document)
        _write(folder, "service.json", service)
        check(Path(folder), "text", "--cost", "--region", "us-east-1")


PYTHON_LITERALS = st.recursive(
    st.one_of(
        st.integers().map(repr),
        st.sampled_from(
            [
                "9" * 5000,
                '"a" b"b"',
                '"\\ud800"',
                "x",
                "None",
                "f(x)",
                "*a",
                "**k",
                "lambda: 1",
                "(x for x in y)",
                "[]",
                "{}",
            ]
        ),
        st.text(max_size=10).map(repr),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.lists(st.tuples(children, children), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        ),
    ),
    max_leaves=8,
)


@BOUNDED
@given(
    arguments=st.lists(
        st.tuples(
            st.sampled_from(["cluster", "taskDefinition", "overrides", "count", "launchType"]),
            PYTHON_LITERALS,
        ),
        max_size=4,
    ),
    fix=st.booleans(),
)
def test_lint_on_python_calls_with_arbitrary_literals(arguments, fix):
    call = ", ".join(f"{name}={value}" for name, value in dict(arguments).items())
    source = f'import boto3\n\necs = boto3.client("ecs")\necs.run_task({call})\n'
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.py"
        path.write_text(source, encoding="utf-8")
        check(path, "text", *(("--fix",) if fix else ()))
        fixed = path.read_text(encoding="utf-8")
        if fixed != source:  # a fix never writes code that does not compile
            compile(fixed, "run.py", "exec")
