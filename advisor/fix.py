"""``lint --fix``: the safe fixes, made as the smallest edit that keeps everything else.

The fixes live with the rules that find the problems (a hit carries its edits and how safe they
are); this module applies the safe ones of the findings a lint run reports, so lint and fix cannot
disagree. A file that does not parse is never touched (and is reported as an input error, exit
code 2); running the fixes twice changes nothing more.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from advisor.model import SAFE, Edit

# PEP 263: a comment on the first or second line that names the file's encoding.
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.MULTILINE)


def _apply(text: str, edits: list[Edit]) -> str:
    """The text with the edits made, last first; an edit that overlaps one already made is
    left for the next run (as ruff does)."""
    done_from = len(text) + 1
    seen: set[tuple[int, int, str]] = set()
    for edit in sorted(edits, key=lambda e: (e.start, e.end, e.content), reverse=True):
        key = (edit.start, edit.end, edit.content)
        if key in seen or edit.end > done_from:
            continue
        seen.add(key)
        text = text[: edit.start] + edit.content + text[edit.end :]
        done_from = edit.start if edit.end > edit.start else done_from
    return text


def fixed_files(result: Any, stdin_name: str | None = None) -> list[tuple[str, str, str]]:
    """(path, old text, new text) for every file the safe fixes of the result's findings change:
    the findings the run reports, after selection, per-file ignores and the baseline. The
    document read from standard input (``stdin_name``) is no file to look at for a BOM."""
    by_document: dict[int, tuple[Any, list[Edit]]] = {}
    for finding in result.findings:
        fix = finding.fix
        if fix is None or fix.applicability != SAFE:
            continue
        document = finding.subject.document
        by_document.setdefault(id(document), (document, []))[1].extend(fix.edits)
    changes = []
    for document, edits in by_document.values():
        new = _apply(document.text, edits)
        if new == document.text:
            continue
        problem = _compile_problem(document, new)
        if problem:  # never write code that does not run: the finding stays for a person
            print(
                f"ecs-advisor: note: {document.path}: fix not applied: {problem}", file=sys.stderr
            )
            continue
        bom = ""
        if document.path != stdin_name:
            with open(document.path, "rb") as handle:
                bom = "\ufeff" if handle.read(3) == b"\xef\xbb\xbf" else ""
        changes.append((document.path, bom + document.text, bom + new))
    return sorted(changes)


def _compile_problem(document: Any, new: str) -> str | None:
    """Why the fixed text of a Python document would not compile (None: it would, or the
    document is not Python)."""
    if getattr(document, "module", None) is None:
        return None
    import ast

    try:
        compile(new, document.path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return f"the result would not compile ({error.msg.split(';')[0]}, line {error.lineno})"
    except (ValueError, RecursionError, MemoryError) as error:
        return f"the result would not compile ({type(error).__name__})"
    return None


def _encoding(path: str) -> str:
    """The encoding a Python file declares (PEP 263), so a fix keeps it; UTF-8 otherwise."""
    import io
    import tokenize

    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError:
        return "utf-8"
    if not _CODING.search(b"\n".join(head.split(b"\n", 2)[:2])):
        return "utf-8"
    try:
        return tokenize.detect_encoding(io.BytesIO(head).readline)[0]
    except SyntaxError:
        return "utf-8"


def write(changes: list[tuple[str, str, str]]) -> None:
    from advisor.atomic import write_text

    for path, _old, new in changes:
        write_text(path, new, _encoding(path))


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
            shown = path.removeprefix("./")  # git apply takes a/x.json, not a/./x.json
            out += [f"--- a/{shown}\n", f"+++ b/{shown}\n"]
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
    return "".join(_marked(line) for line in out)


def _marked(line: str) -> str:
    """A diff line for a file's last line that has no line break, as ``patch`` and ``git apply``
    expect it: the line, a break, then the marker."""
    return line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"


def _range(start: int, stop: int) -> str:
    """A hunk's range as ``difflib.unified_diff`` writes it (``3``, ``3,4``, ``2,0``)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"
