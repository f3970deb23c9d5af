"""The lint engine: choose the rules, run them over each file's resources, collect findings.

Sources parse, rules judge, reports print: this module only connects them. A bad file becomes
an input error and the run goes on with the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from advisor.config import Settings
from advisor.model import SEVERITY_RANK, Finding, InputError, Resource
from advisor.sources.discover import discover
from advisor.sources.json_files import InputFailure, NotRecognized, load
from rules import ALL_RULES, Hit, Rule, matches


class LintResult:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.errors: list[InputError] = []
        self.notes: list[str] = []
        self.files_checked = 0
        self.costs: list[dict] = []  # with --cost: each priced service and its monthly figure
        self.baselined = 0  # findings left out because the baseline holds them

    def exit_code(self, fail_threshold: int | None) -> int:
        if self.errors:
            return 2
        if fail_threshold is None:
            return 0
        failing = any(SEVERITY_RANK[f.severity] >= fail_threshold for f in self.findings)
        return 1 if failing else 0


def stable_pointer(data: object, pointer: str) -> str:
    """The pointer with each list index replaced by the item's name where it has one
    (``/containerDefinitions/0/image`` -> ``/containerDefinitions/name=web/image``), so that
    reordering or inserting containers or variables does not change a finding's identity."""
    parts = []
    for token in pointer.split("/")[1:]:
        key = token.replace("~1", "/").replace("~0", "~")
        if isinstance(data, list) and key.isdigit() and int(key) < len(data):
            item = data[int(key)]
            name = next(
                (
                    item[k]
                    for k in ("name", "serviceName", "family")
                    if isinstance(item, dict) and isinstance(item.get(k), str)
                ),
                None,
            )
            parts.append(f"name={name}" if name is not None else token)
            data = item
        else:
            parts.append(token)
            data = data.get(key) if isinstance(data, dict) else None
    return "/" + "/".join(parts) if parts else ""


def fingerprint(code: str, resource: Any, pointer: str) -> str:
    """A finding's identity for baselines and code scanning: never its line number. Files: the
    rule, the file, the resource and the stable pointer. Histories and live resources: the rule
    and the resource (their evidence moves on as new events arrive)."""
    import hashlib

    document = resource.document
    data = getattr(document, "data", None)
    path = getattr(document, "path", "")
    if data is None or not isinstance(path, str):
        parts = (
            code,
            path if isinstance(path, str) else "",
            resource.label,
            getattr(resource, "arn", ""),
        )
    else:
        parts = (code, path, resource.label, stable_pointer(data, pointer))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def select_rules(select: list[str] | None, ignore: list[str]) -> list[Rule]:
    """The rules enabled by select/ignore: codes, code prefixes (ECS2) or names."""
    chosen = [r for r in ALL_RULES if select is None or any(matches(r, s) for s in select)]
    return [r for r in chosen if not any(matches(r, s) for s in ignore)]


def settings_rules(settings: Settings) -> list[Rule]:
    """select + extend-select, minus ignore + extend-ignore."""
    select = None if settings.select is None else [*settings.select, *settings.extend_select]
    return select_rules(select, [*settings.ignore, *settings.extend_ignore])


def check_resources(resources: Iterable[Resource], rules: list[Rule]) -> list[Finding]:
    """Run the rules; then locate all hits of a document in one scan of its text."""
    pending: list[tuple[Rule, Hit, Resource]] = []
    for resource in resources:
        for rule in rules:
            if rule.applies(resource):
                pending.extend((rule, hit, resource) for hit in rule.check(resource))
    findings = []
    by_document: dict[int, list[tuple[Rule, Hit, Resource]]] = {}
    for item in pending:
        by_document.setdefault(id(item[2].document), []).append(item)
    for items in by_document.values():
        document = items[0][2].document
        locations = document.locate([hit.pointer for _, hit, _ in items])
        for (rule, hit, resource), location in zip(items, locations, strict=True):
            severity = hit.severity or rule.severity
            finding = Finding(rule.code, rule.name, severity, hit.message, location, resource.label)
            finding.evidence, finding.cost = hit.evidence, hit.cost
            finding.fingerprint = fingerprint(rule.code, resource, hit.pointer)
            findings.append(finding)
    return findings


def _is_python_script(path: str) -> bool:
    """An extensionless script with a python shebang (pre-commit's types: [python] passes those)."""
    if path == "-" or os.path.splitext(path)[1]:
        return False
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def lint_paths(
    paths: list[str],
    settings: Settings,
    person_named: bool = True,
    stdin_name: str = "-",
    cost_region: str | None = None,
) -> LintResult:
    """Lint files and folders; ``-`` reads standard input (reported as ``stdin_name``).

    ``person_named``: the named files come from a person, who gets a note for a file that is
    not ECS configuration and an error for one that cannot be read. Under pre-commit, which
    names every JSON file in a change, they are treated like files found in a folder.
    """
    rules = settings_rules(settings)
    result = LintResult()
    everything: list[Resource] = []  # kept only to price services against task definitions
    for candidate in discover(paths, settings.exclude, settings.root, result.errors):
        named = candidate.explicit and person_named
        display = stdin_name if candidate.path == "-" else candidate.path
        try:
            if candidate.path.endswith(".py") or _is_python_script(candidate.path):
                from advisor.sources import python_code

                _document, resources = python_code.load(candidate.path, display, named)
            else:
                _document, resources = load(candidate.path, display, named)
        except NotRecognized as skipped:
            if named:
                result.notes.append(f"{display}: {skipped.reason}; skipped")
            continue
        except InputFailure as failure:
            result.errors.append(failure.error)
            continue
        except OSError as exc:
            result.errors.append(InputError(display, f"cannot read: {exc.strerror}"))
            continue
        except RecursionError:
            result.errors.append(InputError(display, "nested too deeply to read"))
            continue
        result.files_checked += 1
        result.findings.extend(check_resources(resources, rules))
        if cost_region is not None:
            everything.extend(resources)
    if cost_region is not None:
        _price_services(result, everything, cost_region)
    result.findings.sort(key=Finding.sort_key)
    return result


def _price_services(result: LintResult, resources: list[Resource], region: str) -> None:
    """Attach monthly costs to services (and their findings) whose task definition was linted."""
    from advisor.config import ConfigError
    from advisor.cost.prices import PriceError, PriceTable
    from advisor.cost.services import service_costs

    try:
        table = PriceTable.load()
    except PriceError as exc:
        raise ConfigError(str(exc)) from None
    for service, cost in service_costs(resources, region, table):
        location = service.document.location(service.pointer)
        result.costs.append(
            {"resource": service.label, "path": location.path, "line": location.line, **cost}
        )
        for finding in result.findings:
            inside = (
                finding.location.pointer == service.pointer
                or finding.location.pointer.startswith(service.pointer + "/")
            )
            if finding.location.path == location.path and inside:
                finding.cost = cost
