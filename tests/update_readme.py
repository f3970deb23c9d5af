"""Regenerate the README's rule table and IAM policies: ``python tests/update_readme.py``."""

from __future__ import annotations

import re
from pathlib import Path

from advisor.report.rule_docs import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


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
    updated = re.sub(
        r"(<!-- iam-output-policy:start -->\n```json\n).*?(```\n<!-- iam-output-policy:end -->)",
        lambda m: m.group(1) + output_policy() + "\n" + m.group(2),
        updated,
        flags=re.S,
    )
    README.write_text(updated, encoding="utf-8")


def iam_policy() -> str:
    import json

    from advisor.audit.aws_session import IAM_POLICY

    return json.dumps(IAM_POLICY, indent=2)


def output_policy() -> str:
    """The separate s3:PutObject policy of ``audit --output s3://...``."""
    import json

    from advisor.audit.report_output import output_policy

    return json.dumps(output_policy(None), indent=2)


if __name__ == "__main__":
    main()
