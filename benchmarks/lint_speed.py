"""How fast ``ecs-advisor lint`` is, as ratios to what Python itself cannot avoid.

Run it with the project installed (the dev virtualenv)::

    python benchmarks/lint_speed.py [--repeat N] [--files N] [--corpus DIR] [--profile]

It prints figures and asserts nothing; it exits 0 whatever it measures. Absolute times depend on
the machine, so each figure is a ratio of two things measured in the same run: the two commands
run alternately ``--repeat`` times after a warm-up, and the ratio is the median over those pairs
(a noisy neighbour tends to slow both runs of a pair alike). Times are medians; the best (minimum)
times and their ratio are printed too.

1. One file: wall time of ``python -m advisor lint FILE`` on one good task definition against a
   bare ``python -c "import json"``. What starting the linter costs beyond starting Python: the
   imports, reading the schema, the rules. Target: under 4x.
2. Many files: ``python -m advisor lint DIR`` over ``--files`` (1000) task definitions against the
   parse floor, a ``python -c`` process that reads and ``json.loads`` every file in DIR. What
   linting adds to merely reading the input. Target: under 5x.
3. Imports: ``python -X importtime -m advisor lint``. Whether any heavy package (boto3, botocore,
   moto, jsonschema, libcst) is imported at all (none should be), and the ten most expensive of
   our own modules by cumulative import time (median over the repetitions).
4. Validation: microseconds per task definition for our ``Validator`` and for jsonschema's
   ``Draft202012Validator`` on the same schema file and the same documents, and what importing
   each costs in a fresh process. Skipped, and said so, when jsonschema is not installed.

The documents are generated here from a few realistic shapes (a Fargate web service with awslogs,
a scheduled job, a multi-container FireLens task, a describe-task-definition export, a console
export, and some with the mistakes the linter exists to catch), each copy with its own family.
With ``--corpus DIR`` the JSON files of DIR (recursively; those that do not parse are skipped) are
the documents of figures 2 and 4 instead, their text copied as is, cyclically, up to ``--files``.

``--profile`` adds a cProfile of the in-process lint of the many-files directory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

HEAVY_PACKAGES = ("boto3", "botocore", "moto", "jsonschema", "libcst")
OUR_PACKAGES = ("advisor", "rules")
ONE_FILE_TARGET = 4.0
MANY_FILES_TARGET = 5.0
VALIDATION_SAMPLE = 200  # documents per pass in figure 4: enough shapes, and jsonschema is slow

PARSE_FLOOR = """\
import json, os, sys
folder = sys.argv[1]
for name in os.listdir(folder):
    with open(os.path.join(folder, name), "rb") as handle:
        json.loads(handle.read())
