"""Fuzz ``ecs-advisor lint`` for as long as you like: mutate the vendored corpus (task
definitions, CloudFormation and Python examples), lint each mutant in every format (with
``--fix`` and ``--cost`` now and then) and keep every input that makes it fail inside.

    python tools/fuzz_lint.py --minutes 60 --out fuzz-crashes/ [--seed 1]

A failure is an exit code other than 0, 1 or 2, an "internal error" or a traceback, output that
a UTF-8 stdout cannot take, a run longer than --slow seconds, or a secret's value in the output.
Each one is written to --out as the input file and a .txt with the command and what went wrong;
the last line printed counts runs and failures. Each run is a child process, so a crash of the
interpreter (a segmentation fault) is caught too. Exit code: 1 if anything failed, else 0.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"
SECRET = "s3cr3t-VALUE-never-printed"
FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")
HOSTILE = [
    "", "\x1b[31m", "a\nb|c\x00", "\ud800", "${IMAGE}", "{{ x }}", "ABCDEF0123456789" * 2500,
    "1" * 400, "0.25 vcpu", "FARGATE", "FARGATE_SPOT", "awsvpc", "nginx:latest", "-1",
]  # fmt: skip
TEXT_SNIPPETS = ["[" * 3000, "(" * 3000, "\x00", "\ufeff", "\\ud800", "9" * 5000, '"', "{", "}"]


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth < 3 and roll < 0.15:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 3 and roll < 0.3:
        return {rng.choice([*HOSTILE[:6], "name", "cpu", "base"]): _value(rng, depth + 1)}
    return rng.choice(
        [
            None,
            True,
            False,
            0,
            -1,
            2**63,
            10**400,
            1e308,
            0.5,
            rng.choice(HOSTILE),
            rng.randint(-(10**6), 10**6),
        ]
    )


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def mutate_json(document: Any, rng: random.Random) -> Any:
    for _ in range(rng.randint(1, 5)):
        path = rng.choice(_paths(document))
        if not path:
            document = _value(rng)
            continue
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        if rng.random() < 0.25:
            del parent[path[-1]]
        else:
            parent[path[-1]] = _value(rng)
    return document


def mutate_text(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(text))
        roll = rng.random()
        if roll < 0.4:
            text = text[:at] + rng.choice(TEXT_SNIPPETS) + text[at:]
        elif roll < 0.7:
            text = text[:at] + text[at + rng.randint(1, 40) :]
        else:
            text = text[:at] + chr(rng.randint(0, 0x7F)) + text[at:]
    return text


def _inputs() -> list[Path]:
    found = [*sorted(CORPUS.rglob("*.json")), *sorted(CORPUS.rglob("*.y*ml"))]
    return found + sorted((ROOT / "examples").rglob("*.py")) + sorted(CORPUS.rglob("*.py"))


def _mutant(source: Path, rng: random.Random) -> tuple[str, bytes]:
    text = source.read_text(encoding="utf-8", errors="surrogateescape")
    if source.suffix == ".json" and rng.random() < 0.7:
        try:
            document = json.loads(text)
        except ValueError:
            return source.name, mutate_text(text, rng).encode("utf-8", "surrogatepass")
        for container in (document if isinstance(document, dict) else {}).get(
            "containerDefinitions"
        ) or []:
            if isinstance(container, dict):
                container["environment"] = [{"name": "DB_PASSWORD", "value": SECRET}]
        document = mutate_json(document, rng)
        return source.name, json.dumps(document, indent=2).encode("utf-8", "surrogatepass")
    return source.name, mutate_text(text, rng).encode("utf-8", "surrogatepass")


def _problem(run: subprocess.CompletedProcess[bytes], took: float, slow: float) -> str | None:
    err = run.stderr.decode("utf-8", "replace")
    if run.returncode not in (0, 1, 2):
        return f"exit code {run.returncode}"
    if "internal error" in err or "Traceback" in err:
        return err.strip().splitlines()[-1]
    try:
        run.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return "output that is not UTF-8"
    if SECRET.encode() in run.stdout + run.stderr:
        return "a secret's value in the output"
    if took > slow:
        return f"took {took:.1f} s"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--out", default="fuzz-crashes")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--slow", type=float, default=10.0, help="seconds a run may take")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    sources = _inputs()
    out = Path(args.out)
    deadline = time.monotonic() + args.minutes * 60
    runs = failures = 0
    while time.monotonic() < deadline:
        source = rng.choice(sources)
        name, content = _mutant(source, rng)
        command = ["lint", "--format", rng.choice(FORMATS)]
        if rng.random() < 0.2:
            command.append("--fix")
        if rng.random() < 0.2:
            command += ["--cost", "--region", "us-east-1"]
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / name).write_bytes(content)
            started = time.monotonic()
            try:
                run = subprocess.run(
                    [sys.executable, "-m", "advisor", *command, name],
                    cwd=folder,
                    capture_output=True,
                    timeout=args.slow * 6,
                )
                problem = _problem(run, time.monotonic() - started, args.slow)
            except subprocess.TimeoutExpired:
                problem = f"hung for more than {args.slow * 6:.0f} s"
        runs += 1
        if problem:
            failures += 1
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{failures:04d}-{name}").write_bytes(content)
            (out / f"{failures:04d}-{name}.txt").write_text(
                f"from {source.relative_to(ROOT)}\necs-advisor {' '.join(command)} {name}\n"
                f"{problem}\n",
                encoding="utf-8",
            )
            print(f"FAIL {failures:04d}-{name}: {problem}", flush=True)
    print(f"{runs} runs, {failures} failures", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
