"""Bad input: one clear line naming the file, exit code 2, no traceback; other files still linted."""

from __future__ import annotations

import json
import os

import pytest
from conftest import good_taskdef

BAD_TASKDEF = json.dumps(good_taskdef(cpu="256", memory="4096"), indent=2)


def write(tmp_path, name, content: str | bytes):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def assert_one_clean_error(err: str, fragment: str):
    lines = [line for line in err.splitlines() if line.startswith("ecs-advisor: error:")]
    assert len(lines) == 1, err
    assert fragment in lines[0]
    assert "Traceback" not in err


def test_malformed_task_definition_names_line_and_column(cli, tmp_path):
    text = '{\n  "family": "web",\n  "containerDefinitions": [\n    {"name": "a" "image": "b"}\n  ]\n}\n'
    write(tmp_path, "broken.json", text)
    write(tmp_path, "other.json", BAD_TASKDEF)
    code, out, err = cli("lint", ".")
    assert code == 2
    assert_one_clean_error(err, "broken.json:4:18: invalid JSON: Expecting ',' delimiter")
    assert "other.json" in out and "invalid-fargate-size" in out  # the other file is still linted


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "empty file"),
        (b"   \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ('{"family": "caf\xe9"}'.encode("latin-1"), "not UTF-8"),
        (b"[" * 50_000 + b"]" * 50_000, "JSON nested too deeply"),
    ],
)
def test_unreadable_files(cli, tmp_path, content, fragment):
    write(tmp_path, "input.json", content)
    code, _out, err = cli("lint", "input.json")
    assert code == 2
    assert_one_clean_error(
        err, f"input.json: {fragment}" if fragment != "not UTF-8" else "not UTF-8"
    )


def test_utf8_bom_is_accepted(cli, tmp_path):
    write(tmp_path, "bom.json", b"\xef\xbb\xbf" + BAD_TASKDEF.encode())
    code, out, _err = cli("lint", "bom.json")
    line = BAD_TASKDEF.splitlines().index('  "memory": "4096",') + 1
    assert code == 1 and f"bom.json:{line}:3: ECS301" in out


def test_missing_path_is_an_error_but_others_are_linted(cli, tmp_path):
    write(tmp_path, "td.json", BAD_TASKDEF)
    code, out, err = cli("lint", "nope.json", "td.json")
    assert code == 2
    assert_one_clean_error(err, "nope.json: no such file or directory")
    assert "td.json" in out


def test_directory_loop_is_reported_once(cli, tmp_path):
    write(tmp_path, "deploy/td.json", BAD_TASKDEF)
    os.symlink("..", tmp_path / "deploy" / "loop")
    code, out, err = cli("lint", "deploy")
    assert code == 2
    assert_one_clean_error(err, "directory loop")
    assert out.count("ECS301") == 1


def test_unrelated_json_is_skipped_when_walking(cli, tmp_path):
    write(tmp_path, "package.json", '{"name": "x", "version": "1.0.0"}')
    write(tmp_path, "tsconfig.json", '{\n  // comments are not JSON\n  "compilerOptions": {}\n}')
    write(tmp_path, "list.json", "[1, 2, 3]")
    code, out, err = cli("lint", ".")
    assert (code, err) == (0, "")
    assert "No problems found in 0 files." in out


def test_unrelated_json_named_explicitly_gets_a_note(cli, tmp_path):
    write(tmp_path, "package.json", '{"name": "x"}')
    write(tmp_path, "tsconfig.json", "{\n  // comment\n}")
    code, _out, err = cli("lint", "package.json", "tsconfig.json")
    assert code == 0
    assert "note: package.json: not an ECS task definition" in err
    assert "note: tsconfig.json: not ECS configuration (not JSON either: Expecting property" in err


