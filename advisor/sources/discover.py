"""Turn the paths a user names into the files each source reads: one discovery for every command.

Directories are walked (symbolic links included, each real directory once), skipping version
control, dependency and virtual-environment folders and whatever ``exclude`` names; a file found
in a folder goes to the first source (of the command's role) that claims its suffix. A file a
person names goes to a source whatever its name. A missing path or a directory loop is reported
as an input error; the walk goes on.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

from advisor.model import InputError
from advisor.sources.registry import SourceEntry, os_error_text

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".terraform",
    "cdk.out",
)


class Candidate:
    """A file for a source, and whether the user named it (named files get a note if skipped)."""

    __slots__ = ("explicit", "path", "source")

    def __init__(self, path: str, explicit: bool, source: SourceEntry) -> None:
        self.path = path
        self.explicit = explicit
        self.source = source


def _by_suffix(name: str, sources: list[SourceEntry]) -> SourceEntry | None:
    return next((s for s in sources if s.suffixes and name.endswith(s.suffixes)), None)


def _for_found(path: str, name: str, sources: list[SourceEntry]) -> SourceEntry | None:
    """The source for a file found in a folder: by suffix; without an extension, by magic."""
    found = _by_suffix(name, sources)
    if found is not None or "." in name:
        return found
    with_magic = [s for s in sources if s.magic]
    if not with_magic:
        return None
    try:
        with open(path, "rb") as handle:
            first = handle.read(2)
    except OSError:
        return None
    return next((s for s in with_magic if first.startswith(s.magic)), None)


def _for_named(path: str, sources: list[SourceEntry], stdin_source: str | None) -> SourceEntry:
    """The source for a file a person named: by suffix, then by its #! line, else the first."""
    if path == "-":
        return next((s for s in sources if s.name == stdin_source), sources[0])
    found = _by_suffix(os.path.basename(path), sources)
    if found is not None:
        return found
    if not os.path.splitext(path)[1]:
        with_shebang = [s for s in sources if s.shebang]
        if with_shebang:
            try:
                with open(path, "rb") as handle:
                    first = handle.readline(200)
            except OSError:
                first = b""
            for entry in with_shebang:
                if first.startswith(b"#!") and entry.shebang and entry.shebang in first:
                    return entry
    return sources[0]


def discover(
    paths: list[str],
    sources: list[SourceEntry],
    exclude: list[str],
    root: Path,
    errors: list[InputError],
    stdin_source: str | None = None,
) -> Iterator[Candidate]:
    """The files under ``paths`` for ``sources`` (in that order of preference)."""
    seen: set[str] = set()
    skip_folders = frozenset(name for s in sources for name in s.skip_folders)
    for given in paths:
        if given == "-":
            yield Candidate(given, True, _for_named(given, sources, stdin_source))
            continue
        if not os.path.exists(given):
            errors.append(InputError(given, _missing(given)))
            continue
        if is_excluded(given, exclude, root):
            continue
        if os.path.isdir(given):
            yield from _walk(given, sources, exclude, root, errors, seen, skip_folders)
        elif not os.path.isfile(given):
            errors.append(InputError(given, "not a regular file"))
        else:
            real = os.path.realpath(given)
            if real not in seen:
                seen.add(real)
                yield Candidate(given, True, _for_named(given, sources, stdin_source))


def _missing(path: str) -> str:
    """Why a named path is not there: a symlink loop or a dangling link is not "no such file"."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return os_error_text(exc)
        if os.path.islink(path):
            return f"broken symlink: {os.readlink(path)} does not exist"
    return "no such file or directory"


def _walk(
    top: str,
    sources: list[SourceEntry],
    exclude: list[str],
    root: Path,
    errors: list[InputError],
    seen: set[str],
    skip_folders: frozenset[str],
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
            errors.append(InputError(folder, f"cannot read directory: {os_error_text(exc)}"))
            continue
        if folder != top and any(e.name == "pyvenv.cfg" for e in entries):
            continue  # a virtual environment, whatever it is called
        below = ancestors | {real}
        subfolders = []
        for entry in entries:
            entry_relative = f"{relative}/{entry.name}" if relative else entry.name
            if is_excluded_name(entry.name, entry_relative, exclude):
                continue
            if entry.name in skip_folders:
                continue
            path = os.path.join(folder, entry.name)
            try:
                is_dir = entry.is_dir()  # these follow links
                is_file = not is_dir and entry.is_file()
            except OSError:
                continue
            if is_dir:
                subfolders.append((path, entry_relative, below))
            elif is_file and (source := _for_found(path, entry.name, sources)) is not None:
                # No FIFOs, no dead links. Only a link can make one file reachable twice.
                key = (
                    os.path.realpath(path) if entry.is_symlink() else os.path.join(real, entry.name)
                )
                if key not in seen:
                    seen.add(key)
                    yield Candidate(path, False, source)
        stack.extend(reversed(subfolders))


def relative_parts(path: str, root: Path) -> tuple[str, ...]:
    """A path's components relative to the configuration's folder (as given, if outside it)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(root).parts
    except ValueError:
        return Path(path).parts


def is_excluded_name(name: str, relative: str, patterns: list[str]) -> bool:
    """Whether one path component (``name``, at ``relative``) is excluded."""
    if name in DEFAULT_EXCLUDE:
        return True
    if not patterns:
        return False
    from fnmatch import fnmatch

    return any(fnmatch(name, p) or fnmatch(relative, p.rstrip("/")) for p in patterns)


def is_excluded(path: str, patterns: list[str], root: Path) -> bool:
    """Whether a path, or a folder it sits in, matches a default or configured exclude pattern.

    A pattern matches a base name (``node_modules``, ``*.generated.json``) or a path relative to
    the configuration's directory (``deploy/legacy``, ``deploy/*/old.json``).
    """
    parts = relative_parts(path, root)
    return any(
        is_excluded_name(name, "/".join(parts[: depth + 1]), patterns)
        for depth, name in enumerate(parts)
    )
