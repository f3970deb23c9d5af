"""The ``ecs-advisor`` command line.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings; 2 usage, configuration or input
errors (every other file is still linted and reported). Never a traceback for bad input; set
``ECS_ADVISOR_DEBUG=1`` to see one for a bug.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from advisor import __version__
from advisor.config import (
    FAIL_ON_CHOICES,
    ConfigError,
    Configs,
    Overrides,
    Settings,
    checked_selectors,
    load_settings,
    load_settings_file,
)
from advisor.report import FORMATS


def _selectors(values: list[str] | None) -> list[str] | None:
    """``--select A,B --select C`` -> [A, B, C]."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


REPORT_FORMATS = tuple(FORMATS)


def _choices(values: tuple[str, ...]) -> dict[str, Any]:
    """A choice option shown as ``text|json`` (as the README writes it), not ``{text,json}``."""
    return {"choices": values, "metavar": "|".join(values)}


def _examples(*lines: str) -> dict[str, Any]:
    """A command's --help ends with these command lines, one a line, as written."""
    return {
        "epilog": "examples:\n" + "\n".join(f"  {line}" for line in lines),
        "formatter_class": argparse.RawDescriptionHelpFormatter,
    }


def _gate_options(command: argparse.ArgumentParser) -> None:
    """What lint and history share as a CI gate: formats, outputs, selection, baselines."""
    command.add_argument(
        "--format", default="text", help="report format (text)", **_choices(REPORT_FORMATS)
    )
    command.add_argument("--output", metavar="FILE", help="write the report here (atomically)")
    command.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FORMAT:FILE",
        help="another report (repeatable)",
    )
    command.add_argument(
        "--select", action="append", metavar="RULES", help="codes, prefixes, names or ALL"
    )
    command.add_argument(
        "--ignore", action="append", metavar="RULES", help="codes, prefixes or names"
    )
    command.add_argument(
        "--extend-select", action="append", metavar="RULES", help="add to the selection"
    )
    command.add_argument(
        "--extend-ignore", action="append", metavar="RULES", help="ignore these too"
    )
    command.add_argument(
        "--fail-on",
        help="lowest severity that makes the exit code 1 (default: warning); it compares the "
        "finding's own severity, which the setting may raise (ECS202 is an error on Fargate)",
        **_choices(FAIL_ON_CHOICES),
    )
    command.add_argument("--config", metavar="FILE", help="read settings from this file only")
    command.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report on standard output: auto (a terminal, unless NO_COLOR is "
        "set; FORCE_COLOR forces it), always or never; report files never have colour",
    )
    command.add_argument("--baseline", metavar="FILE", help="report only findings not in this file")
    command.add_argument(
        "--update-baseline", action="store_true", help="write the current findings to --baseline"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecs-advisor",
        description="Lint AWS ECS task definitions and service configurations.",
        **_examples(
            "ecs-advisor lint examples/",
            "ecs-advisor explain mutable-image-tag",
            "ecs-advisor cost --cpu '1 vCPU' --memory '2 GB' --duration 10m --days 30",
        ),
    )
    parser.add_argument(
        "-V",
        "--version",
        action="version",
        version=f"ecs-advisor {__version__}",
        help="print the version and exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", help="what to do")
    commands.required = True

    lint = commands.add_parser(
        "lint",
        help="lint task definition and service JSON files",
        **_examples(
            "ecs-advisor lint",
            "ecs-advisor lint infra/ --format sarif --output ecs.sarif --fail-on error",
            "ecs-advisor lint - --stdin-filename taskdef.json",
        ),
    )
    lint.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="files or folders; - for stdin"
    )
    _gate_options(lint)
    lint.add_argument(
        "--stdin-filename",
        default="-",
        metavar="NAME",
        help="the name to report for PATH '-' (a .py name reads Python)",
    )
    lint.add_argument(
        "--cost",
        action="store_true",
        help="show what each service costs a month (its task definition must be linted too)",
    )
    lint.add_argument(
        "--region",
        help="prices for --cost (default: where each service's ARNs, awslogs-region or ECR "
        "registry say, else AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)",
    )
    lint.add_argument(
        "--fix",
        action="store_true",
        help="apply the safe fixes (see 'explain'); with PATH '-', print the fixed document",
    )
    lint.add_argument(
        "--diff", action="store_true", help="with --fix: print the changes, write nothing"
    )

    rules = commands.add_parser(
        "rules",
        help="list every rule",
        **_examples("ecs-advisor rules", "ecs-advisor rules --format markdown"),
    )
    rules.add_argument(
        "--format",
        default="text",
        help="output format (text)",
        **_choices(("text", "json", "markdown")),
    )

    explain = commands.add_parser(
        "explain",
        help="print a rule's full documentation",
        **_examples("ecs-advisor explain ECS401", "ecs-advisor explain mutable-image-tag"),
    )
    explain.add_argument("rule", metavar="CODE|NAME", help="a rule's code or name")

    history = commands.add_parser(
        "history",
        help="find services and jobs stopped by hand in CloudTrail, and price the fix",
        **_examples(
            "ecs-advisor history examples/history/",
            "ecs-advisor history trail/ --since 30d --job-duration 35m",
            "ecs-advisor history trail/ --task-definitions taskdefs/ --services services.json",
        ),
    )
    history.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="CloudTrail, EventBridge or CloudWatch Logs exports: files or folders",
    )
    history.add_argument(
        "--since", metavar="WHEN", help="ISO date/time, or a span back from now: 30d, 12h"
    )
    history.add_argument("--until", metavar="WHEN", help="ISO date/time, or a span back from now")
    _gate_options(history)
    history.add_argument(
        "--task-definitions", action="append", metavar="PATH", help="task definition files (sizes)"
    )
    history.add_argument(
        "--services",
        action="append",
        metavar="PATH",
        help="service configuration files (desired counts the records do not tell)",
    )
    history.add_argument(
        "--job-duration", metavar="DUR", help="run length of the job alternative: 35m, 1h30m"
    )
    history.add_argument(
        "--automation-role",
        action="append",
        default=[],
        metavar="GLOB",
        help="a role, user or session name that is automation (repeatable)",
    )
    history.add_argument(
        "--human-role",
        action="append",
        default=[],
        metavar="GLOB",
        help="a role, user or session name that is a person (repeatable)",
    )
    history.add_argument(
        "--min-service-stops",
        type=int,
        metavar="N",
        help="stops by hand that make a service a job (3)",
    )
    history.add_argument(
        "--min-job-stops", type=int, metavar="N", help="stops by hand of a job that count (2)"
    )
    history.add_argument("--quiet", action="store_true", help="no progress on standard error")

    audit = commands.add_parser(
        "audit",
        help="audit a live AWS account, read-only",
        **_examples(
            "ecs-advisor audit --region eu-west-1 --cluster prod",
            "ecs-advisor audit --all-regions --cloudtrail none --format json --output audit.json",
            "ecs-advisor audit --print-iam-policy",
        ),
    )
    audit.add_argument("--profile", metavar="P", help="AWS profile")
    audit.add_argument(
        "--region",
        action="append",
        metavar="R",
        help="repeatable (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's)",
    )
    audit.add_argument(
        "--all-regions", action="store_true", help="every region enabled for the account"
    )
    audit.add_argument(
        "--cluster",
        action="append",
        default=[],
        metavar="C",
        help="only this cluster (repeatable; default: all)",
    )
    audit.add_argument(
        "--since", default="30d", metavar="WHEN", help="how far back history goes (30d)"
    )
    audit.add_argument(
        "--cloudtrail",
        default="lookup",
        metavar="SOURCE",
        help="lookup | none | s3://BUCKET/PREFIX | PATH",
    )
    audit.add_argument(
        "--job-duration", metavar="DUR", help="run length of the job alternative (history findings)"
    )
    audit.add_argument("--role-arn", metavar="ARN", help="a role to assume in the account to audit")
    audit.add_argument("--accounts", metavar="FILE", help="account ids, one a line")
    audit.add_argument(
        "--role-name", metavar="NAME", help="with --accounts: the role to assume in each"
    )
    audit.add_argument(
        "--max-workers", type=int, default=4, metavar="N", help="regions read at once (4)"
    )
    audit.add_argument(
        "--timeout",
        type=float,
        default=600,
        metavar="SECONDS",
        help="the whole audit's deadline: what is not read by then is reported as not read (600)",
    )
    audit.add_argument(
        "--format", default="text", help="report format (text)", **_choices(REPORT_FORMATS)
    )
    audit.add_argument(
        "--output",
        metavar="FILE",
        help="write the report here (atomically); s3://BUCKET/KEY prints it and also puts it "
        "in S3 (s3:PutObject, a policy of its own: --print-iam-policy report-output)",
    )
    audit.add_argument(
        "--print-iam-policy",
        nargs="?",
        const="read",
        choices=("read", "report-output"),
        help="print the read-only IAM policy the audit needs; 'report-output': the separate "
        "s3:PutObject policy that --output s3://... needs",
    )
    audit.add_argument(
        "--select", action="append", metavar="RULES", help="codes, prefixes, names or ALL"
    )
    audit.add_argument(
        "--ignore", action="append", metavar="RULES", help="codes, prefixes or names"
    )
    audit.add_argument(
        "--fail-on",
        help="lowest severity that makes the exit code 1 (default: warning), compared with each "
        "finding's own severity",
        **_choices(FAIL_ON_CHOICES),
    )
    audit.add_argument(
        "--allow-partial",
        action="store_true",
        help="exit 1 or 0 by findings even when a source could not be read (default: exit 2); "
        "the report lists what is unknown",
    )
    audit.add_argument("--config", metavar="FILE", help="read settings from this file only")
    audit.add_argument("--quiet", action="store_true", help="no progress on standard error")

    cost = commands.add_parser(
        "cost",
        help="price a Fargate task: a usage, or always-on service against a job",
        **_examples(
            "ecs-advisor cost --cpu '1 vCPU' --memory '2 GB' --tasks 5 --duration 10m --days 30",
            "ecs-advisor cost taskdef.json --compare --duration 12m --runs-per-day 1",
            "ecs-advisor cost --cpu 256 --memory 512 --arch arm64 --region us-west-2 --spot",
        ),
    )
    cost.add_argument("taskdef", nargs="?", metavar="TASKDEF.json", help="size, OS, architecture")
    cost.add_argument("--cpu", help="CPU units or vCPUs: 256, '1 vCPU'")
    cost.add_argument("--memory", metavar="MEM", help="MiB or GB: 512, '2 GB'")
    cost.add_argument("--ephemeral-storage", metavar="GIB", help="20-200 (default 20)")
    cost.add_argument(
        "--arch",
        metavar="x86_64|arm64",
        help="x86_64 or arm64 (default: the task definition's, or x86_64)",
    )
    cost.add_argument(
        "--os",
        metavar="linux|windows",
        help="linux or windows (default: the task definition's, or linux)",
    )
    cost.add_argument(
        "--region",
        help="default: the task definition's (ARN, awslogs-region, ECR registry), else "
        "AWS_REGION, AWS_DEFAULT_REGION, then us-east-1",
    )
    cost.add_argument("--spot", action="store_true", help="price on Fargate Spot")
    cost.add_argument("--tasks", default="1", metavar="N", help="tasks per run (1)")
    cost.add_argument(
        "--duration", default="1h", metavar="DUR", help="per run: 90s, 10m, 1h30m, 1d (1h)"
    )
    cost.add_argument("--runs-per-day", default="1", metavar="R", help="runs a day (1)")
    cost.add_argument("--days", metavar="D", help="days (1; --compare prices a month)")
    cost.add_argument("--compare", action="store_true", help="always-on service against a job")
    cost.add_argument("--desired-count", default="1", metavar="N", help="service tasks (1)")
    cost.add_argument(
        "--format", default="text", help="output format (text)", **_choices(("text", "json"))
    )

    pricing = commands.add_parser(
        "pricing",
        help="the Fargate price table",
        **_examples("ecs-advisor pricing show", "ecs-advisor pricing update --profile billing"),
    )
    pricing_commands = pricing.add_subparsers(
        dest="pricing_command", metavar="COMMAND", help="show or update"
    )
    pricing_commands.required = True
    update = pricing_commands.add_parser(
        "update",
        help="refresh prices from the AWS Price List API into a per-user cache",
        **_examples(
            "ecs-advisor pricing update",
            "ecs-advisor pricing update --profile billing --endpoint-region eu-central-1",
        ),
    )
    update.add_argument("--profile", metavar="P", help="AWS profile for the Price List API")
    update.add_argument(
        "--endpoint-region",
        default="us-east-1",
        help="where the Price List API is served from (us-east-1)",
        **_choices(("us-east-1", "eu-central-1", "ap-south-1")),
    )
    pricing_commands.add_parser(
        "show",
        help="where prices come from, and how old they are",
        **_examples("ecs-advisor pricing show", "ecs-advisor pricing show | grep arm64"),
    )
    return parser