@pytest.mark.parametrize("content", ['{"family": ', '{\n  "fam', "[\n  {\n"])
def test_a_named_file_cut_short_is_an_error_even_before_its_identifying_key(cli, tmp_path, content):
    write(tmp_path, "web.json", content)
    code, out, err = cli("lint", "web.json")
    assert code == 2
    assert_one_clean_error(err, "web.json:")
    assert "truncated?" in err
    assert "No problems" not in out or "could not be checked" in out


def test_a_truncated_file_found_in_a_folder_is_passed_over(cli, tmp_path):
    write(tmp_path, "web.json", '{"family": ')
    assert cli("lint", ".")[0] == 0


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe{\x00}",
        '{"name": "caf\xe9"}'.encode("latin-1"),
        b'{"serviceName": "x", // c\n}',
    ],
)
def test_unreadable_unrelated_files_found_in_a_folder_are_passed_over(cli, tmp_path, content):
    write(tmp_path, "x.json", content)
    assert cli("lint", ".") == (0, "No problems found in 0 files.\n", "")


def test_unreadable_files_that_look_like_ecs_are_errors_even_in_a_folder(cli, tmp_path):
    write(tmp_path, "a.json", '{"family": "caf\xe9", "containerDefinitions": []}'.encode("latin-1"))
    write(tmp_path, "b.json", '{"containerDefinitions": [ // no comments in JSON\n]}')
    code, _out, err = cli("lint", ".")
    assert code == 2
    assert "a.json:1: not UTF-8 text" in err
    assert "b.json:1:28: invalid JSON" in err


def test_pre_commit_treats_named_files_like_found_ones(cli, tmp_path, monkeypatch):
    write(tmp_path, "empty.json", b"")
    write(tmp_path, "launch.json", b'{\n  // VS Code\n  "configurations": []\n}')
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert cli("lint", "empty.json", "launch.json") == (0, "No problems found in 0 files.\n", "")


def test_special_files_are_not_read(cli, tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    os.symlink(tmp_path / "gone.json", tmp_path / ".#web.json")
    assert cli("lint", ".") == (0, "No problems found in 0 files.\n", "")
    code, _out, err = cli("lint", "pipe.json")
    assert code == 2 and "pipe.json: not a regular file" in err


def test_unquoted_template_placeholders_get_a_hint(cli, tmp_path):
    write(tmp_path, "td.json", '{"family": "x", "containerDefinitions": [{"memory": ${MEMORY}}]}')
    code, _out, err = cli("lint", "td.json")
    assert code == 2 and "unquoted template placeholder" in err and "td.json:1:53" in err


def test_nan_is_not_json(cli, tmp_path):
    write(tmp_path, "td.json", '{"family": "x",\n "containerDefinitions": [{"cpu": NaN}]}')
    code, _out, err = cli("lint", "td.json")
    assert code == 2
    assert_one_clean_error(err, "td.json:2:35: invalid JSON: NaN is not a JSON value")


def test_standard_input(tmp_path):
    import subprocess
    import sys

    command = [sys.executable, "-m", "advisor", "lint", "--stdin-filename", "deploy/td.json", "-"]
    run = subprocess.run(command, input=BAD_TASKDEF.encode(), capture_output=True, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.decode().startswith("deploy/td.json:") and b"ECS301" in run.stdout
    broken = subprocess.run(command, input=b"\xff\xfe", capture_output=True, cwd=tmp_path)
    assert broken.returncode == 2 and b"deploy/td.json:1: not UTF-8 text" in broken.stderr


def test_invalid_configuration_is_one_line(cli, tmp_path):
    write(tmp_path, ".ecs-advisor.toml", "fail-on = 'sometimes'\n")
    code, _out, err = cli("lint", ".")
    assert code == 2
    assert_one_clean_error(err, ".ecs-advisor.toml: fail-on must be one of")


def test_broken_toml_is_one_line(cli, tmp_path):
    write(tmp_path, "pyproject.toml", "[tool.ecs-advisor\nselect = [\n")
    code, _out, err = cli("lint", ".")
    assert code == 2
    assert_one_clean_error(err, "pyproject.toml: invalid TOML")
