"""Per-file ignores: drop findings whose file matches a glob that names their rule.

Each file is judged by its own settings' globs, relative to the folder of the configuration file
that holds them."""

from __future__ import annotations

import os
from collections.abc import Callable
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from advisor.config import Settings
from advisor.rules import find_rule, matches


def apply_per_file_ignores(result: Any, settings_for: Callable[[str], Settings]) -> None:
    kept = []
    for finding in result.findings:
        path = finding.location.path
        settings = settings_for(path)
        if settings.per_file_ignores and _ignored(finding.code, path, settings):
            continue
        kept.append(finding)
    result.findings = kept


def _ignored(code: str, path: str, settings: Settings) -> bool:
    try:
        relative = Path(os.path.abspath(path)).relative_to(settings.root).as_posix()
    except ValueError:
        relative = Path(path).as_posix()
    rule = find_rule(code)
    return any(
        (fnmatch(relative, glob) or fnmatch(os.path.basename(path), glob))
        and rule is not None
        and any(matches(rule, selector) for selector in selectors)
        for glob, selectors in settings.per_file_ignores.items()
    )
