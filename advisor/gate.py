"""Per-file ignores: drop findings whose file matches a glob that names their rule."""

from __future__ import annotations

import os
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from advisor.config import Settings
from advisor.rules import find_rule, matches


def apply_per_file_ignores(result: Any, settings: Settings) -> None:
    if not settings.per_file_ignores:
        return
    kept = []
    for finding in result.findings:
        path = finding.location.path
        try:
            relative = Path(os.path.abspath(path)).relative_to(settings.root).as_posix()
        except ValueError:
            relative = Path(path).as_posix()
        rule = find_rule(finding.code)
        ignored = any(
            (fnmatch(relative, glob) or fnmatch(os.path.basename(path), glob))
            and rule is not None
            and any(matches(rule, selector) for selector in selectors)
            for glob, selectors in settings.per_file_ignores.items()
        )
        if not ignored:
            kept.append(finding)
    result.findings = kept