"""

# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ECR = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"


def _role(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def _awslogs(group: str, stream_prefix: bool = True) -> dict[str, Any]:
    options = {"awslogs-group": group, "awslogs-region": REGION, "awslogs-create-group": "true"}
    if stream_prefix:
        options["awslogs-stream-prefix"] = "ecs"
    return {"logDriver": "awslogs", "options": options}


def web_service(family: str, n: int) -> dict[str, Any]:
    """A well-configured Fargate web service logging to CloudWatch: no findings."""
    return {
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "512",
        "memory": "1024",
        "executionRoleArn": _role("ecsTaskExecutionRole"),
        "taskRoleArn": _role(f"{family}-task"),
        "runtimePlatform": {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"},
        "containerDefinitions": [
            {
                "name": "web",
                "image": f"{ECR}/{family}:1.{n % 40}.{n % 7}",
                "essential": True,
                "portMappings": [
                    {
                        "name": "http",
                        "containerPort": 8080,
                        "hostPort": 8080,
                        "protocol": "tcp",
                        "appProtocol": "http",
                    }
                ],
                "environment": [
                    {"name": "PORT", "value": "8080"},
                    {"name": "LOG_LEVEL", "value": "info"},
                    {"name": "FEATURE_FLAGS", "value": f"checkout-v{n % 3},search"},
                ],
                "secrets": [
                    {
                        "name": "DATABASE_PASSWORD",
                        "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{family}/db",
                    }
                ],
                "healthCheck": {
                    "command": ["CMD-SHELL", "curl -fs http://localhost:8080/health || exit 1"],
                    "interval": 30,
                    "timeout": 5,
                    "retries": 3,
                    "startPeriod": 15,
                },
                "ulimits": [{"name": "nofile", "softLimit": 65536, "hardLimit": 65536}],
                "logConfiguration": _awslogs(f"/ecs/{family}"),
            }
        ],
    }


def scheduled_job(family: str, n: int) -> dict[str, Any]:
    """A nightly batch job on Fargate (run by EventBridge Scheduler): no findings."""
    return {
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "1024",
        "memory": "4096",
        "executionRoleArn": _role("ecsTaskExecutionRole"),
        "taskRoleArn": _role(f"{family}-job"),
        "ephemeralStorage": {"sizeInGiB": 50},
        "containerDefinitions": [
            {
                "name": "job",
                "image": f"{ECR}/reports@sha256:{n:064x}",
                "essential": True,
                "command": ["python", "-m", "reports.nightly", "--since", "24h"],
                "environment": [{"name": "BUCKET", "value": f"reports-{n}"}],
                "stopTimeout": 120,
                "logConfiguration": _awslogs(f"/ecs/jobs/{family}"),
            }
        ],
    }


def firelens_task(family: str, n: int) -> dict[str, Any]:
    """An app, a Fluent Bit log router and an X-Ray daemon; logs routed through FireLens."""
    firelens_logs = {
        "logDriver": "awsfirelens",
        "options": {
            "Name": "cloudwatch_logs",
            "region": REGION,
            "log_group_name": f"/ecs/{family}",
            "log_stream_prefix": "app/",
            "auto_create_group": "true",
        },
    }
    return {
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "1024",
        "memory": "2048",
        "executionRoleArn": _role("ecsTaskExecutionRole"),
        "taskRoleArn": _role(f"{family}-task"),
        "containerDefinitions": [
            {
                "name": "log_router",
                "image": "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.2",
                "essential": True,
                "firelensConfiguration": {
                    "type": "fluentbit",
                    "options": {"enable-ecs-log-metadata": "true"},
                },
                "memoryReservation": 50,
                "logConfiguration": _awslogs(f"/ecs/{family}/firelens"),
            },
            {
                "name": "app",
                "image": f"{ECR}/{family}:2024.{n % 12 + 1:02d}.{n % 28 + 1:02d}",
                "essential": True,
                "portMappings": [{"containerPort": 3000, "protocol": "tcp"}],
                "dependsOn": [{"containerName": "log_router", "condition": "START"}],
                "environment": [{"name": "NODE_ENV", "value": "production"}],
                "logConfiguration": firelens_logs,
            },
            {
                "name": "xray-daemon",
                "image": "public.ecr.aws/xray/aws-xray-daemon:3.3.9",
                "essential": False,
                "cpu": 32,
                "memoryReservation": 256,
                "portMappings": [{"containerPort": 2000, "protocol": "udp"}],
                "logConfiguration": firelens_logs,
            },
        ],
    }


def ec2_latest(family: str, n: int) -> dict[str, Any]:
    """Mistakes: EC2 bridge mode, ``:latest`` and untagged images, no log configuration."""
    return {
        "family": family,
        "networkMode": "bridge",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [
            {
                "name": "nginx",
                "image": "nginx:latest",
                "memory": 256,
                "essential": True,
                "portMappings": [{"containerPort": 80, "hostPort": 0}],
                "links": ["app"],
            },
            {
                "name": "app",
                "image": f"acme/{family}",
                "memory": 512,
                "essential": True,
                "environment": [
                    {"name": "REDIS_HOST", "value": f"redis-{n}.internal"},
                    {"name": "API_TOKEN", "value": f"tok-{n:08d}-not-a-placeholder"},
                ],
            },
        ],
    }


def fargate_mistakes(family: str, n: int) -> dict[str, Any]:
    """Mistakes: invalid Fargate size, no execution role, a typo, no stream prefix, no logs."""
    return {
        "family": family,
        "networkMode": "awsvpc",
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "4096",
        "containerDefinitions": [
            {
                "name": "api",
                "image": f"{ECR}/{family}:v{n % 9}",
                "essental": True,
                "portMappings": [{"containerPort": 8000, "hostPort": 80}],
                "logConfiguration": _awslogs(f"/ecs/{family}", stream_prefix=False),
            },
            {"name": "worker", "image": f"{ECR}/{family}-worker:v{n % 9}", "essential": False},
        ],
    }


def describe_export(family: str, n: int) -> dict[str, Any]:
    """``aws ecs describe-task-definition`` output, kept as is: output-only fields, nulls."""
    inner = web_service(family, n)
    inner.update(
        {
            "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:{n}",
            "revision": n,
            "status": "ACTIVE",
            "compatibilities": ["EC2", "FARGATE"],
            "requiresAttributes": [
                {"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"},
                {"name": "ecs.capability.execution-role-awslogs"},
                {"name": "com.amazonaws.ecs.capability.ecr-auth"},
            ],
            "registeredAt": "2024-05-01T10:00:00.000000+00:00",
            "registeredBy": f"arn:aws:sts::{ACCOUNT}:assumed-role/deployer/ci",
            "placementConstraints": [],
            "volumes": [],
        }
    )
    return {"taskDefinition": inner, "tags": [{"key": "team", "value": f"team-{n % 5}"}]}


def console_export(family: str, n: int) -> dict[str, Any]:
    """A console JSON export saved for re-registration: output-only fields at the top level."""
    document = scheduled_job(family, n)
    document.update(
        {
            "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{family}:{n}",
            "revision": n,
            "status": "ACTIVE",
            "pidMode": None,
            "ipcMode": None,
            "proxyConfiguration": None,
            "inferenceAccelerators": None,
        }
    )
    return document


SHAPES: list[Callable[[str, int], dict[str, Any]]] = [
    web_service,
    scheduled_job,
    firelens_task,
    ec2_latest,
    fargate_mistakes,
    describe_export,
    console_export,
]


def generated_document(n: int) -> dict[str, Any]:
    shape = SHAPES[n % len(SHAPES)]
    return shape(f"{shape.__name__.replace('_', '-')}-{n:04d}", n)


def corpus_texts(folder: Path) -> list[tuple[str, str]]:
    """(name, text) of each JSON file under ``folder`` that parses; the others are skipped."""
    found = []
    for path in sorted(folder.rglob("*.json")):
        try:
            text = path.read_text(encoding="utf-8-sig")
            json.loads(text)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        found.append((path.stem, text))
    return found


def write_many(folder: Path, count: int, corpus: list[tuple[str, str]] | None) -> None:
    """``count`` task-definition files, generated or copied cyclically from the corpus."""
    folder.mkdir()
    for n in range(count):
        if corpus:
            stem, text = corpus[n % len(corpus)]
        else:
            stem, text = "taskdef", json.dumps(generated_document(n), indent=2) + "\n"
        (folder / f"{n:04d}-{stem}.json").write_text(text, encoding="utf-8")


def task_definitions(documents: Iterable[Any]) -> list[dict[str, Any]]:
    """The task definitions among parsed documents, unwrapping describe-task-definition output."""
    found = []
    for data in documents:
        if isinstance(data, dict) and isinstance(data.get("taskDefinition"), dict):
            data = data["taskDefinition"]
        if isinstance(data, dict) and isinstance(data.get("containerDefinitions"), list):
            found.append(data)
    return found


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


def advisor_command() -> list[str]:
    return [sys.executable, "-m", "advisor"]


class Processes:
    """Runs child processes in one working directory with one environment.

    Unless told to keep the environment as it is, bytecode is cached (in a temporary
    ``PYTHONPYCACHEPREFIX``, never in the repository) even when ``PYTHONDONTWRITEBYTECODE`` is
    set, so that every timed run after the warm-up starts the way an installed package does.
    """

    def __init__(self, cwd: Path, keep_env: bool) -> None:
        self.cwd = cwd
        self.env = dict(os.environ)
        self.env.pop("ECS_ADVISOR_DEBUG", None)
        if not keep_env:
            self.env.pop("PYTHONDONTWRITEBYTECODE", None)
            self.env["PYTHONPYCACHEPREFIX"] = str(cwd / "pycache")

    def run(self, command: list[str], stdout: int, stderr: int) -> subprocess.CompletedProcess:
        """One run, exit code ignored; ``subprocess.PIPE`` captures a stream as text."""
        return subprocess.run(
            command,
            cwd=self.cwd,
            env=self.env,
            stdout=stdout,
            stderr=stderr,
            text=True,
            check=False,
        )

    def seconds(self, command: list[str]) -> float:
        """Wall time of one run, output discarded."""
        start = time.perf_counter()
        self.run(command, subprocess.DEVNULL, subprocess.DEVNULL)
        return time.perf_counter() - start

    def compare(
        self, subject: list[str], baseline: list[str], repeat: int
    ) -> tuple[list[float], list[float]]:
        """Wall times of two commands, run alternately after one warm-up each."""
        self.seconds(subject)
        self.seconds(baseline)
        subject_times, baseline_times = [], []
        for _ in range(repeat):
            baseline_times.append(self.seconds(baseline))
            subject_times.append(self.seconds(subject))
        return subject_times, baseline_times

    def import_times(self, command: list[str]) -> dict[str, tuple[int, int]]:
        """Module -> (nesting level, cumulative microseconds), from ``-X importtime``."""
        command = [command[0], "-X", "importtime", *command[1:]]
        stderr = self.run(command, subprocess.DEVNULL, subprocess.PIPE).stderr
        times = {}
        for line in stderr.splitlines():
            if not line.startswith("import time:") or "[us]" in line:
                continue
            _self, cumulative, field = line[len("import time:") :].split("|")
            name = field.strip()
            level = (len(field) - len(field.lstrip()) - 1) // 2
            times[name] = (level, int(cumulative))
        return times


def per_document_us(check: Callable[[Any], object], documents: list[Any], repeat: int) -> float:
    """Median microseconds per document of ``check`` over all documents (after a warm-up)."""
    for document in documents:
        check(document)
    passes = []
    for _ in range(repeat):
        start = time.perf_counter()
        for document in documents:
            check(document)
        passes.append(time.perf_counter() - start)
    return statistics.median(passes) / len(documents) * 1e6


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------

BARE_PYTHON = [sys.executable, "-c", "import json"]


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def print_ratio(rows: list[tuple[str, list[float]]], target: float) -> None:
    """Print (label, wall times) rows, then how many times the first takes the second.

    The ratio is the median over the pairs of runs made one after the other, which share the
    machine's mood of the moment; the ratio of the best times is printed beside it.
    """
    for label, times in rows:
        print(f"  {label:<34} {median_ms(times):8.1f} ms  (best {min(times) * 1000:.1f} ms)")
    (_, subject), (_, baseline) = rows
    ratio = statistics.median(s / b for s, b in zip(subject, baseline, strict=True))
    best = min(subject) / min(baseline)
    met = "met" if ratio < target else "NOT met"
    print(f"  ratio {ratio:.2f}x, of best times {best:.2f}x (target under {target:g}x: {met})")


def figure_one_file(processes: Processes, path: Path, repeat: int) -> None:
    print("1. One file: lint one good task definition vs bare Python")
    lint = [*advisor_command(), "lint", str(path)]
    exit_code = processes.run(lint, subprocess.DEVNULL, subprocess.DEVNULL).returncode
    subject, baseline = processes.compare(lint, BARE_PYTHON, repeat)
    rows = [("python -m advisor lint FILE", subject), ('python -c "import json"', baseline)]
    print_ratio(rows, ONE_FILE_TARGET)
    print(f"  lint exit code {exit_code} (0 expected: the file is clean)")


def figure_many_files(processes: Processes, folder: Path, repeat: int) -> None:
    count = sum(1 for _ in folder.iterdir())
    print(f"2. {count} files: lint a directory vs reading and parsing every file")
    lint = [*advisor_command(), "lint", str(folder)]
    floor = [sys.executable, "-c", PARSE_FLOOR, str(folder)]
    result = processes.run(lint, subprocess.PIPE, subprocess.DEVNULL)
    lines = result.stdout.strip().splitlines()
    subject, baseline = processes.compare(lint, floor, repeat)
    rows = [("python -m advisor lint DIR", subject), ("parse floor (json.loads each)", baseline)]
    print_ratio(rows, MANY_FILES_TARGET)
    per_file = [median_ms(times) / count * 1000 for times in (subject, baseline)]
    print(f"  per file: lint {per_file[0]:.0f} us, floor {per_file[1]:.0f} us (medians)")
    print(f"  lint exit code {result.returncode}: {lines[-1] if lines else '(no output)'}")


def _median_times(runs: list[dict[str, tuple[int, int]]]) -> dict[str, float]:
    """Module -> median cumulative microseconds over runs (0 in a run that lacks it)."""
    names = set().union(*runs)
    return {n: statistics.median(r[n][1] if n in r else 0 for r in runs) for n in names}


def _total_ms(runs: list[dict[str, tuple[int, int]]]) -> float:
    """Median over runs of the sum of outermost imports: all the import time of a run."""
    return statistics.median(sum(c for level, c in r.values() if level == 0) for r in runs) / 1000


def figure_imports(processes: Processes, path: Path, folder: Path, repeat: int) -> None:
    print("3. Imports: python -X importtime -m advisor lint")
    single = [
        processes.import_times([*advisor_command(), "lint", str(path)]) for _ in range(repeat)
    ]
    bare = [processes.import_times(BARE_PYTHON) for _ in range(repeat)]
    many = processes.import_times([*advisor_command(), "lint", str(folder)])
    for label, modules in (("FILE", set().union(*single)), ("DIR", set(many))):
        heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY_PACKAGES)
        print(f"  heavy packages imported (lint {label}): {', '.join(heavy) or 'none'}")
    ours = {n: t for n, t in _median_times(single).items() if n.split(".")[0] in OUR_PACKAGES}
    print("  our modules, top 10 by cumulative import time (lint FILE; stdlib they import first")
    print("  counts towards them; -X importtime itself slows imports down):")
    for name, micros in sorted(ours.items(), key=lambda item: -item[1])[:10]:
        print(f"    {micros / 1000:7.2f} ms  {name}")
    print(
        f"  all imports: lint FILE {_total_ms(single):.1f} ms, bare python {_total_ms(bare):.1f} ms"
    )


def jsonschema_validator() -> Callable[[Any], object] | None:
    """jsonschema's checker for the TaskDefinitionDocument shape, or None if not installed."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError:
        return None
    from advisor.schema.validate import SCHEMA_PATH

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    root = {"$ref": "#/$defs/TaskDefinitionDocument", "$defs": schema["$defs"]}
    validator = Draft202012Validator(root)
    return lambda document: list(validator.iter_errors(document))


