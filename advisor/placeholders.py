"""Template placeholders: values the user will substitute before the file reaches AWS.

A value that contains one is never judged (type, enum, size, tag), because its real value is not
known yet: `<IMAGE1_NAME>` (CodePipeline), `${IMAGE}` (envsubst, Terraform, CloudFormation Sub),
`$$$VAR$$$`, `{{ var }}` (Jinja, Helm), `#{Var}` (Octopus), `__VAR__`, `$VAR`, and the
`XXXXXXXXXXXX` account ids of documentation samples, and markers such as `CHANGEME_IMAGE` or
`PYTHON_URI_PLACEHOLDER`.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(
    r"<[^<>\"]+>"
    r"|\$\{[^}]*\}"
    r"|\$\$\$\w+\$\$\$"
    r"|\{\{.*?\}\}"
    r"|#\{[^}]*\}"
    r"|__[A-Z][A-Z0-9_]*__"
    r"|\$[A-Z_][A-Z0-9_]*"
    r"|(?<![A-Za-z0-9])[Xx]{12}(?![A-Za-z0-9])"
    r"|[A-Z0-9_]*(?:PLACEHOLDER|CHANGE_?ME|REPLACE_?ME|YOUR_[A-Z0-9_]+)[A-Z0-9_]*"
)


def has_placeholder(value: object) -> bool:
    """True when a string value holds a placeholder somewhere in it."""
    return isinstance(value, str) and _PLACEHOLDER.search(value) is not None
