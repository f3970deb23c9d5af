"""Hostile input for lint, lint --fix and lint --cost (issue 14): each test is an input that
crashed the process, hung it, echoed a secret or broke a report before its fix."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from xml.dom import minidom

import pytest
from conftest import good_container, good_service, good_taskdef

from advisor.fargate import parse_cpu
from advisor.values import has_placeholder, mark_unknowns

# A name with an escape sequence, a line break, a table's column break and a NUL.
HOSTILE = "a\x1b[31mb\nc|d\x00e"
FORMATS = ("text", "json", "sarif", "github", "junit", "markdown")


def write(folder, name: str, content: object) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    path.write_text(text, encoding="utf-8")


def one_line_error(err: str, expected: str) -> None:
    assert "internal error" not in err and "Traceback" not in err
    assert f"ecs-advisor: error: {expected}\n" in err


# --- crashes -------------------------------------------------------------------------------


def test_an_integer_of_more_than_4300_digits_is_an_input_error(cli, tmp_path):
    text = json.dumps(good_taskdef(), indent=2).replace('"256"', "9" * 5000)
    write(tmp_path, "td.json", text)
    for args in (("lint", "td.json"), ("lint", "--fix", "td.json")):
        code, _out, err = cli(*args)
        assert code == 2
        one_line_error(err, "td.json:7:10: invalid JSON: a number of more than 4,300 digits")
    assert (tmp_path / "td.json").read_text(encoding="utf-8") == text  # --fix wrote nothing


def test_a_lone_surrogate_in_a_name_is_printed_in_every_format(tmp_path):
    # In a subprocess: only a real stdout refuses to encode "\ud800".
    text = json.dumps(good_taskdef(), indent=2).replace('"name": "web"', '"name": "a\\ud800b"')
    write(tmp_path, "td.json", text.replace('"user": "101",', ""))
    for fmt in FORMATS:
        run = subprocess.run(
            [sys.executable, "-m", "advisor", "lint", "--format", fmt, "td.json"],
            capture_output=True,
            cwd=tmp_path,
        )
        assert run.returncode == 0, run.stderr
        assert b"internal error" not in run.stderr
        assert "a\ufffdb".encode() in run.stdout or b"a\\ufffdb" in run.stdout, fmt


def test_a_cpu_string_of_400_digits_is_not_a_size():
    assert parse_cpu("1" * 400) is None
    assert parse_cpu("1" * 400 + ".5 vcpu") is None
    assert parse_cpu("0.25 vcpu") == 256


def test_lint_cost_on_a_huge_cpu_string(cli, tmp_path):
    write(tmp_path, "td.json", good_taskdef(cpu="1" * 400))
    write(tmp_path, "svc.json", good_service(taskDefinition="web"))
    code, out, err = cli("lint", "--cost", "--region", "us-east-1", "--format", "json", ".")
    assert code == 1 and "internal error" not in err
    [cost] = json.loads(out)["costs"]  # the size is not read: the smallest that fits is priced
    assert "priced at the smallest Fargate size that fits (0.25 vCPU, 512 MiB)" in cost["notes"][0]


def _strategy_cost(cli, tmp_path, **service) -> dict:
    write(tmp_path, "td.json", good_taskdef())
    write(tmp_path, "svc.json", good_service(taskDefinition="web", launchType=None, **service))
    code, out, err = cli("lint", "--cost", "--region", "us-east-1", "--format", "json", ".")
    assert code in (0, 1) and "internal error" not in err, err
    [cost] = json.loads(out)["costs"]
    return cost


def test_lint_cost_on_a_service_scaled_to_zero_with_a_strategy(cli, tmp_path):
    strategy = [{"capacityProvider": "FARGATE_SPOT", "weight": 1, "base": 0}]
    cost = _strategy_cost(cli, tmp_path, desiredCount=0, capacityProviderStrategy=strategy)
    assert cost["monthly_usd"] == 0 and cost["desired_count"] == 0
    assert cost["as_of"]  # the table's date: no price was needed


@pytest.mark.parametrize(
    ("item", "wrong"),
    [
        ({"capacityProvider": "FARGATE", "weight": 1, "base": "1"}, "base"),
        ({"capacityProvider": "FARGATE", "weight": [1]}, "weight"),
        ({"capacityProvider": "FARGATE", "weight": 1, "base": -3}, "base"),
    ],
)
def test_lint_cost_on_a_strategy_that_is_not_numbers(cli, tmp_path, item, wrong):
    cost = _strategy_cost(cli, tmp_path, desiredCount=2, capacityProviderStrategy=[item])
    assert cost["monthly_usd"] is None
    assert cost["notes"][-1] == (
        f"not priced: capacityProviderStrategy {wrong} is not a whole number from 0 to "
        + ("100000" if wrong == "base" else "1000")
    )


def test_lint_cost_on_a_huge_desired_count(cli, tmp_path):
    cost = _strategy_cost(cli, tmp_path, desiredCount=10**30)
    assert cost["monthly_usd"] is None
    assert cost["notes"][-1] == "not priced: desiredCount is not a whole number from 0 to 100000"


PYTHON_HEAD = 'import boto3\n\necs = boto3.client("ecs")\n'


def test_python_dict_with_an_unhashable_key_is_an_unknown_value(cli, tmp_path):
    write(tmp_path, "run.py", PYTHON_HEAD + 'ecs.run_task(taskDefinition="t", overrides={[]: 1})\n')
    code, out, err = cli("lint", "run.py")
    assert code == 0 and "internal error" not in err
    assert "run.py:4:1: ECS603" in out


def test_python_that_parses_but_cannot_run_is_an_input_error(cli, tmp_path):
    write(tmp_path, "run.py", PYTHON_HEAD + 'ecs.run_task(cluster="a" b"b", taskDefinition="t")\n')
    code, _out, err = cli("lint", "run.py")
    assert code == 2
    one_line_error(err, "run.py:4:30: invalid Python: cannot mix bytes and nonbytes literals")


def test_python_literals_that_cannot_be_read_are_unknown(cli, tmp_path):
    source = f'ecs.run_task(cluster="a\\ud800", taskDefinition="t", count={"9" * 5000})\n'
    write(tmp_path, "run.py", PYTHON_HEAD + source)
    code, out, err = cli("lint", "--format", "json", "run.py")
    assert code == 0 and "internal error" not in err
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS603"]


def test_brackets_nested_2000_deep_are_an_input_error_not_a_segfault(tmp_path):
    deep = "[" * 2000 + "]" * 2000
    write(
        tmp_path, "deep.py", PYTHON_HEAD + f'ecs.run_task(taskDefinition="t", overrides={deep})\n'
    )
    write(tmp_path, "td.json", good_taskdef())
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "lint", "."], capture_output=True, cwd=tmp_path
    )
    assert run.returncode == 2, run.stderr  # not -11: the other file is still reported
    assert b"deep.py:4:" in run.stderr and b"too many nested parentheses" in run.stderr
    assert b"nothing found in the 1 file that could be read" in run.stdout


@pytest.mark.parametrize(
    ("chain", "expected"),
    [
        ("1+" * 20000 + "1", "run.py: Python nested too deeply for the parser"),  # hung
        ("x" + ".a" * 20000, "run.py: Python nested too deeply for the parser"),  # hung
        ("1+" * 400 + "1", "run.py:4: Python nested more than 300 deep: not read"),
    ],
)
def test_long_operator_chains_are_refused_before_libcst(cli, tmp_path, chain, expected):
    write(tmp_path, "run.py", PYTHON_HEAD + f'ecs.run_task(taskDefinition="t", count={chain})\n')
    started = time.perf_counter()
    code, _out, err = cli("lint", "run.py")
    assert time.perf_counter() - started < 5.0
    assert code == 2
    one_line_error(err, expected)


def test_a_python_file_over_4_mb_is_not_parsed(cli, tmp_path):
    filler = "# " + "x" * 98 + "\n"
    source = PYTHON_HEAD + 'ecs.run_task(taskDefinition="t")\n' + filler * 42000
    write(tmp_path, "run.py", source)
    started = time.perf_counter()
    code, _out, err = cli("lint", "run.py")
    assert time.perf_counter() - started < 5.0
    assert code == 2
    one_line_error(err, "run.py: Python file larger than 4 MB: not read")


def test_brackets_in_strings_do_not_count_as_nesting(cli, tmp_path):
    write(tmp_path, "run.py", PYTHON_HEAD + f'ecs.run_task(taskDefinition="t{"(" * 300}")\n')
    code, out, err = cli("lint", "run.py")
    assert code == 0 and "run.py:4:1: ECS603" in out, err


# --- time ----------------------------------------------------------------------------------


def test_the_placeholder_scan_is_linear():
    value = "ABCDEF0123456789" * 2500  # 40 KB of upper-case hex
    started = time.perf_counter()
    for text in (value, "${" * 20000, "{{" * 20000, "#{" * 20000, "<" * 40000, "_" * 40000):
        assert not has_placeholder(text)
    assert time.perf_counter() - started < 1.0
    # the forms it recognizes, still
    for text in ("${IMAGE}", "{{ tag }}", "#{Tag}", "__TAG__", "$TAG", "MY_PLACEHOLDER",
                 "CHANGEME", "YOUR_ACCOUNT", "<IMAGE1_NAME>", "$$$TAG$$$", "XXXXXXXXXXXX"):  # fmt: skip
        assert has_placeholder(text), text
    for text in ("{{ tag\n}}", "${tag", "nginx:1.27", "$tag", "__tag__"):
        assert not has_placeholder(text), text
    assert mark_unknowns({"image": "app:${TAG}"})["image"].text == "app:${TAG}"


def test_positions_of_a_document_with_trailing_whitespace_are_linear(cli, tmp_path):
    from advisor.jsonpos import PositionIndex

    started = time.perf_counter()
    index = PositionIndex('{"a": [1, 2]}' + " \n\t" * 20000)  # took 20 s
    assert index.position("/a/1") == (1, 11)
    assert time.perf_counter() - started < 1.0
    # a duplicate key makes lint index the whole file
    text = json.dumps(good_taskdef(), indent=2).replace(
        '"family": "web"', '"family": "a", "family": "web"'
    )
    write(tmp_path, "td.json", text + " " * 40000)
    started = time.perf_counter()
    code, out, _err = cli("lint", "td.json")
    assert time.perf_counter() - started < 5.0
    assert code == 1 and "duplicate" in out


# --- output --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_string_where_an_environment_object_belongs_is_never_echoed(cli, tmp_path, fmt):
    container = good_container(environment=["DB_PASSWORD=hunter2-not-for-logs"])
    write(tmp_path, "td.json", good_taskdef(containerDefinitions=[container]))
    code, out, err = cli("lint", "--format", fmt, "td.json")
    assert code == 1
    assert "hunter2" not in out + err
    assert "environment[0] must be an object, not a string" in out.replace("\\", "")


def _hostile_run(cli, tmp_path, fmt: str) -> str:
    write(tmp_path, "svc.json", good_service(serviceName=HOSTILE, cluster="prod", tags=[]))
    code, out, err = cli("lint", "--format", fmt, "svc.json")
    assert code == 0 and "internal error" not in err  # one info: the service has no tags
    assert "\x1b" not in out and "\x00" not in out
    return out


def test_text_shows_control_characters_instead_of_sending_them(cli, tmp_path):
    out = _hostile_run(cli, tmp_path, "text")
    assert out.splitlines() == [
        "svc.json:16:3: ECS812 info: service prod/a\\x1b[31mb\\nc|d\\x00e has no tags of its own, "
        "so propagateTags SERVICE gives its tasks none [resource-without-tags]",
        "Found 1 problem (1 info) in 1 file; 1 file checked.",
    ]


def test_junit_is_valid_xml_with_control_characters(cli, tmp_path):
    out = _hostile_run(cli, tmp_path, "junit")
    document = minidom.parseString(out.encode())
    messages = [f.getAttribute("message") for f in document.getElementsByTagName("failure")]
    assert messages == [
        "service prod/a\\x1b[31mb\nc|d\\x00e has no tags of its own, so propagateTags SERVICE "
        "gives its tasks none"
    ]


def test_markdown_keeps_each_finding_on_one_row(cli, tmp_path):
    out = _hostile_run(cli, tmp_path, "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| :")]
    assert rows == [  # four cells, not split by the name
        "| :information_source: info | `svc.json:16` | ECS812 `resource-without-tags` | service "
        "prod/a\\x1b[31mb\\nc\\|d\\x00e has no tags of its own, so propagateTags SERVICE gives "
        "its tasks none |"
    ]


def test_github_commands_stay_one_line_without_escapes(cli, tmp_path):
    out = _hostile_run(cli, tmp_path, "github")
    [line] = out.splitlines()
    assert line.endswith("::service prod/a\\x1b[31mb\\nc|d\\x00e has no tags of its own, so "
                         "propagateTags SERVICE gives its tasks none")  # fmt: skip


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_keep_the_name_exactly(cli, tmp_path, fmt):
    out = _hostile_run(cli, tmp_path, fmt)  # JSON escapes control characters itself
    assert f"service prod/{json.dumps(HOSTILE)[1:-1]} has no tags" in json.dumps(json.loads(out))


# --- truth ---------------------------------------------------------------------------------


LATIN1 = (
    "# -*- coding: latin-1 -*-\n"
    "import boto3\n"
    "# caf\xe9 au lait\n"
    'ecs = boto3.client("ecs")\n'
    'ecs.run_task(cluster="x", taskDefinition="t")\n'
)


def test_a_latin1_python_file_is_read_and_fixed_in_its_encoding(cli, tmp_path):
    (tmp_path / "run.py").write_bytes(LATIN1.encode("latin-1"))
    code, out, _err = cli("lint", "run.py")
    assert code == 0 and "run.py:5:1: ECS603" in out
    code, _out, err = cli("lint", "--fix", "run.py")
    assert code == 0, err
    fixed = (tmp_path / "run.py").read_bytes().decode("latin-1")
    assert fixed == LATIN1.replace(
        'taskDefinition="t")',
        'taskDefinition="t", enableECSManagedTags=True, propagateTags="TASK_DEFINITION")',
    )


def test_fixing_a_generator_argument_keeps_the_code_compiling(cli, tmp_path):
    write(tmp_path, "run.py", PYTHON_HEAD + "ecs.run_task(x for x in y)\n")
    code, _out, err = cli("lint", "--fix", "run.py")
    assert code == 0, err
    fixed = (tmp_path / "run.py").read_text(encoding="utf-8")
    assert fixed.endswith(
        'ecs.run_task((x for x in y), enableECSManagedTags=True, propagateTags="TASK_DEFINITION")\n'
    )
    compile(fixed, "run.py", "exec")


def test_a_fix_that_would_not_compile_is_not_written(tmp_path, capsys):
    from advisor import fix
    from advisor.model import SAFE, Edit, Fix

    class Document:
        path = str(tmp_path / "run.py")
        text = "f(a)\n"
        module = object()  # a Python document

    class Finding:
        fix = Fix([Edit(3, 3, ", b=")], SAFE)
        subject = type("Subject", (), {"document": Document})

    class Result:
        findings = (Finding,)

    (tmp_path / "run.py").write_text(Document.text, encoding="utf-8")
    assert fix.fixed_files(Result) == []
    assert "run.py: fix not applied: the result would not compile" in capsys.readouterr().err


def test_an_error_line_shows_the_control_characters_of_a_file_name(cli, tmp_path):
    """stderr is a terminal too: a file name holding an escape sequence never paints it."""
    name = "web\x1b[31m.json"
    (tmp_path / name).write_text('{"family": "web", "containerDefinitions": [', encoding="utf-8")
    code, _, err = cli("lint", str(tmp_path / name))
    assert code == 2
    assert "\x1b" not in err
    assert "web\\x1b[31m.json" in err and err.count("\n") == 1