def _overrides(args: argparse.Namespace) -> Overrides:
    """The command line's settings, checked once: they win over every configuration file."""
    overrides = Overrides()
    select = _selectors(args.select)
    if select is not None:
        overrides.select = checked_selectors(select, "--select")
    ignore = _selectors(args.ignore)
    if ignore is not None:
        overrides.ignore = checked_selectors(ignore, "--ignore") if ignore else []
    for flag in ("extend_select", "extend_ignore"):
        extra = _selectors(getattr(args, flag, None))
        if extra:
            name = "--" + flag.replace("_", "-")
            setattr(overrides, flag, checked_selectors(extra, name))
    overrides.fail_on = args.fail_on
    return overrides


def _settings(args: argparse.Namespace, overrides: Overrides | None = None) -> Settings:
    """The run's settings: ``--config`` or the configuration above here, the flags on top."""
    settings = load_settings_file(Path(args.config)) if args.config else load_settings()
    return (overrides or _overrides(args)).apply(settings)


def run_lint(args: argparse.Namespace) -> int:
    from advisor.engine import lint_paths

    overrides = _overrides(args)
    settings = _settings(args, overrides)
    # Each file's settings: the configuration nearest to it (ruff's way), unless --config.
    configs = Configs(settings, overrides, discover=not args.config)
    # pre-commit names every JSON file in a change: those are not files a person chose.
    person_named = not os.environ.get("PRE_COMMIT")
    if args.diff and not args.fix:
        raise ConfigError("--diff goes with --fix")
    if args.region and not args.cost:
        raise ConfigError("--region goes with --cost (the region to price in)")
    if args.cost:
        from advisor.cost.prices import PriceError, PriceTable

        settings.cost, settings.cost_region = True, args.region
        try:
            table = PriceTable.load()
            if args.region:
                table.check_region(args.region)
        except PriceError as exc:
            raise ConfigError(str(exc)) from None
    stdin_source = "python" if args.stdin_filename.endswith(".py") else None

    def lint() -> Any:
        return lint_paths(
            args.paths, settings, person_named, args.stdin_filename, stdin_source, configs
        )

    if args.fix:
        from advisor import fix

        if "-" in args.paths:
            return _fix_stdin(args, settings, lint, configs.for_path)
        result = lint()
        _gate(args, result, configs.for_path)
        changes = fix.fixed_files(result)
        if args.diff:
            for path, old, new in changes:
                sys.stdout.write(fix.unified_diff(path, old, new))
            for error in result.errors:  # a file that does not parse: not silence
                _say("error", str(error))
            return 2 if result.errors else 1 if changes else 0
        fix.write(changes)
        if changes:
            print(f"ecs-advisor: fixed {len(changes)} file(s)", file=sys.stderr)
    return _report(args, lint(), settings, configs.for_path)


