"""Every rule is one documented unit, and its documented example is its first test."""

from __future__ import annotations

import json
import re

import pytest

from advisor.rules import ALL_RULES, find_rule

RULE_IDS = [rule.code for rule in ALL_RULES]


def test_codes_and_names_are_unique_and_well_formed():
    codes = [r.code for r in ALL_RULES]
    names = [r.name for r in ALL_RULES]
    assert len(set(codes)) == len(codes)
    assert len(set(names)) == len(names)
    for rule in ALL_RULES:
        assert re.fullmatch(r"ECS\d{3}", rule.code)
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
        assert rule.severity in ("error", "warning", "info")


@pytest.mark.parametrize("code", RULE_IDS)
def test_rule_is_fully_documented(code):
    rule = find_rule(code)
    for field in ("summary", "rationale", "example", "fixed", "fix"):
        assert getattr(rule, field).strip(), f"{code} has no {field}"
    for text in (rule.example, rule.fixed):
        if "python-code" in rule.applies_to:
            compile(text, f"{code}.py", "exec")
            continue
        for line in text.splitlines() if rule.code.startswith("ECS6") else [text]:
            json.loads(line)


HISTORY_KINDS = {"service-history", "job-history", "run-task"}


def _names(rule, text: str, folder) -> list[str]:
    """Judge a documented example the way a user would: lint JSON, or history for records."""
    if set(rule.applies_to) <= HISTORY_KINDS:  # a rule that also judges files: linted
        from advisor.config import Settings
        from advisor.history.run import run_history

        path = folder / "records.jsonl"
        path.write_text(text)
        result = run_history([str(path)], Settings())
        assert not result.errors, [str(e) for e in result.errors]
        return [f.name for f in result.findings]
    name = "example.py" if "python-code" in rule.applies_to else "example.json"
    return [f.name for f in folder_linter(folder).findings(text, name=name)]


def folder_linter(folder):
    from conftest import Linter

    return Linter(folder)


@pytest.mark.parametrize("code", RULE_IDS)
def test_documented_example_hits_and_fixed_version_misses(code, tmp_path):
    rule = find_rule(code)
    hit = _names(rule, rule.example, tmp_path)
    assert rule.name in hit, f"{code}'s example does not trigger it: {hit}"
    miss = _names(rule, rule.fixed, tmp_path)
    assert rule.name not in miss, f"{code}'s fixed example still triggers it"


def test_find_rule_by_code_or_name():
    assert find_rule("ecs202").name == "awslogs-missing-stream-prefix"
    assert find_rule("awslogs-missing-stream-prefix").code == "ECS202"
    assert find_rule("nope") is None


def _resource_classes() -> list[type]:
    """Every resource class that says its kind, the source and history ones included."""
    import advisor.history.timeline
    import advisor.sources.python_resources  # noqa: F401  (their classes register as subclasses)
    from advisor.model import Kind, Resource

    found, stack = set(), [Resource]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if isinstance(getattr(cls, "kind", None), Kind):
            found.add(cls)
    return sorted(found, key=lambda cls: cls.__name__)


def _judged_type(rule) -> type:
    """The X of ``class SomeRule(Rule[X])`` (a quoted X resolved where it is defined)."""
    import typing

    from advisor.history.timeline import JobHistory, ServiceHistory
    from advisor.rules.base import Rule
    from advisor.sources.python_resources import CodeScope

    names = {"CodeScope": CodeScope, "ServiceHistory": ServiceHistory, "JobHistory": JobHistory}
    for cls in type(rule).__mro__:
        for base in getattr(cls, "__orig_bases__", ()):
            if typing.get_origin(base) is Rule:
                (argument,) = typing.get_args(base)
                if isinstance(argument, typing.ForwardRef):
                    return names[argument.__forward_arg__]
                return argument
    raise AssertionError(f"{rule.code} does not say which resource type it judges")


@pytest.mark.parametrize("code", RULE_IDS)
def test_check_takes_the_type_of_the_kinds_it_judges(code):
    """``check`` takes the resource type of ``Rule[X]`` (never Any), and every resource class of
    a kind in ``applies_to`` is an X: the engine can hand it nothing else."""
    import inspect

    rule = find_rule(code)
    judged = _judged_type(rule)
    annotation = inspect.get_annotations(type(rule).check)["resource"]
    assert annotation == judged.__name__, f"{code}.check takes {annotation}, not {judged.__name__}"
    classes = [c for c in _resource_classes() if c.kind in rule.applies_to]
    assert classes, f"{code} judges kinds no resource class has"
    for cls in classes:
        assert issubclass(cls, judged), f"{code} judges {cls.__name__}, which is no {judged}"
