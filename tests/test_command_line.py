"""Issue 13, the command line: flags people expect, suggestions for misspellings, help that
teaches (every option explained, examples at the end), and usage in the README from the parser."""

from __future__ import annotations

import argparse
import json
import re
import shlex

import pytest
from conftest import REPO, good_container, good_taskdef

from advisor.cli import build_parser

MUTABLE = good_taskdef(containerDefinitions=[good_container(image="nginx:latest")])


def _write(tmp_path, name, content) -> None:
    text = content if isinstance(content, str) else json.dumps(content, indent=2)
    (tmp_path / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_short_and_long_version(flag, capsys):
    from advisor import __version__

    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([flag])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"ecs-advisor {__version__}\n"


def test_select_all_selects_every_rule(cli, tmp_path):
    _write(tmp_path, "td.json", MUTABLE)
    code, out, err = cli("lint", "--select", "ALL", "--format", "json", "td.json")
    assert err == "" and code == 1
    assert [f["code"] for f in json.loads(out)["findings"]] == ["ECS401"]
    # ... and ALL with an ignore leaves the rest.
    code, out, _ = cli("lint", "--select", "all", "--ignore", "ECS4", "td.json")
    assert code == 0 and "ECS401" not in out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "mutable-image-tg"], "--select: unknown rule selector 'mutable-image-tg'; "),
        (
            ["--ignore", "mutable_image_tag"],
            "--ignore: unknown rule selector 'mutable_image_tag'; ",
        ),
        (
            ["--extend-ignore", "privilegd-container"],
            "--extend-ignore: unknown rule selector 'privilegd-container'; ",
        ),
    ],
)
def test_unknown_selectors_suggest_a_rule(cli, tmp_path, args, expected):
    _write(tmp_path, "td.json", MUTABLE)
    code, out, err = cli("lint", *args, "td.json")
    assert code == 2 and out == ""
    assert err.startswith("ecs-advisor: error: " + expected)
    guess = {
        "mutable-image-tg": "mutable-image-tag",
        "mutable_image_tag": "mutable-image-tag",
        "privilegd-container": "privileged-container",
    }[args[1]]
    assert f"did you mean '{guess}'?" in err and len(err.splitlines()) == 1


def test_configured_selectors_suggest_a_rule(cli, tmp_path):
    _write(tmp_path, ".ecs-advisor.toml", 'ignore = ["root-usr"]\n')
    _write(tmp_path, "td.json", MUTABLE)
    code, _, err = cli("lint", "td.json")
    assert code == 2
    assert (
        ".ecs-advisor.toml: ignore: unknown rule selector 'root-usr'; did you mean 'root-user'?"
        in err
    )


@pytest.mark.parametrize(
    ("word", "guess"), [("mutable-image-tg", "mutable-image-tag"), ("ECS4O1", "ECS401")]
)
def test_explain_suggests_a_rule(cli, word, guess):
    code, out, err = cli("explain", word)
    assert code == 2 and out == ""
    assert err == f"ecs-advisor: error: unknown rule {word!r}; did you mean {guess!r}?\n"


def test_explain_without_a_close_rule_points_at_the_list(cli):
    code, _, err = cli("explain", "zzzz")
    assert code == 2 and err == "ecs-advisor: error: unknown rule 'zzzz': see 'ecs-advisor rules'\n"


@pytest.mark.parametrize(
    ("flag", "value", "meant"),
    [("--cpu", "2", "'2 vCPU'"), ("--cpu", "0.5", "'0.5 vCPU'"), ("--memory", "4", "'4 GB'")],
)
def test_cost_suggests_the_unit_a_small_number_meant(cli, flag, value, meant):
    # A bare number is CPU units or MiB, as in a task definition; 2 CPU units is no Fargate
    # size, and almost surely meant 2 vCPU: say so rather than guess.
    args = {"--cpu": ["--memory", "4096"], "--memory": ["--cpu", "1024"]}[flag]
    code, out, err = cli("cost", flag, value, *args)
    assert code == 2 and out == ""
    assert f"did you mean {flag} {meant}?" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("duration", "seconds", "task_hours"),
    [("1d", 86400, 24), ("2d12h", 216000, 60), ("90m", 5400, 1.5), ("3600s", 3600, 1)],
)
def test_cost_duration_in_days_hours_minutes_seconds(cli, duration, seconds, task_hours):
    code, out, err = cli(
        "cost", "--cpu", "1 vCPU", "--memory", "2 GB", "--duration", duration, "--format", "json"
    )
    assert code == 0, err
    usage = json.loads(out)["usage"]
    assert usage["billed_seconds_per_task"] == seconds and usage["task_hours"] == task_hours