def _fix_stdin(
    args: argparse.Namespace,
    settings: Settings,
    lint: Any,
    settings_for: Callable[[str], Settings],
) -> int:
    """``lint - --fix``: the fixed document on standard output, as ruff does, so an editor can
    pipe a buffer through it; ``--diff``: the change as a patch. A document that does not parse
    is echoed unchanged (a pipeline never loses it), with the error on standard error."""
    from advisor import fix
    from advisor.model import SAFE

    if args.paths != ["-"]:
        raise ConfigError("--fix with standard input: '-' must be the only PATH")
    if args.output or args.report or args.baseline:
        raise ConfigError(
            "--fix with standard input prints the document: no --output, --report or --baseline"
        )
    raw = sys.stdin.buffer.read()
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")  # the source reads it again
    result = lint()
    _gate(args, result, settings_for)
    for error in result.errors:
        _say("error", str(error))
    changes = [] if result.errors else fix.fixed_files(result, args.stdin_filename)
    fixed = [f for f in result.findings if f.fix is not None and f.fix.applicability == SAFE]
    if args.diff:
        for path, old, new in changes:
            sys.stdout.write(fix.unified_diff(path, old, new))
        return 2 if result.errors else 1 if changes else 0
    sys.stdout.flush()
    if changes:
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        sys.stdout.buffer.write(bom + changes[0][2].encode("utf-8"))
    else:
        sys.stdout.buffer.write(raw)
    sys.stdout.flush()
    if result.errors:
        return 2
    result.findings = [f for f in result.findings if f not in fixed]
    print(
        f"ecs-advisor: fixed {len(fixed) if changes else 0} problem(s); "
        f"{len(result.findings)} remain",
        file=sys.stderr,
    )
    return result.exit_code(settings.fail_threshold())


