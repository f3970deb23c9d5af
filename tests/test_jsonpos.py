"""Positions by JSON pointer, from one scan of the text."""

from __future__ import annotations

import json

from advisor.jsonpos import PositionIndex, pointer_of

TEXT = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "a", "image": "x:1"},
    {
      "name": "b",
      "env/with~odd": "q\\"uote",
      "nested": [[1, 2], {"k": [true, null]}]
    }
  ],
  "empty": {}, "list": []
}"""


def test_members_are_located_at_their_keys():
    index = PositionIndex(TEXT)
    assert index.position("") == (1, 1)
    assert index.position("/family") == (2, 3)
    assert index.position("/containerDefinitions/0") == (4, 5)
    assert index.position("/containerDefinitions/0/image") == (4, 19)
    assert index.position("/containerDefinitions/1/name") == (6, 7)
    assert index.position("/empty") == (11, 3)
    assert index.position("/list") == (11, 16)


def test_escaped_pointer_tokens_and_nested_arrays():
    index = PositionIndex(TEXT)
    assert index.position(pointer_of(["containerDefinitions", 1, "env/with~odd"])) == (7, 7)
    assert index.position("/containerDefinitions/1/nested/0/1") == (8, 22)
    assert index.position("/containerDefinitions/1/nested/1/k/1") == (8, 39)


def test_missing_pointer_falls_back_to_nearest_ancestor():
    index = PositionIndex(TEXT)
    assert index.position("/containerDefinitions/0/logConfiguration") == (4, 5)
    assert index.position("/nope/deeper") == (1, 1)


def test_columns_count_characters_not_bytes():
    text = '{"naïve": "é", "b": 1}'
    assert PositionIndex(text).position("/b") == (1, 16)


def test_every_pointer_of_a_real_document_is_found():
    data = json.loads(TEXT)

    def walk(value, parts):
        yield parts
        if isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, [*parts, k])
        elif isinstance(value, list):
            for i, v in enumerate(value):
                yield from walk(v, [*parts, i])

    index = PositionIndex(TEXT)
    for parts in walk(data, []):
        assert pointer_of(parts) in index._offsets


def test_deep_nesting_does_not_overflow():
    text = "[" * 5_000 + "]" * 5_000  # far beyond the interpreter's recursion limit
    assert PositionIndex(text).position("/0/0/0") == (1, 4)


def test_a_scan_for_some_pointers_stops_early_but_answers_for_them():
    index = PositionIndex(TEXT, wanted=["/family", "/containerDefinitions/0/image"])
    assert index.position("/family") == (2, 3)
    assert index.position("/containerDefinitions/0/image") == (4, 19)
    assert not index.has("/list")  # never reached
    full = PositionIndex(TEXT, wanted=["/family", "/does/not/exist"])
    assert full.has("/list") and full.position("/does/not/exist") == (1, 1)


def test_repeated_keys_point_at_the_value_json_keeps():
    text = '{\n "a": {"x": 1},\n "b": [{"k": 1, "k": 2}],\n "a": {"x": 3}\n}'
    index = PositionIndex(text)
    assert index.duplicates == ["/b/0/k", "/a"]
    assert index.position("/a") == (4, 2)
    assert index.position("/a/x") == (4, 8)
    assert index.position("/b/0/k") == (3, 17)


def test_many_lookups_agree_with_few():
    text = "[\n" + ",\n".join(f'  {{"k{i}": {i}}}' for i in range(100)) + "\n]"
    index = PositionIndex(text)
    positions = [index.position(f"/{i}/k{i}") for i in range(100)]
    assert positions == [(i + 2, 4) for i in range(100)]
