"""Turn the paths a user names into the files to lint.

Directories are walked (symbolic links included, each real directory once), skipping version
control, dependency and virtual-environment folders and whatever ``exclude`` names. A missing
path or a directory loop is reported as an input error; the walk goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from advisor.config import is_excluded, is_excluded_name, relative_parts
from advisor.model import InputError

LINTED_SUFFIXES = (".json", ".py")


class Candidate:
    """A file to lint, and whether the user named it (explicit files get a note if skipped)."""

    __slots__ = ("explicit", "path")

    def __init__(self, path: str, explicit: bool) -> None:
        self.path = path
        self.explicit = explicit


def discover(
    paths: list[str], exclude: list[str], root: Path, errors: list[InputError]
) -> Iterator[Candidate]:
    seen: set[str] = set()
    for given in paths:
        if given == "-":
            yield Candidate(given, explicit=True)
            continue
        if not os.path.exists(given):
            errors.append(InputError(given, "no such file or directory"))
            continue
        if is_excluded(given, exclude, root):
            continue
        if os.path.isdir(given):
            yield from _walk(given, exclude, root, errors, seen)
        elif not os.path.isfile(given):
            errors.append(InputError(given, "not a regular file"))
        else:
            real = os.path.realpath(given)
            if real not in seen:
                seen.add(real)
                yield Candidate(given, explicit=True)


def _walk(
    top: str, exclude: list[str], root: Path, errors: list[InputError], seen: set[str]
) -> Iterator[Candidate]:
    # Depth-first with an explicit stack; each entry carries the real paths of its ancestors,
    # so a link back to one of them is a loop (reported), and a link elsewhere is walked once.
    # Exclusion is decided per component as the walk descends: a folder's parents were
    # already let through.
    top_relative = "/".join(relative_parts(top, root))
    stack: list[tuple[str, str, frozenset[str]]] = [(top, top_relative, frozenset())]
    visited: set[str] = set()
    while stack:
        folder, relative, ancestors = stack.pop()
        real = os.path.realpath(folder)
        if real in ancestors:
            errors.append(InputError(folder, f"directory loop: links back to {real}"))
            continue
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            errors.append(InputError(folder, f"cannot read directory: {exc.strerror}"))
            continue
        if folder != top and any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a virtual environment, whatever it is called
        below = ancestors | {real}
        subfolders = []
        for entry in entries:
            entry_relative = f"{relative}/{entry.name}" if relative else entry.name
            if is_excluded_name(entry.name, entry_relative, exclude):
                continue
            path = os.path.join(folder, entry.name)
            try:
                is_dir = entry.is_dir()  # these follow links
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                subfolders.append((path, entry_relative, below))
            elif is_file and entry.name.endswith(LINTED_SUFFIXES):  # no FIFOs, no dead links
                # Only a link can make one file reachable twice.
                key = (
                    os.path.realpath(path) if entry.is_symlink() else os.path.join(real, entry.name)
                )
                if key not in seen:
                    seen.add(key)
                    yield Candidate(path, explicit=False)
        stack.extend(reversed(subfolders))