def _gate(args: argparse.Namespace, result: Any, settings_for: Callable[[str], Settings]) -> None:
    """Per-file ignores, then the baseline: what the report (and --fix) is left with."""
    from advisor import baseline, gate

    gate.apply_per_file_ignores(result, settings_for)
    if args.baseline and not args.update_baseline:
        result.baselined = baseline.apply(args.baseline, result)


def _report(
    args: argparse.Namespace,
    result: Any,
    settings: Settings,
    settings_for: Callable[[str], Settings] | None = None,
) -> int:
    """Gate and print the result; ``settings_for`` gives a file's settings (default: the run's)."""
    from advisor import baseline, report

    if args.update_baseline and not args.baseline:
        raise ConfigError("--update-baseline needs --baseline FILE")
    _gate(args, result, settings_for or (lambda _path: settings))
    if args.update_baseline:
        baseline.write(args.baseline, result.findings)
        print(
            f"ecs-advisor: wrote {len(result.findings)} findings to {args.baseline}",
            file=sys.stderr,
        )
        return 2 if result.errors else 0
    for error in result.errors:
        _say("error", str(error))
    for note in result.notes:
        _say("note", str(note))
    reports = [(args.format, args.output)]
    for extra in args.report:
        fmt, _, path = extra.partition(":")
        if fmt not in REPORT_FORMATS or not path:
            raise ConfigError(
                f"--report {extra!r}: use FORMAT:FILE, FORMAT one of {', '.join(REPORT_FORMATS)}"
            )
        reports.append((fmt, path))
    report.emit(result, reports, args.color)
    return result.exit_code(settings.fail_threshold())