def test_a_bad_duration_names_the_accepted_forms(cli):
    code, _, err = cli("cost", "--cpu", "1 vCPU", "--memory", "2 GB", "--duration", "1w")
    assert code == 2
    assert err == (
        "ecs-advisor: error: bad duration '1w': use a number with d, h, m or s, "
        "e.g. 1d, 1h30m, 10m, 90s\n"
    )


def test_lint_region_without_cost_is_an_error(cli, tmp_path):
    _write(tmp_path, "td.json", MUTABLE)
    code, out, err = cli("lint", "--region", "us-west-2", "td.json")
    assert code == 2 and out == ""
    assert err == "ecs-advisor: error: --region goes with --cost (the region to price in)\n"


def _parsers(parser: argparse.ArgumentParser, name: str = "ecs-advisor"):
    """Every parser and sub-parser, with its command line name."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


ALL_PARSERS = list(_parsers(build_parser()))


def test_the_walk_sees_every_command():
    names = [name for name, _ in ALL_PARSERS]
    assert names == [
        "ecs-advisor",
        "ecs-advisor lint",
        "ecs-advisor rules",
        "ecs-advisor explain",
        "ecs-advisor history",
        "ecs-advisor audit",
        "ecs-advisor cost",
        "ecs-advisor pricing",
        "ecs-advisor pricing update",
        "ecs-advisor pricing show",
    ]


@pytest.mark.parametrize(("name", "parser"), ALL_PARSERS, ids=[n for n, _ in ALL_PARSERS])
def test_every_option_has_help(name, parser):
    missing = [
        "/".join(action.option_strings) or action.dest
        for action in parser._actions
        if not action.help or action.help == argparse.SUPPRESS
    ]
    assert missing == [], f"{name}: options without help text"


@pytest.mark.parametrize(("name", "parser"), ALL_PARSERS, ids=[n for n, _ in ALL_PARSERS])
def test_every_command_help_ends_with_examples_that_parse(name, parser):
    text = parser.format_help()
    match = re.search(r"\nexamples:\n((?:  .*\n?)+)$", text)
    assert match, f"{name} --help does not end with examples"
    examples = [line.strip() for line in match.group(1).splitlines()]
    assert 2 <= len(examples) <= 3, examples
    for example in examples:
        words = shlex.split(example.partition(" | ")[0])  # the command, not what reads it
        assert " ".join(words[: len(name.split())]) == name, example
        build_parser().parse_args(words[1:])  # a valid command line, as written


def test_help_keeps_the_examples_layout(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["lint", "--help"])
    out = capsys.readouterr().out
    # RawDescriptionHelpFormatter: one example a line, as written.
    assert "\nexamples:\n  ecs-advisor lint\n" in out


def test_readme_usage_blocks_come_from_the_parser():
    from update_readme import USAGE_COMMANDS, usage_block

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for commands in USAGE_COMMANDS:
        key = "+".join(commands)
        match = re.search(
            rf"<!-- usage:{re.escape(key)}:start -->\n```sh\n(.*?)```\n<!-- usage:{re.escape(key)}:end -->",
            readme,
            re.S,
        )
        assert match, f"README lost its usage block for {key}"
        assert match.group(1) == usage_block(commands), "run: python tests/update_readme.py"


def test_usage_block_shows_the_commands_options():
    from update_readme import usage_block

    block = usage_block(("cost",))
    assert block.startswith("ecs-advisor cost [--cpu CPU] [--memory MEM] ")
    for option in ("[TASKDEF.json]", "--duration DUR", "--format text|json", "--arch x86_64|arm64"):
        assert option in block
    assert all(len(line) <= 100 for line in block.splitlines())
