"""Baselines: start a CI gate from where a repository is, and fail only on what is new.

A baseline file lists fingerprints (never line numbers: moving a block or adding lines above it
changes nothing), with a count each, so a second identical problem in the same place is new.
Each entry also names the rule, the file and the resource, for a person reading the file, but
not the finding's message: baselines are committed, and a message is written for a terminal, not
for a repository (baselines written before kept it; they still load, the message unused).

Files are named relative to the baseline's root (the nearest folder above the baseline holding
``.git``, else the baseline's own folder) with forward slashes, and fingerprints are made with
that name, so ``lint .``, ``lint x.json`` (pre-commit), an absolute path or a run from a
subdirectory agree. Baselines written before named files as typed (``./x.json``): an entry
matches a finding when its path, normalized, is the finding's file, and its fingerprint is the
one made with the path it stores, so they keep matching.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Any

from advisor.config import ConfigError
from advisor.engine import fingerprint

VERSION = 1


def root_of(baseline: str) -> str:
    """The folder a baseline's paths are relative to."""
    own = os.path.dirname(os.path.abspath(baseline))
    folder = own
    while not os.path.exists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return own
        folder = parent
    return folder


def normalized(path: str, root: str, base: str | None = None) -> str:
    """``path`` (relative to ``base``, default the current folder) from ``root``, with forward
    slashes. Not a file's path (``""`` for histories, ``-`` for standard input): as it is."""
    if path in ("", "-"):
        return path
    absolute = os.path.normpath(os.path.join(base or os.getcwd(), path))
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive (Windows): there is no relative path
        relative = absolute
    return relative.replace(os.sep, "/")


def _file_of(finding: Any) -> str | None:
    """The path a finding's fingerprint was made with, when it names a file; else None."""
    subject = finding.subject
    if subject is None or subject.document.from_api or subject.document.data is None:
        return None
    path: str = subject.document.path
    return path if path not in ("", "-") else None


def _identity(finding: Any, path: str) -> str:
    """The finding's fingerprint as if its file had been named ``path``."""
    return fingerprint(finding.code, finding.subject, finding.location.pointer, path)


def write(path: str, findings: list[Any]) -> None:
    from advisor.atomic import write_text

    root = root_of(path)
    entries = []
    for f in findings:
        typed = _file_of(f)
        name = normalized(f.location.path, root)
        entries.append(
            {"fingerprint": f.fingerprint if typed is None else _identity(f, normalized(typed, root)),
             "code": f.code, "name": f.name, "path": name, "resource": f.resource}
        )  # fmt: skip
    entries.sort(key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    write_text(path, json.dumps({"version": VERSION, "findings": entries}, indent=1) + "\n")


def load(path: str) -> list[tuple[str, str | None]]:
    """Each entry's fingerprint and the path it stores (None in a file that stores none)."""
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        entries = [(entry["fingerprint"], entry.get("path")) for entry in document["findings"]]
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such baseline; create it with --update-baseline") from None
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ConfigError(f"{path}: not a baseline written by ecs-advisor") from None
    if not all(isinstance(fp, str) and isinstance(p, str | None) for fp, p in entries):
        raise ConfigError(f"{path}: not a baseline written by ecs-advisor")
    return entries


def apply(path: str, result: Any) -> int:
    """Leave out the findings the baseline holds; returns how many were left out."""
    entries = load(path)
    root = root_of(path)
    known = Counter(fp for fp, _ in entries)
    # normalized file -> the paths entries store for it (``x.json``, or ``./x.json`` of old)
    stored: dict[str, set[str]] = {}
    for _, name in entries:
        if name is not None:
            stored.setdefault(normalized(name, root, base=root), set()).add(name)
    pathless = any(name is None for _, name in entries)
    kept = []
    for finding in result.findings:
        typed = _file_of(finding)
        if typed is None:  # histories and live resources: no file in their identity
            candidates = [finding.fingerprint]
        else:
            names = sorted(stored.get(normalized(typed, root), ()))
            candidates = [_identity(finding, name) for name in names]
            if pathless:  # an entry naming no file was made with the path as typed
                candidates.append(finding.fingerprint)
        match = next((fp for fp in candidates if known[fp] > 0), None)
        if match is None:
            kept.append(finding)
        else:
            known[match] -= 1
    left_out = len(result.findings) - len(kept)
    result.findings = kept
    return left_out
