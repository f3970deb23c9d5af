"""``lint --fix``: the safe fixes, made as the smallest edit that keeps everything else.

The fixes live with the rules that find the problems (a hit carries its edits and how safe they
are); this module applies the safe ones of the findings a lint run reports, so lint and fix cannot
disagree. A file that does not parse is never touched (and is reported as an input error, exit
code 2); running the fixes twice changes nothing more.
"""

from __future__ import annotations

from typing import Any

from advisor.model import SAFE, Edit


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


def fixed_files(result: Any) -> list[tuple[str, str, str]]:
    """(path, old text, new text) for every file the safe fixes of the result's findings change:
    the findings the run reports, after selection, per-file ignores and the baseline."""
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
        with open(document.path, "rb") as handle:
            bom = "\ufeff" if handle.read(3) == b"\xef\xbb\xbf" else ""
        changes.append((document.path, bom + document.text, bom + new))
    return sorted(changes)


def write(changes: list[tuple[str, str, str]]) -> None:
    from advisor.atomic import write_text

    for path, _old, new in changes:
        write_text(path, new)


def unified_diff(path: str, old: str, new: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}"
        )
    )
