"""The lint engine: choose the rules, run them over each file's resources, collect findings.

Sources parse, rules judge, reports print: this module only connects them. A bad file becomes
an input error and the run goes on with the others.
"""

from __future__ import annotations

from collections.abc import Iterable

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

    def exit_code(self, fail_threshold: int | None) -> int:
        if self.errors:
            return 2
        if fail_threshold is None:
            return 0
        failing = any(SEVERITY_RANK[f.severity] >= fail_threshold for f in self.findings)
        return 1 if failing else 0


def select_rules(select: list[str] | None, ignore: list[str]) -> list[Rule]:
    """The rules enabled by select/ignore: codes, code prefixes (ECS2) or names."""
    chosen = [r for r in ALL_RULES if select is None or any(matches(r, s) for s in select)]
    return [r for r in chosen if not any(matches(r, s) for s in ignore)]


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
            findings.append(finding)
    return findings


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
    rules = select_rules(settings.select, settings.ignore)
    result = LintResult()
    everything: list[Resource] = []  # kept only to price services against task definitions
    for candidate in discover(paths, settings.exclude, settings.root, result.errors):
        named = candidate.explicit and person_named
        display = stdin_name if candidate.path == "-" else candidate.path
        try:
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
