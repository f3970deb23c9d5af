"""``lint --fix``: the safe fixes, made as the smallest edit that keeps everything else.

- JSON service configs: add ``"enableECSManagedTags": true`` and ``"propagateTags": "SERVICE"``;
  task definitions: add a missing ``awslogs-stream-prefix`` (the container's name). Each is one
  inserted line right after the object's opening brace, indented like its first member: every
  other line stays as it was.
- Python: add ``enableECSManagedTags=True`` and ``propagateTags="TASK_DEFINITION"`` to
  ``run_task(...)`` calls with libcst, so comments, quotes and layout stay exactly as they were.
A file that does not parse is never touched; running the fixes twice changes nothing more.
"""

from __future__ import annotations

import json
import re
from typing import Any

from advisor.config import Settings
from advisor.engine import check_resources, settings_rules
from advisor.sources.discover import discover
from advisor.sources.json_files import InputFailure, NotRecognized, load

FIXABLE = {"ECS202", "ECS501", "ECS502", "ECS603"}
_FIRST_MEMBER = re.compile(r"\{(\s*)(\"|\})")


def _object_start(text: str, offset: int) -> int:
    """The offset of the ``{`` of the object whose key (or which itself) starts at ``offset``."""
    return text.index("{", offset)


def _insert_member(text: str, brace: int, key: str, value: Any) -> tuple[int, str]:
    """(offset, text) that adds ``"key": value`` as the object's first member."""
    match = _FIRST_MEMBER.match(text, brace)
    spacing = match.group(1) if match else ""
    colon = ": " if spacing else ":"  # a minified file stays minified
    member = f"{json.dumps(key)}{colon}{json.dumps(value, ensure_ascii=False)}"
    if match and match.group(2) == "}":  # an empty object
        return brace + 1, member
    return brace + 1, f"{spacing}{member},"


def _json_edits(document: Any, findings: list[Any], resources: list[Any]) -> list[tuple[int, str]]:
    if document.positions is None:
        document.locate([""])
    index = document.positions
    text = document.text
    edits: list[tuple[int, str]] = []
    by_pointer = {r.pointer: r for r in resources}
    for finding in findings:
        pointer = finding.location.pointer
        if finding.code in ("ECS501", "ECS502"):
            service = by_pointer.get(pointer)
            if service is None or service.wrapped:
                continue  # describe output is AWS's, not a config to edit
            offset = index.offset(pointer) or 0
            if finding.code == "ECS501" and "enableECSManagedTags" not in service.data:
                edits.append(
                    _insert_member(text, _object_start(text, offset), "enableECSManagedTags", True)
                )
            if finding.code == "ECS502" and "propagateTags" not in service.data:
                edits.append(
                    _insert_member(text, _object_start(text, offset), "propagateTags", "SERVICE")
                )
        elif finding.code == "ECS202" and pointer.endswith("/logConfiguration/options"):
            container_pointer = pointer.rsplit("/logConfiguration", 1)[0]
            container = _at(document.data, container_pointer)
            name = container.get("name") if isinstance(container, dict) else None
            options = _at(document.data, pointer)
            if not isinstance(options, dict) or "awslogs-stream-prefix" in options:
                continue  # null options, or an empty prefix someone set: for a person to decide
            if not isinstance(name, str) or index.offset(pointer) is None:
                continue
            brace = _object_start(text, text.index(":", index.offset(pointer)))
            edits.append(_insert_member(text, brace, "awslogs-stream-prefix", name))
    return edits


def _at(data: Any, pointer: str) -> Any:
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        data = data[int(key)] if isinstance(data, list) else data.get(key)
    return data


def _apply(text: str, edits: list[tuple[int, str]]) -> str:
    for offset, insertion in sorted(set(edits), reverse=True):
        text = text[:offset] + insertion + text[offset:]
    return text


