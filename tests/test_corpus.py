"""Real task definitions written by other people (tests/data/corpus): sensible, defensible findings.

Where each file comes from, and under which licence, is in tests/data/SOURCES.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA

from advisor.config import Settings
from advisor.engine import lint_paths

CORPUS = DATA / "corpus"


@pytest.fixture(scope="module")
def corpus_result():
    return lint_paths([str(CORPUS)], Settings())


def findings_for(result, name):
    return [f for f in result.findings if f.location.path.endswith(f"taskdefs/{name}")]


def test_only_the_broken_file_is_an_input_error(corpus_result):
    [error] = corpus_result.errors
    assert error.path.endswith("taskdefs/006.json")
    assert (error.line, error.column) == (34, 20)
    assert "Expecting ',' delimiter" in error.message


def test_cloudformation_templates_and_templates_that_are_not_json_are_left_alone(corpus_result):
    paths = {f.location.path for f in corpus_result.findings}
    assert not any("/cloudformation/" in p for p in paths)
    assert not any(p.endswith("054.json") for p in paths)  # a Terraform template, not JSON


def test_every_finding_points_inside_its_file(corpus_result):
    for finding in corpus_result.findings:
        with open(finding.location.path, encoding="utf-8-sig") as handle:
            lines = handle.read().splitlines()
        assert 1 <= finding.location.line <= len(lines)
        assert 1 <= finding.location.column <= len(lines[finding.location.line - 1]) + 1


def test_portmappings_object_instead_of_a_list(corpus_result):
    [finding] = [
        f for f in findings_for(corpus_result, "009.json") if f.name == "invalid-field-value"
    ]
    assert "portMappings must be an array, not an object" in finding.message


def test_unknown_key_gets_a_suggestion(corpus_result):
    [finding] = [f for f in findings_for(corpus_result, "024.json") if f.name == "unknown-field"]
    assert "'portBindings'" in finding.message and "did you mean 'portMappings'" in finding.message


def test_console_exports_carry_output_only_fields(corpus_result):
    for name in ("040.json", "048.json"):
        names = [f.name for f in findings_for(corpus_result, name)]
        assert names.count("output-only-field") == 1
        assert "unknown-field" not in names


def test_numbers_as_strings_are_type_errors(corpus_result):
    messages = [
        f.message
        for f in findings_for(corpus_result, "031.json")
        if f.name == "invalid-field-value"
    ]
    # The type, never the value: a value may be a secret.
    assert (
        "containerDefinitions[0].portMappings[0].containerPort must be an integer, not a string"
        in messages
    )


def _at(data, pointer: str):
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        data = data[int(token)] if isinstance(data, list) else data[token]
    return data


@pytest.mark.parametrize("name", ["041.json", "057.json", "030.json"])
def test_placeholder_templates_raise_nothing_about_their_placeholders(corpus_result, name):
    from advisor.values import has_placeholder

    text = (CORPUS / "taskdefs" / name).read_text(encoding="utf-8")
    assert any(marker in text for marker in ("<IMAGE1_NAME>", "PLACEHOLDER", "CHANGEME"))
    findings = findings_for(corpus_result, name)
    # What they say of the values they know (no user, a writable root filesystem; 057 names the
    # same role, placeholder and all, as its task and execution role) is still said...
    assert {f.code for f in findings} <= {"ECS802", "ECS804", "ECS811"}
    # ...but nothing points at a value a placeholder stands in.
    data = json.loads(text)
    for finding in findings:
        if finding.code == "ECS811":  # judged only because both fields hold the very same text
            assert data["taskRoleArn"] == data["executionRoleArn"]
            continue
        value = _at(data, finding.location.pointer)
        assert not (isinstance(value, str) and has_placeholder(value)), finding.message


def test_unit_strings_pass_the_size_check(corpus_result):
    data = json.loads((CORPUS / "taskdefs" / "007.json").read_text(encoding="utf-8"))
    assert (data["cpu"], data["memory"]) == ("1 vcpu", "2 gb")
    assert "invalid-fargate-size" not in [f.name for f in findings_for(corpus_result, "007.json")]


def test_no_false_secret_alarms(corpus_result):
    """The corpus's environments hold no literal secrets (020 uses `secrets` properly)."""
    assert [f for f in corpus_result.findings if f.name == "secret-in-environment"] == []


PERMISSIVE = {"MIT", "MIT-0", "Apache-2.0", "Unlicense"}


def test_every_file_from_elsewhere_has_its_source_and_licence():
    """tests/data/SOURCES lists every file copied from elsewhere, with a commit and a licence whose
    text is kept in tests/data/licenses."""
    listed = {}
    for line in (DATA / "SOURCES").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and not line.startswith("path\t"):
            path, repository, _, commit, licence = line.split("\t")
            assert re.fullmatch(r"[0-9a-f]{40}", commit), line
            assert licence in PERMISSIVE or path == "sarif-schema-2.1.0.json", line
            assert (DATA / "licenses" / f"{repository.replace('/', '__')}.LICENSE").is_file(), line
            listed[path] = repository
    ours = {"SOURCES", "corpus/README.md"}
    copied = {
        p.relative_to(DATA).as_posix()
        for p in DATA.rglob("*")
        if p.is_file() and p.parent.name != "licenses"
    }
    # tests/data/snapshots/ was written here, for the snapshot tests.
    copied = {p for p in copied if not p.startswith("snapshots/")}
    assert copied - ours == set(listed)


def test_registration_rejects_only_the_dangling_depends_on(corpus_result):
    """Of the mistakes AWS rejects at registration, the corpus holds one: 062's collector waits
    for a `config` container the task does not have."""
    rejected = {"ECS306", "ECS307", "ECS308", "ECS309", "ECS310", "ECS311"}
    found = [f for f in corpus_result.findings if f.code in rejected]
    assert [(f.location.path.rsplit("/", 1)[-1], f.location.pointer) for f in found] == [
        ("062.json", "/containerDefinitions/1/dependsOn/0/containerName")
    ]
    assert "names container 'config'" in found[0].message


def test_fluent_bit_stable_is_a_moving_tag(corpus_result):
    """aws-for-fluent-bit's `stable` tag is moved to each release judged stable: the FireLens
    examples that use it run whatever that is on the day a task starts."""
    stable = [
        f
        for f in corpus_result.findings
        if f.name == "mutable-image-tag" and "uses the moving tag :stable" in f.message
    ]
    assert sorted(f.location.path.rsplit("/", 1)[-1] for f in stable) == [
        "005.json", "008.json", "009.json", "013.json", "014.json", "015.json", "016.json",
    ]  # fmt: skip
    assert all("aws-for-fluent-bit:stable" in f.message for f in stable)
