"""Regenerate the README's generated parts: ``python tests/update_readme.py``.

The rule table (from the catalogue), the audit's IAM policies (read-only, and the report
output's one write), and the usage blocks (from the
command line parser, so the README cannot promise an option the tool does not have).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from advisor.report.rule_docs import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"
# Each usage block of the README: the commands it shows, in order.
USAGE_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("lint", "rules", "explain"),
    ("history",),
    ("audit",),
    ("cost",),
)
WIDTH = 100


def main() -> None:
    text = README.read_text(encoding="utf-8")
    updated = re.sub(
        r"(<!-- rules-table:start -->\n).*?(<!-- rules-table:end -->)",
        lambda m: m.group(1) + markdown_table() + m.group(2),
        text,
        flags=re.S,
    )
    updated = re.sub(
        r"(<!-- iam-policy:start -->\n```json\n).*?(\n```\n<!-- iam-policy:end -->)",
        lambda m: m.group(1) + iam_policy() + m.group(2),
        updated,
        flags=re.S,
    )
    for commands in USAGE_COMMANDS:
        key = re.escape("+".join(commands))
        updated = re.sub(
            rf"(<!-- usage:{key}:start -->\n```sh\n).*?(```\n<!-- usage:{key}:end -->)",
            lambda m, commands=commands: m.group(1) + usage_block(commands) + m.group(2),
            updated,
            flags=re.S,
        )
    updated = re.sub(
        r"(<!-- iam-output-policy:start -->\n```json\n).*?(```\n<!-- iam-output-policy:end -->)",
        lambda m: m.group(1) + output_policy() + "\n" + m.group(2),
        updated,
        flags=re.S,
    )
    README.write_text(updated, encoding="utf-8")


def iam_policy() -> str:
    import json

    from advisor.audit.iam_policy import IAM_POLICY

    return json.dumps(IAM_POLICY, indent=2)


def usage_block(commands: tuple[str, ...]) -> str:
    """The commands' usage as argparse prints it, ``WIDTH`` wide, without ``usage:`` and
    ``[-h]`` (every command has --help)."""
    from advisor.cli import build_parser

    parser = build_parser()
    subcommands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    lines = []
    for name in commands:
        command = subcommands.choices[name]
        command.formatter_class = lambda prog: argparse.HelpFormatter(prog, width=WIDTH)
        usage = command.format_usage().removeprefix("usage: ").replace(" [-h]", "", 1)
        lines += [line.removeprefix(" " * len("usage: ")) for line in usage.splitlines()]
    return "\n".join(lines) + "\n"


def output_policy() -> str:
    """The separate s3:PutObject policy of ``audit --output s3://...``."""
    import json

    from advisor.audit.report_output import output_policy

    return json.dumps(output_policy(None), indent=2)


if __name__ == "__main__":
    main()
