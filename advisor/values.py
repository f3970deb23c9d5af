"""Values a source cannot know: ``Unknown``, set once by the source, left alone by every rule.

A template placeholder the user substitutes before the file reaches AWS (`<IMAGE1_NAME>` in
CodePipeline, `${IMAGE}` in envsubst, Terraform or CloudFormation Sub, `$$$VAR$$$`,
`{{ var }}` in Jinja and Helm, `#{Var}` in Octopus, `__VAR__`, `$VAR`, the `XXXXXXXXXXXX` account
ids of documentation samples, markers such as `CHANGEME_IMAGE`), an expression a Python file
computes, a CloudFormation intrinsic, a Terraform variable: each becomes an ``Unknown`` holding
the source text it stands for. Rules judge only known values, so a value nobody can know yet is
never reported, and no rule has to recognize placeholders itself.
"""

from __future__ import annotations

import re
from typing import Any

# Only whether a string holds a placeholder matters, never where it is, so every alternative
# is written to fail in linear time: no pattern both repeats an unbounded run and can start again
# inside that run (a 40 KB upper-case hex value took 15 s with ``[A-Z0-9_]*`` around the words).
# The bracketed forms whose end may be far away (``${...}``, ``#{...}``, ``{{...}}``) are found
# by ``_closed`` instead of by a pattern.
_PLACEHOLDER = re.compile(
    r"<[^<>\"]+>"
    r"|\$\$\$\w+\$\$\$"
    r"|__[A-Z][A-Z0-9_]*__"  # starts only at "__"; a later start is a match for this one
    r"|\$[A-Z_]"
    r"|(?<![A-Za-z0-9])[Xx]{12}(?![A-Za-z0-9])"
    r"|PLACEHOLDER|CHANGE_?ME|REPLACE_?ME|YOUR_[A-Z0-9_]"
)


def _closed(text: str, opener: str, closer: str, same_line: bool = False) -> bool:
    """Whether an ``opener`` is followed by a ``closer`` (on its line, with ``same_line``):
    one pass, each character looked at a bounded number of times."""
    start = text.find(opener)
    while start != -1:
        end = text.find(closer, start + len(opener))
        if end == -1:
            return False
        if not same_line:
            return True
        line_end = text.find("\n", start)
        if line_end == -1 or end < line_end:
            return True
        start = text.find(opener, line_end)
    return False


def _search(text: str) -> bool:
    return (
        _PLACEHOLDER.search(text) is not None
        or _closed(text, "${", "}")
        or _closed(text, "#{", "}")
        or _closed(text, "{{", "}}", same_line=True)
    )


# Substrings every placeholder holds one of: a file without any is never walked.
_MARKS = ("<", "$", "{{", "#{", "__", "XXXXXXXXXXXX", "xxxxxxxxxxxx", "PLACEHOLDER", "CHANGE",
          "REPLACE", "YOUR_")  # fmt: skip


class Unknown:
    """A value only known later (a placeholder, an expression, an intrinsic).

    ``text`` is what the source holds in its place (``${IMAGE}``, ``os.environ["TAG"]``), for
    labels and fingerprints; a rule may read the known part of a partly templated string
    (``app:${TAG}`` has no ``:latest``) but never judges the value itself.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Unknown({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("Unknown", self.text))


def is_unknown(value: object) -> bool:
    return type(value) is Unknown


def has_placeholder(text: str) -> bool:
    """True when a string holds a template placeholder somewhere in it."""
    return _search(text)


def might_hold_placeholders(text: str) -> bool:
    """A cheap screen on a whole file before any value is looked at."""
    return any(mark in text for mark in _MARKS)


def mark_unknowns(data: Any) -> Any:
    """``data`` with every string that holds a placeholder replaced by an ``Unknown``."""
    if isinstance(data, str):
        return Unknown(data) if _search(data) else data
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str | dict | list):
                data[key] = mark_unknowns(value)
        return data
    if isinstance(data, list):
        for index, value in enumerate(data):
            if isinstance(value, str | dict | list):
                data[index] = mark_unknowns(value)
    return data


def text_of(value: object) -> str | None:
    """A string value, or an unknown one's source text; None for anything else."""
    if isinstance(value, str):
        return value
    if type(value) is Unknown:
        return value.text
    return None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(data: Any) -> Any:
    """``data`` with each lone UTF-16 surrogate (JSON's ``"\\ud800"``, Python's ``"\\udc80"``)
    in its strings and keys replaced by U+FFFD: such a string cannot be encoded, so it would
    crash every report that prints it."""
    if isinstance(data, str):
        return _LONE_SURROGATE.sub("\ufffd", data)
    if isinstance(data, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in data.items()}
    if isinstance(data, list):
        return [without_lone_surrogates(v) for v in data]
    return data
