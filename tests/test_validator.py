"""The fast validator agrees with jsonschema (the reference) on the schema generated from AWS's model."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA, REPO, good_service, good_taskdef

from advisor.model import Kind
from advisor.rules import ALL_RULES
from advisor.schema import generate
from advisor.schema.validate import INVALID, REQUIRED, UNKNOWN, Validator, aws_path
from advisor.values import has_placeholder, mark_unknowns

SCHEMA = json.loads((REPO / "advisor" / "schema" / "ecs.schema.json").read_text())
OURS = Validator(SCHEMA)


def reference(definition: str):
    return jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{definition}", "$defs": SCHEMA["$defs"]}
    )


def without_nulls(value):
    """Our validator reads null as "not set"; give the reference the same document."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value if v is not None]
    return value


def value_at(document, path):
    for part in path:
        document = document[part]
    return document


def our_paths(document, definition) -> set[tuple]:
    paths = set()
    # As the JSON source hands it over: placeholder values marked Unknown.
    for error in OURS.validate(mark_unknowns(copy.deepcopy(document)), definition):
        paths.add(error.path[:-1] if error.kind in (UNKNOWN, REQUIRED) else error.path)
    return paths


def reference_paths(document, definition) -> set[tuple]:
    return {
        tuple(e.absolute_path) for e in reference(definition).iter_errors(without_nulls(document))
    }


def assert_agree(document, definition):
    ours = our_paths(document, definition)
    theirs = reference_paths(document, definition)
    assert ours <= theirs, f"we report what jsonschema does not: {ours - theirs}"
    for path in theirs - ours:  # only placeholders may be let through
        value = value_at(document, path)
        assert isinstance(value, str) and has_placeholder(value), f"missed {aws_path(path)}"


# --- mutated documents --------------------------------------------------------------------

SEEDS = [good_taskdef(), good_service()] + [
    json.loads(r.example)
    for r in ALL_RULES
    if set(r.applies_to) <= {Kind.TASK_DEFINITION, Kind.SERVICE}
]


def _containers_and_objects(value, path=()):
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _containers_and_objects(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _containers_and_objects(v, (*path, i))


def mutate(document, rng: random.Random):
    document = copy.deepcopy(document)
    objects = [o for _, o in _containers_and_objects(document) if o]
    if not objects:
        return document
    target = rng.choice(objects)
    key = rng.choice(list(target))
    choice = rng.randrange(5)
    if choice == 0:
        target[key] = rng.choice([1, "1", True, [], {}, 2.5])
    elif choice == 1:
        target[key + rng.choice(["s", "X", "_"])] = target.pop(key)
    elif choice == 2:
        del target[key]
    elif choice == 3 and isinstance(target[key], str):
        target[key] = target[key].upper() + "!"
    else:
        target["unexpected" + key.title()] = "x"
    return document


def definition_for(document) -> str:
    return "TaskDefinitionDocument" if "containerDefinitions" in document else "ServiceDocument"


@pytest.mark.parametrize("seed", range(300))
def test_agrees_with_jsonschema_on_mutated_documents(seed):
    rng = random.Random(seed)
    document = SEEDS[seed % len(SEEDS)]
    for _ in range(1 + seed % 3):
        document = mutate(document, rng)
    assert_agree(document, definition_for(document))


def test_mutations_do_produce_errors():
    """Guard against an agreement test that agrees because nothing is ever wrong."""
    rng = random.Random(0)
    broken = sum(bool(OURS.validate(mutate(d, rng), definition_for(d))) for d in SEEDS * 10)
    assert broken > len(SEEDS) * 3


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, (*path, i))
    else:
        yield path


@pytest.mark.parametrize(
    "sentinel", ["S3NT1NEL-9f8e", 73914226, -73914226, 7391.4226, "S3NT1NEL" * 300]
)
def test_messages_name_types_never_values(sentinel):
    """Every value of every seed document replaced in turn by a sentinel (a wrong type, a value
    outside an enum, a number outside a range, a string too long): the messages say what is
    wrong without quoting it, since it may be a password."""
    needle = str(sentinel)[:8].lower()
    reported = 0
    for seed in SEEDS:
        definition = definition_for(seed)
        for path in _leaves(seed):
            document = copy.deepcopy(seed)
            parent = value_at(document, path[:-1])
            parent[path[-1]] = sentinel
            for error in OURS.validate(document, definition):
                reported += 1
                assert needle not in error.message.lower(), error.message
    assert reported > 50


# --- real-world documents -----------------------------------------------------------------


def corpus_documents():
    found = []
    for path in sorted((DATA / "corpus" / "taskdefs").glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict) and "taskDefinition" in data:
            found.append(pytest.param(data["taskDefinition"], "TaskDefinition", id=path.name))
        elif isinstance(data, dict):
            found.append(pytest.param(data, "TaskDefinitionDocument", id=path.name))
    return found


@pytest.mark.parametrize(("document", "definition"), corpus_documents())
def test_agrees_with_jsonschema_on_the_corpus(document, definition):
    assert_agree(document, definition)


# --- departures, on purpose ---------------------------------------------------------------


def test_null_is_unset_but_a_null_required_field_is_missing():
    errors = OURS.validate(
        {"family": None, "containerDefinitions": [{"name": "a", "image": "b"}], "pidMode": None},
        "TaskDefinitionDocument",
    )
    assert [(e.kind, e.path) for e in errors] == [(REQUIRED, ("family",))]


def test_placeholders_are_not_judged():
    document = good_taskdef(
        networkMode="${MODE}",
        containerDefinitions=[{"name": "a", "image": "b", "memory": "${MEM}"}],
    )
    assert OURS.validate(mark_unknowns(document), "TaskDefinitionDocument") == []


def test_error_kinds():
    errors = OURS.validate({"family": 3, "containerDefinitionz": []}, "TaskDefinitionDocument")
    assert sorted((e.kind, aws_path(e.path)) for e in errors) == [
        (INVALID, "family"),
        (REQUIRED, "containerDefinitions"),
        (UNKNOWN, "containerDefinitionz"),
    ]


def _narrower_or_equal(shipped, current, where="") -> list[str]:
    """Where the shipped schema says something the current model does not (AWS only adds)."""
    if isinstance(shipped, dict) and isinstance(current, dict):
        problems = []
        for key, value in shipped.items():
            if key not in current:
                problems.append(f"{where}/{key} is gone")
            elif key in ("enum", "required", "x-output-only"):
                if key == "required":
                    extra = set(current[key]) - set(value)  # a newly required field breaks files
                else:
                    extra = set(value) - set(current[key])
                if extra:
                    problems.append(f"{where}/{key}: {sorted(extra)}")
            else:
                problems += _narrower_or_equal(value, current[key], f"{where}/{key}")
        return problems
    return [] if shipped == current else [f"{where}: {shipped!r} != {current!r}"]


def test_shipped_schema_agrees_with_the_installed_botocore_model():
    """The same botocore reproduces the file exactly; a newer one only adds to it (botocore is in
    the test extra: without it this fails, it does not skip)."""
    import importlib.metadata

    model = generate.load_model(Path(generate.botocore_model_path()))
    current = generate.build_schema(model, SCHEMA["x-source"])
    version = importlib.metadata.version("botocore")
    if f"botocore {version} " in SCHEMA["x-source"]:
        assert current == SCHEMA
    else:
        assert _narrower_or_equal(SCHEMA, current) == [], (
            f"schema made from {SCHEMA['x-source']}; botocore {version} disagrees: "
            "run python -m advisor.schema.generate"
        )
