"""The one pipeline every command runs: sources read, rules judge, money is attached, the gate
selects.

    discover -> source.read -> rules -> enrich (money) -> gate (per-file ignores, baseline)

``lint``, ``--fix``, ``history`` and ``audit`` differ only in the sources they read and what
they do with the result (print it, or apply the fixes of its findings). A bad input becomes an
input error and the run goes on with the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from advisor.config import Configs, Settings
from advisor.model import SEVERITY_RANK, Finding, InputError, Resource
from advisor.rules import ALL_RULES, RULES_BY_KIND, Hit, Rule, RuleOptions, matches
from advisor.sources.discover import discover
from advisor.sources.registry import SourceEntry, for_role
from advisor.values import text_of


class Result:
    """Everything a run found and everything it could not read: what every report prints."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.errors: list[InputError] = []  # inputs that could not be read or parsed
        self.notes: list[str] = []  # named inputs that were not ECS configuration
        self.files_checked = 0
        self.checked_paths: list[str] = []  # each file checked, as reported (JUnit's cases)
        self.costs: list[dict] = []  # each priced service and its monthly figure
        self.baselined = 0  # findings left out because the baseline holds them
        self.resources: list[Resource] = []  # what the rules judged (for pricing and fixes)
        # The audit's: sources that could not be read, what could not be judged, and its scope.
        self.audit_errors: list[dict[str, str]] = []
        self.unknown: list[str] = []
        self.scope: dict[str, Any] | None = None
        self.estimate: dict[str, Any] | None = None  # ``ecs-advisor cost``: the priced usage
        # ``history``: records read (CloudTrail, ECS among them, EventBridge) and their window.
        self.history: dict[str, Any] | None = None

    def exit_code(self, fail_threshold: int | None) -> int:
        if self.errors:
            return 2
        if fail_threshold is None:
            return 0
        failing = any(SEVERITY_RANK[f.severity] >= fail_threshold for f in self.findings)
        return 1 if failing else 0


class ReadContext:
    """What a source gets besides its files, and where it reports what it could not read."""

    def __init__(self, settings: Settings, result: Result, person_named: bool = True) -> None:
        self.settings = settings
        self.result = result
        # Named files come from a person, who gets a note for a file that is not ECS
        # configuration and an error for one that cannot be read. Under pre-commit, which names
        # every file in a change, they are treated like files found in a folder.
        self.person_named = person_named
        self.stdin_name = "-"
        # --task-definitions for history: family -> (path, task definition data)
        self.task_definitions: dict[str, tuple[str, dict]] = {}
        # --services for history: (account, region, cluster, name) -> desired count
        self.known_desired: dict[tuple, int] = {}
        self.progress: Any = None  # history on a terminal: an advisor.progress.Progress

    def display(self, path: str) -> str:
        return self.stdin_name if path == "-" else path

    def error(self, error: InputError) -> None:
        self.result.errors.append(error)

    def note(self, text: str) -> None:
        self.result.notes.append(text)

    def checked(self, path: str | None = None) -> None:
        self.result.files_checked += 1
        if path is not None:
            self.result.checked_paths.append(path)


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
                    text_of(item.get(k))
                    for k in ("name", "serviceName", "family")
                    if isinstance(item, dict) and text_of(item.get(k)) is not None
                ),
                None,
            )
            parts.append(f"name={name}" if name is not None else token)
            data = item
        else:
            parts.append(token)
            data = data.get(key) if isinstance(data, dict) else None
    return "/" + "/".join(parts) if parts else ""


def fingerprint(code: str, resource: Resource, pointer: str, path: str | None = None) -> str:
    """A finding's identity for baselines and code scanning: never its line number. Files: the
    rule, the file, the resource and the stable pointer. Histories and live resources: the rule
    and the resource (their evidence moves on as new events arrive). ``path`` replaces the
    document's path as typed (a baseline names files from its repository's root)."""
    import hashlib  # only when there is a finding: a clean lint never pays for OpenSSL

    document = resource.document
    data = document.data
    path = document.path if path is None else path
    if data is None or document.from_api:
        parts = (code, path, resource.label, getattr(resource, "arn", ""))
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


def check_resources(
    resources: Iterable[Resource], rules: list[Rule], options: RuleOptions
) -> list[Finding]:
    """Run the rules; then locate all hits of a document in one scan of its text."""
    enabled = {id(rule) for rule in rules}
    pending: list[tuple[Rule, Hit, Resource]] = []
    for resource in resources:
        for rule in RULES_BY_KIND[resource.kind]:
            if id(rule) in enabled:
                pending.extend((rule, hit, resource) for hit in rule.check(resource, options))
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
            finding.evidence, finding.fix, finding.subject = hit.evidence, hit.fix, resource
            finding.fingerprint = fingerprint(rule.code, resource, hit.pointer)
            findings.append(finding)
    return findings


def read(
    paths: list[str], role: str, context: ReadContext, stdin_source: str | None = None
) -> list[Resource]:
    """Every resource the sources of ``role`` find under ``paths``, in discovery order."""
    settings = context.settings
    sources = for_role(role)
    by_source: dict[str, tuple[SourceEntry, list[Any]]] = {}
    for candidate in discover(
        paths, sources, settings.exclude, settings.root, context.result.errors, stdin_source
    ):
        by_source.setdefault(candidate.source.name, (candidate.source, []))[1].append(candidate)
    resources: list[Resource] = []
    for entry, candidates in by_source.values():
        resources.extend(entry.read(candidates, context))
    return resources


def judge(
    result: Result, resources: list[Resource], settings: Settings, configs: Configs | None = None
) -> None:
    """The rules of the settings' selection on the resources, into the result; with ``configs``,
    each resource's by the settings of its file."""
    result.resources.extend(resources)
    groups: dict[int, tuple[Settings, list[Resource]]] = {}
    for resource in resources:
        chosen = settings if configs is None else configs.for_path(resource.document.path)
        groups.setdefault(id(chosen), (chosen, []))[1].append(resource)
    for chosen, judged in groups.values():
        result.findings.extend(
            check_resources(judged, settings_rules(chosen), chosen.rule_options())
        )


def lint_paths(
    paths: list[str],
    settings: Settings,
    person_named: bool = True,
    stdin_name: str = "-",
    stdin_source: str | None = None,
    configs: Configs | None = None,
) -> Result:
    """Lint files and folders; ``-`` reads standard input (reported as ``stdin_name``).
    ``settings`` are the run's (discovery, excludes); ``configs``, if given, each file's."""
    result = Result()
    context = ReadContext(settings, result, person_named)
    context.stdin_name = stdin_name
    judge(result, read(paths, "config", context, stdin_source), settings, configs)
    if settings.cost:
        from advisor.enrich import Pricing, price_services

        pricing = Pricing(settings.cost_region)
        result.costs = price_services(result.findings, result.resources, pricing)
    result.findings.sort(key=Finding.sort_key)
    return result