def import_cost_ms(processes: Processes, statement: str, repeat: int) -> float:
    """Milliseconds a fresh process spends on ``statement`` beyond ``import json`` (medians)."""
    subject, baseline = processes.compare([sys.executable, "-c", statement], BARE_PYTHON, repeat)
    return median_ms(subject) - median_ms(baseline)


def figure_validation(processes: Processes, documents: list[dict[str, Any]], repeat: int) -> None:
    from advisor.schema.validate import Validator

    sample = documents[:VALIDATION_SAMPLE]
    print(f"4. Validation, per task definition ({len(sample)} documents per pass)")
    validator = Validator.load()

    def ours(document: Any) -> list:
        return validator.validate(document, "TaskDefinitionDocument")

    our_us = per_document_us(ours, sample, repeat)
    our_errors = sum(len(ours(d)) for d in sample)
    print(f"  advisor Validator      {our_us:9.1f} us/doc  ({our_errors} departures found)")
    our_import = import_cost_ms(processes, "import advisor.schema.validate", repeat)
    theirs = jsonschema_validator()
    if theirs is None:
        print("  jsonschema             skipped: not installed")
        print(f"  import beyond bare Python: advisor.schema.validate {our_import:.1f} ms")
        return
    their_us = per_document_us(theirs, sample, repeat)
    their_errors = sum(len(theirs(d)) for d in sample)  # type: ignore[arg-type]
    print(f"  jsonschema Draft202012 {their_us:9.1f} us/doc  ({their_errors} errors found)")
    print(f"  jsonschema takes {their_us / our_us:.1f}x as long per document")
    their_import = import_cost_ms(processes, "import jsonschema", repeat)
    print(
        f"  import beyond bare Python: advisor.schema.validate {our_import:.1f} ms, "
        f"jsonschema {their_import:.1f} ms"
    )


