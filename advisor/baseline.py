"""Baselines: start a CI gate from where a repository is, and fail only on what is new.

A baseline file lists fingerprints (never line numbers: moving a block or adding lines above it
changes nothing), with a count each, so a second identical problem in the same place is new.
Each entry also names the rule, the file and the resource, for a person reading the file, but
not the finding's message: baselines are committed, and a message is written for a terminal, not
for a repository (baselines written before kept it; they still load, the message unused).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from advisor.config import ConfigError

VERSION = 1


def write(path: str, findings: list[Any]) -> None:
    from advisor.atomic import write_text

    entries = [
        {"fingerprint": f.fingerprint, "code": f.code, "name": f.name, "path": f.location.path,
         "resource": f.resource}
        for f in sorted(findings, key=lambda f: (f.location.path, f.code, f.fingerprint))
    ]  # fmt: skip
    write_text(path, json.dumps({"version": VERSION, "findings": entries}, indent=1) + "\n")


def load(path: str) -> Counter:
    try:
        with open(path, encoding="utf-8") as handle:
            document = json.load(handle)
        return Counter(entry["fingerprint"] for entry in document["findings"])
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such baseline; create it with --update-baseline") from None
    except (ValueError, KeyError, TypeError):
        raise ConfigError(f"{path}: not a baseline written by ecs-advisor") from None


def apply(path: str, result: Any) -> int:
    """Leave out the findings the baseline holds; returns how many were left out."""
    known = load(path)
    kept = []
    for finding in result.findings:
        if known[finding.fingerprint] > 0:
            known[finding.fingerprint] -= 1
        else:
            kept.append(finding)
    left_out = len(result.findings) - len(kept)
    result.findings = kept
    return left_out
