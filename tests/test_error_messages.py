"""Input errors read as sentences: JSON parser messages neither cut short nor doubled, a Python
syntax error at the line of the mistake, a symlink loop called a loop."""

from __future__ import annotations

import os

import pytest


def _write(tmp_path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            '{"family": "web", "containerDefinitions": [{"name": "ab',
            "td.json:1:53: invalid JSON: a string is not closed "
            "(the file ends before the document does: truncated?)",
        ),
        (
            '{"family": "web", "containerDefinitions": [{"name": "a\tb"}]}',
            "td.json:1:55: invalid JSON: a control character, such as a tab or line break, "
            "inside a string",
        ),
        (
            '{"family": "web", "containerDefinitions": []} []',
            "td.json:1:47: invalid JSON: more data after the end of the JSON document",
        ),
    ],
)
def test_json_errors_are_whole_sentences(cli, tmp_path, text, error):
    _write(tmp_path, "td.json", text)
    code, _, err = cli("lint", "td.json")
    assert code == 2 and err == f"ecs-advisor: error: {error}\n"


def test_a_note_on_other_json_names_line_and_column_once(cli, tmp_path):
    _write(tmp_path, "settings.json", '{"editor.tabSize": "a\\q"}')
    code, _, err = cli("lint", "settings.json")
    assert code == 0
    assert err == (
        "ecs-advisor: note: settings.json: not ECS configuration (not JSON either: an invalid "
        "backslash escape in a string at line 1, column 22); skipped\n"
    )


def test_cloudtrail_json_errors_have_no_char_offsets(cli, tmp_path):
    _write(tmp_path, "trail.json", '{"Records": [{"eventSource": "ecs.amazonaws.com", }]}')
    code, _, err = cli("history", "trail.json")
    assert code == 2
    first = err.splitlines()[0]
    assert first == (
        "ecs-advisor: error: trail.json:1:51: not CloudTrail or EventBridge JSON: "
        "Expecting property name enclosed in double quotes"
    )


def test_cloudtrail_json_lines_errors_are_not_cut(cli, tmp_path):
    _write(
        tmp_path,
        "trail.jsonl",
        '{"eventSource": "ecs.amazonaws.com", "eventName": "StopTask"}\n'
        '{"eventSource": "ecs.amazonaws.com", "eventName": "StopTask\n',
    )
    code, _, err = cli("history", "trail.jsonl")
    assert code == 2
    assert "ecs-advisor: error: trail.jsonl:2:51: not JSON: a string is not closed\n" in err


@pytest.mark.parametrize(
    ("source", "error"),
    [
        # libcst reports these at the token where it stopped: lines below the mistake.
        (
            'import boto3\necs = boto3.client("ecs")\n\ndef start(:\n'
            '    ecs.run_task(cluster="c")\n',
            "job.py:4:11: invalid Python: invalid syntax",
        ),
        (
            'import boto3\necs = boto3.client("ecs")\nargs = dict(cluster="c",\n\n'
            "ecs.run_task(**args)\n",
            "job.py:3:12: invalid Python: '(' was never closed",
        ),
    ],
)
def test_a_python_syntax_error_points_at_the_mistake(cli, tmp_path, source, error):
    _write(tmp_path, "job.py", source)
    code, _, err = cli("lint", "job.py")
    assert code == 2 and err == f"ecs-advisor: error: {error}\n"


def test_a_symlink_loop_is_called_a_loop(cli, tmp_path):
    os.symlink("b.json", tmp_path / "a.json")
    os.symlink("a.json", tmp_path / "b.json")
    code, _, err = cli("lint", "a.json")
    assert code == 2
    assert err == "ecs-advisor: error: a.json: symlink loop (its links lead back to themselves)\n"


def test_a_dangling_link_says_where_it_points(cli, tmp_path):
    os.symlink("gone.json", tmp_path / "td.json")
    code, _, err = cli("lint", "td.json")
    assert (
        code == 2
        and err == "ecs-advisor: error: td.json: broken symlink: gone.json does not exist\n"
    )