def run_rules(args: argparse.Namespace) -> int:
    from advisor.report import rule_docs

    sys.stdout.write(rule_docs.render_catalogue(args.format))
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from advisor.report import rule_docs
    from advisor.rules import find_rule

    rule = find_rule(args.rule)
    if rule is None:
        from advisor.rules import did_you_mean

        raise ConfigError(f"unknown rule {args.rule!r}{did_you_mean(args.rule)}")
    sys.stdout.write(rule_docs.render_explanation(rule))
    return 0


def run_history(args: argparse.Namespace) -> int:
    from advisor.history.run import run_history
    from advisor.history.timefmt import parse_bound

    settings = _settings(args)
    settings.automation_roles += args.automation_role
    settings.human_roles += args.human_role
    for flag, value in (
        ("--min-service-stops", args.min_service_stops),
        ("--min-job-stops", args.min_job_stops),
    ):
        if value is not None and value < 1:
            raise ConfigError(f"{flag} must be at least 1, not {value}")
    settings.min_service_stops = args.min_service_stops or settings.min_service_stops
    settings.min_job_stops = args.min_job_stops or settings.min_job_stops
    try:
        settings.since = parse_bound(args.since) if args.since else None
        settings.until = parse_bound(args.until, end_of_day=True) if args.until else None
        if settings.since and settings.until and settings.since > settings.until:
            raise ValueError(f"--since {args.since} is after --until {args.until}")
        if args.job_duration:
            from advisor.cost.duration import parse_duration

            settings.job_duration = parse_duration(args.job_duration)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    from advisor import progress

    shown = progress.start("reading CloudTrail", args.quiet, args.format, args.output)
    try:
        result = run_history(args.paths, settings, args.task_definitions, args.services, shown)
    finally:
        if shown is not None:
            shown.close()
    return _report(args, result, settings)


