"""The ``ecs-advisor`` command line.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings; 2 usage, configuration or input
errors (every other file is still linted and reported). Never a traceback for bad input; set
``ECS_ADVISOR_DEBUG=1`` to see one for a bug.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from advisor import __version__
from advisor.config import (
    FAIL_ON_CHOICES,
    ConfigError,
    Settings,
    checked_selectors,
    load_settings,
    load_settings_file,
)


def _selectors(values: list[str] | None) -> list[str] | None:
    """``--select A,B --select C`` -> [A, B, C]."""
    if values is None:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecs-advisor",
        description="Lint AWS ECS task definitions and service configurations.",
    )
    parser.add_argument("--version", action="version", version=f"ecs-advisor {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    lint = commands.add_parser("lint", help="lint task definition and service JSON files")
    lint.add_argument(
        "paths", nargs="*", default=["."], metavar="PATH", help="files or folders; - for stdin"
    )
    lint.add_argument("--format", choices=("text", "json"), default="text")
    lint.add_argument("--select", action="append", metavar="RULES", help="codes, prefixes or names")
    lint.add_argument("--ignore", action="append", metavar="RULES", help="codes, prefixes or names")
    lint.add_argument(
        "--fail-on",
        choices=FAIL_ON_CHOICES,
        help="lowest severity that makes the exit code 1 (default: warning)",
    )
    lint.add_argument("--config", metavar="FILE", help="read settings from this file only")
    lint.add_argument(
        "--stdin-filename", default="-", metavar="NAME", help="the name to report for PATH '-'"
    )

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json", "markdown"), default="text")

    explain = commands.add_parser("explain", help="print a rule's full documentation")
    explain.add_argument("rule", metavar="CODE|NAME")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings_file(Path(args.config)) if args.config else load_settings()
    select = _selectors(args.select)
    if select is not None:
        settings.select = checked_selectors(select, "--select")
    ignore = _selectors(args.ignore)
    if ignore is not None:
        settings.ignore = checked_selectors(ignore, "--ignore") if ignore else []
    if args.fail_on:
        settings.fail_on = args.fail_on
    return settings


def run_lint(args: argparse.Namespace) -> int:
    from advisor.engine import lint_paths

    settings = _settings(args)
    # pre-commit names every JSON file in a change: those are not files a person chose.
    person_named = not os.environ.get("PRE_COMMIT")
    result = lint_paths(args.paths, settings, person_named, args.stdin_filename)
    for error in result.errors:
        print(f"ecs-advisor: error: {error}", file=sys.stderr)
    for note in result.notes:
        print(f"ecs-advisor: note: {note}", file=sys.stderr)
    if args.format == "json":
        from advisor.report import json_report

        json_report.render(result, sys.stdout)
    else:
        from advisor.report import text

        text.render(result, sys.stdout)
    return result.exit_code(settings.fail_threshold())


def run_rules(args: argparse.Namespace) -> int:
    from advisor.report import rule_docs

    sys.stdout.write(rule_docs.render_catalogue(args.format))
    return 0


def run_explain(args: argparse.Namespace) -> int:
    from advisor.report import rule_docs
    from rules import find_rule

    rule = find_rule(args.rule)
    if rule is None:
        raise ConfigError(f"unknown rule {args.rule!r}: see 'ecs-advisor rules'")
    sys.stdout.write(rule_docs.render_explanation(rule))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"lint": run_lint, "rules": run_rules, "explain": run_explain}
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"ecs-advisor: error: {exc}", file=sys.stderr)
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