def profile_lint(folder: Path, top: int = 15) -> None:
    """cProfile of lint_paths over the directory, in this process, sorted by own time."""
    import cProfile
    import pstats

    from advisor.config import Settings
    from advisor.engine import lint_paths

    print(f"Profile: lint_paths over {folder.name}/ in this process (top {top} by own time)")
    profiler = cProfile.Profile()
    profiler.enable()
    lint_paths([str(folder)], Settings())
    profiler.disable()
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(top)


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="repetitions per figure (7)")
    parser.add_argument("--files", type=int, default=1000, help="files for figure 2 (1000)")
    parser.add_argument("--corpus", type=Path, help="real task definitions for figures 2 and 4")
    parser.add_argument("--profile", action="store_true", help="also cProfile the many-files lint")
    parser.add_argument(
        "--keep-env",
        action="store_true",
        help="run children in this environment as is (PYTHONDONTWRITEBYTECODE included)",
    )
    args = parser.parse_args(argv)
    args.repeat = max(1, args.repeat)
    args.files = max(1, args.files)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = corpus_texts(args.corpus) if args.corpus else None
    if args.corpus and not corpus:
        print(f"no JSON file under {args.corpus} parses; using generated documents")
    if corpus:
        source = f"corpus {args.corpus} ({len(corpus)} files that parse)"
        documents = task_definitions(json.loads(text) for _, text in corpus)
    else:
        source = "generated documents"
        documents = task_definitions(generated_document(n) for n in range(args.files))
    print(
        f"Python {platform.python_version()} on {platform.system()}, {os.cpu_count()} CPUs; "
        f"median of {args.repeat} runs; {source}; "
        f"bytecode {'as the environment says' if args.keep_env else 'cached (temporary prefix)'}"
    )
    with tempfile.TemporaryDirectory(prefix="ecs-advisor-bench-") as tmp:
        work = Path(tmp)  # no configuration file above it, so the defaults apply
        processes = Processes(work, args.keep_env)
        one = work / "web.json"
        one.write_text(json.dumps(web_service("web", 1), indent=2) + "\n", encoding="utf-8")
        folder = work / "taskdefs"
        write_many(folder, args.files, corpus)
        figures: list[Callable[[], None]] = [
            lambda: figure_one_file(processes, one, args.repeat),
            lambda: figure_many_files(processes, folder, args.repeat),
            lambda: figure_imports(processes, one, folder, args.repeat),
            lambda: figure_validation(processes, documents, args.repeat),
        ]
        if args.profile:
            figures.append(lambda: profile_lint(folder))
        for figure in figures:
            print()
            figure()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