def run_audit(args: argparse.Namespace) -> int:
    import json

    from advisor.audit import report_output

    s3_output = args.output if args.output and args.output.startswith("s3://") else None
    try:
        if s3_output:
            report_output.parse_s3_url(s3_output)
        if args.print_iam_policy == "report-output":
            print(json.dumps(report_output.output_policy(s3_output), indent=2))
            return 0
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if args.print_iam_policy:
        from advisor.audit.iam_policy import IAM_POLICY

        print(json.dumps(IAM_POLICY, indent=2))
        return 0
    if args.role_arn and args.accounts:
        raise ConfigError("give --role-arn or --accounts with --role-name, not both")
    if args.output and not s3_output:
        from advisor.atomic import check_writable

        check_writable(args.output)
    if not 0 < args.timeout < 1e9:  # nan and inf are not deadlines either
        raise ConfigError("--timeout: a number of seconds above 0")
    try:
        from advisor.audit import aws_session
        from advisor.audit.account_reader import Options
        from advisor.audit.audit_command import run_audit as audit
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("boto3", "botocore", "s3transfer"):
            raise  # not the SDK missing: a bug, reported as one
        raise ConfigError("audit needs the AWS SDK: pip install 'ecs-advisor[aws]'") from None
    from advisor.history.actors import ActorRules
    from advisor.history.timefmt import UTC, parse_bound

    settings = _settings(args)
    import datetime

    try:
        since = parse_bound(args.since)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    until = datetime.datetime.now(UTC)
    if args.cloudtrail == "lookup" and until - since > datetime.timedelta(days=90):
        raise ConfigError("--since: LookupEvents keeps 90 days; use --cloudtrail s3://... for more")
    settings.since, settings.until = since, until
    if args.job_duration:
        from advisor.cost.duration import parse_duration

        try:
            settings.job_duration = parse_duration(args.job_duration)
        except ValueError as exc:
            raise ConfigError(f"--job-duration: {exc}") from None
    options = Options(since, until)
    options.clusters = args.cluster
    options.cloudtrail = args.cloudtrail
    options.actor_rules = ActorRules(settings.automation_roles, settings.human_roles)
    options.min_service_stops = settings.min_service_stops
    options.read_work_logs = settings.job_duration is None
    from advisor import progress

    file_output = None if s3_output else args.output
    options.progress = progress.start("ecs-advisor audit", args.quiet, args.format, file_output)
    aws_session.set_timeout(args.timeout)
    try:
        result = audit(args, settings, options)
    finally:
        if options.progress is not None:
            options.progress.close()
    for error in result.audit_errors:
        where = " ".join(v for v in (error.get("account"), error.get("region")) if v)
        _say("error", f"{where}: {error['source']}: {error['message']}")
    from advisor import report

    report.emit(result, [(args.format, file_output)])
    if s3_output:
        # The log has the report already; the copy in S3 is for the people who read it there.
        try:
            report_output.put_report(
                s3_output, report.render(result, args.format), args.format, args.profile
            )
        except report_output.OutputError as exc:
            raise ConfigError(str(exc)) from None
    from advisor.audit.exit_policy import exit_code

    return exit_code(result, settings.fail_threshold(), args.allow_partial)


def run_cost(args: argparse.Namespace) -> int:
    from advisor import report
    from advisor.cost.command import estimate
    from advisor.engine import Result

    result = Result()
    result.estimate = estimate(args)
    report.emit(result, [(args.format, None)])
    return 0


def run_pricing(args: argparse.Namespace) -> int:
    if args.pricing_command == "show":
        from advisor.cost.prices import PriceError, PriceTable, cache_path

        try:
            table = PriceTable.load()
        except PriceError as exc:
            raise ConfigError(str(exc)) from None
        from advisor.report.cost_report import render_coverage

        render_coverage(table, cache_path(), sys.stdout)
        return 0
    from advisor.cost.pricing_api import update_cache

    return update_cache(args.profile, args.endpoint_region)


def _say(kind: str, text: str) -> None:
    """One line on standard error; control characters from file names or AWS shown, not sent
    (a name can hold an escape sequence that would paint the terminal)."""
    from advisor.report.escape import terminal

    print(f"ecs-advisor: {kind}: {terminal(text)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {
        "lint": run_lint,
        "rules": run_rules,
        "explain": run_explain,
        "cost": run_cost,
        "history": run_history,
        "audit": run_audit,
        "pricing": run_pricing,
    }
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        _say("error", str(exc))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`| head`); say nothing more.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line, unless debugging
        if os.environ.get("ECS_ADVISOR_DEBUG"):
            raise
        print(
            f"ecs-advisor: internal error: {type(exc).__name__}: {exc} "
            "(set ECS_ADVISOR_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        return 2