def _python_fix(document: Any, findings: list[Any]) -> str | None:
    """The module with managed tags added to the flagged run_task calls."""
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    targets = {
        document.positions[f.location.pointer]
        for f in findings
        if f.location.pointer in document.positions
    }
    if not targets:
        return None

    class AddTags(cst.CSTTransformer):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
            start = self.get_metadata(PositionProvider, original).start
            if (start.line, start.column + 1) not in targets or not updated.args:
                return updated
            # A chained call starts where run_task does: only the run_task call itself is ours.
            if not (
                isinstance(original.func, cst.Attribute) and original.func.attr.value == "run_task"
            ):
                return updated
            call_code = module.code_for_node(original)
            last_value = module.code_for_node(original.args[-1].value)
            if "#" in call_code[call_code.rfind(last_value) + len(last_value) :]:
                return updated  # a comment after the last argument: leave the layout to a person
            present = {a.keyword.value for a in updated.args if a.keyword is not None}
            if any(a.star == "**" for a in updated.args) or "enableECSManagedTags" in present:
                return updated
            additions = [("enableECSManagedTags", cst.Name("True"))]
            if "propagateTags" not in present:
                additions.append(("propagateTags", cst.SimpleString('"TASK_DEFINITION"')))
            args = list(updated.args)
            last = args[-1]
            trailing = last.comma  # a trailing comma (and its line break) stays the last one's
            # Between arguments, the spacing the call already uses between them: a line break and
            # the argument indentation in a call laid out one argument a line (without comments).
            between = args[-2].comma if len(args) > 1 else trailing
            separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            if isinstance(between, cst.Comma):
                spacing = between.whitespace_after
                if isinstance(spacing, cst.ParenthesizedWhitespace):
                    spacing = spacing.with_changes(
                        first_line=cst.TrailingWhitespace(), empty_lines=[]
                    )
                separator = between.with_changes(whitespace_after=spacing)
            args[-1] = last.with_changes(comma=separator)
            for index, (name, value) in enumerate(additions):
                final = index == len(additions) - 1
                args.append(
                    cst.Arg(
                        keyword=cst.Name(name),
                        value=value,
                        equal=cst.AssignEqual(
                            whitespace_before=cst.SimpleWhitespace(""),
                            whitespace_after=cst.SimpleWhitespace(""),
                        ),
                        comma=trailing if final else separator,
                    )
                )
            return updated.with_changes(args=args)

    module = cst.parse_module(document.text)
    fixed = MetadataWrapper(module).visit(AddTags())
    return fixed.code


def fixed_files(
    paths: list[str], settings: Settings, person_named: bool
) -> list[tuple[str, str, str]]:
    """(path, old text, new text) for every file the safe fixes would change."""
    rules = [r for r in settings_rules(settings) if r.code in FIXABLE]
    changes = []
    for candidate in discover(paths, settings.exclude, settings.root, []):
        path = candidate.path
        try:
            if path.endswith(".py"):
                from advisor.sources import python_code

                document, resources = python_code.load(path, path, False)
            else:
                document, resources = load(path, path, False)
        except (NotRecognized, InputFailure, OSError):
            continue  # a file that does not parse is never rewritten
        findings = [f for f in check_resources(resources, rules) if f.code in FIXABLE]
        if not findings:
            continue
        if path.endswith(".py"):
            new = _python_fix(document, [f for f in findings if f.code == "ECS603"])
        else:
            new = _apply(document.text, _json_edits(document, findings, resources))
        if new is not None and new != document.text:
            with open(path, "rb") as handle:
                bom = "\ufeff" if handle.read(3) == b"\xef\xbb\xbf" else ""
            changes.append((path, bom + document.text, bom + new))
    return changes


def unified_diff(path: str, old: str, new: str) -> str:
    """The change as a unified diff (``--- a/PATH``, ``+++ b/PATH``, 3 lines of context), with
    secrets' values hidden on every line it prints, context, removed and added alike.

    A line can hold an environment variable's value, a secret's ``valueFrom``, a log option, a
    docker label or repository credentials, or, in Python, a RunTask ``overrides`` environment or
    a ``DB_PASSWORD = "..."``; the diff must not print them (it goes to CI logs and pull-request
    comments). Each such value is shown as ``<hidden>``, with its key and the line's layout kept::

         "options": {
        +  "awslogs-stream-prefix": <hidden>,
           "apikey": <hidden>,

    so a reviewer still reads which members are around the change and what is added. What is
    hidden is listed in ``advisor.redact``; log option values are hidden even when the fix wrote
    them (the stream prefix is the container's name). The hunks are the ones
    ``difflib.unified_diff`` makes of the real lines: only what each line shows differs.
    """
    import difflib

    from advisor.redact import hidden_lines

    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    shown_before, shown_after = hidden_lines(path, old), hidden_lines(path, new)
    out: list[str] = []
    for group in difflib.SequenceMatcher(None, before, after).get_grouped_opcodes(3):
        if not out:
            out += [f"--- a/{path}\n", f"+++ b/{path}\n"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in shown_before[i1:i2]]
                continue
            if tag in ("replace", "delete"):
                out += ["-" + line for line in shown_before[i1:i2]]
            if tag in ("replace", "insert"):
                out += ["+" + line for line in shown_after[j1:j2]]
    return "".join(out)


def _range(start: int, stop: int) -> str:
    """A hunk's range as ``difflib.unified_diff`` writes it (``3``, ``3,4``, ``2,0``)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"
