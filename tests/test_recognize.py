"""Every ECS file people keep is recognized: real files from tutorials and ecspresso projects,
run-task and create-cluster inputs, and files whose identifying key is misspelt.

The files under tests/data/recognize/ come from elsewhere (tests/data/SOURCES); the run-task and
create-cluster inputs below are written here from the API reference's request shapes.
"""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import DATA

from advisor.config import Settings
from advisor.engine import lint_paths
from advisor.model import Kind
from advisor.sources import json_shapes

RECOGNIZE = DATA / "recognize"

RUN_TASK = """{
    "cluster": "batch",
    "taskDefinition": "nightly-export:7",
    "count": 1,
    "launchType": "FARGATE",
    "platformVersion": "LATEST",
    "networkConfiguration": {
        "awsvpcConfiguration": {
            "subnets": ["subnet-0a1b2c3d4e5f60718"],
            "securityGroups": ["sg-0123456789abcdef0"],
            "assignPublicIp": "DISABLED"
        }
    },
    "overrides": {
        "containerOverrides": [
            {"name": "export", "command": ["python", "-m", "export", "--day", "yesterday"]}
        ]
    },
    "startedBy": "nightly-export"
}
"""

CREATE_CLUSTER = """{
    "clusterName": "batch",
    "capacityProviders": ["FARGATE", "FARGATE_SPOT"],
    "defaultCapacityProviderStrategy": [
        {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1}
    ],
    "settings": [
        {"name": "containerInsights", "value": "enhanced"}
    ],
    "tags": [{"key": "team", "value": "data"}]
}
"""


def _lint(*paths, **settings):
    options = Settings()
    for key, value in settings.items():
        setattr(options, key, value)
    result = lint_paths([str(p) for p in paths], options)
    assert not result.errors, [str(e) for e in result.errors]
    return result


def _found(result) -> list[tuple[int, int, str]]:
    return [(f.location.line, f.location.column, f.code) for f in result.findings]


# --- create-service input without serviceName ---------------------------------------------------


def test_the_codepipeline_tutorials_create_service_input_is_a_service_named_after_its_file():
    result = _lint(RECOGNIZE / "codepipeline" / "create-service.json")
    (service,) = result.resources
    assert service.kind is Kind.SERVICE and service.label == "my-cluster/create-service"
    # Its name comes from --service-name: no missing-required-field for serviceName.
    # No tags of its own either: the request sends none (ECS812, info).
    assert _found(result) == [
        (1, 1, "ECS501"),
        (1, 1, "ECS502"),
        (1, 1, "ECS812"),
        (26, 13, "ECS807"),
    ]


def test_a_named_service_keeps_its_own_name(linter):
    data = json.loads((RECOGNIZE / "codepipeline" / "create-service.json").read_text())
    findings = linter.findings({"serviceName": "web", **data}, name="create-service.json")
    assert {f.resource for f in findings} == {"my-cluster/web"}


# --- ecspresso -----------------------------------------------------------------------------------


def test_ecspressos_service_definition_without_name_or_task_definition_is_a_service():
    result = _lint(RECOGNIZE / "ecspresso" / "ecs-service-def.json")
    (service,) = result.resources
    assert service.kind is Kind.SERVICE and service.label == "ecs-service-def"
    # Subnets and security groups are {{ tfstate ... }} lookups: never judged.
    assert _found(result) == [
        (1, 1, "ECS502"),
        (1, 1, "ECS812"),
        (11, 3, "ECS501"),
        (26, 7, "ECS807"),
    ]


def test_ecspressos_daemon_service_definition_is_recognized_by_its_name():
    result = _lint(RECOGNIZE / "ecspresso" / "ecs-service-def-daemon.json")
    assert [r.label for r in result.resources] == ["ecs-service-def-daemon"]
    assert _found(result) == [(1, 1, "ECS501"), (1, 1, "ECS502"), (1, 1, "ECS812")]


def test_the_same_single_key_under_another_name_is_not_ours(cli, tmp_path):
    shutil.copy(RECOGNIZE / "ecspresso" / "ecs-service-def-daemon.json", tmp_path / "mode.json")
    assert cli("lint", ".") == (0, "No problems found in 0 files.\n", "")


def test_ecspressos_templated_task_definition_judges_only_known_values():
    result = _lint(RECOGNIZE / "ecspresso" / "ecs-task-def.json")
    (task,) = result.resources
    image = task.data["containerDefinitions"][0]["image"]
    assert type(image).__name__ == "Unknown"  # {{ tfstate ... }}:{{ must_env `TAG` }}
    assert _found(result) == [(3, 5, "ECS201"), (3, 5, "ECS802"), (3, 5, "ECS804")]


def test_ecspressos_task_definition_with_tags_has_no_unknown_field():
    result = _lint(RECOGNIZE / "ecspresso" / "td-in-tags.json")
    assert [r.pointer for r in result.resources] == ["/taskDefinition"]
    codes = [f.code for f in result.findings]
    assert "ECS101" not in codes and "ECS104" not in codes  # tags; status and revision
    assert codes == ["ECS811", "ECS802", "ECS804"]


def test_ecspressos_daemon_task_definition_is_judged_like_any_other():
    result = _lint(RECOGNIZE / "ecspresso" / "ecs-task-def-daemon.json")
    assert [f.code for f in result.findings] == ["ECS802", "ECS804", "ECS401", "ECS806", "ECS811"]


# --- run-task input ------------------------------------------------------------------------------


def test_run_task_input_is_a_run_task_request_judged_in_its_file(linter):
    findings = linter.findings(RUN_TASK, name="run-task.json")
    assert [(f.location.line, f.location.column, f.code) for f in findings] == [(1, 1, "ECS603")]
    (finding,) = findings
    assert finding.resource == "nightly-export"
    assert "1 RunTask call for task family nightly-export" in finding.message


def test_run_task_input_with_managed_tags_is_clean(linter):
    tagged = RUN_TASK.replace('"count": 1,', '"count": 1,\n    "enableECSManagedTags": true,')
    assert linter.codes(tagged, name="run-task.json") == []


def test_run_task_parameters_are_located_in_the_file(linter):
    pinned = RUN_TASK.replace('"LATEST"', '"1.3.0"').replace(
        '"launchType": "FARGATE",',
        '"launchType": "FARGATE",\n    "capacityProviderStrategy": [{"capacityProvider": "FARGATE_SPOT"}],',
    )
    findings = linter.findings(pinned, name="export.json")
    assert [(f.location.line, f.location.column, f.code) for f in findings] == [
        (1, 1, "ECS603"),
        (5, 5, "ECS503"),
        (7, 5, "ECS810"),
    ]


def test_run_task_input_is_checked_against_the_api_model(linter):
    typo = RUN_TASK.replace('"startedBy"', '"startedby"').replace('"count": 1', '"count": "1"')
    findings = linter.findings(typo, name="run-task.json")
    messages = {f.code: f.message for f in findings}
    assert (
        messages["ECS101"] == "unknown field 'startedby' in the document; did you mean 'startedBy'?"
    )
    assert messages["ECS102"] == "count must be an integer, not a string"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("run-task.json", Kind.RUN_TASK), ("migration-task.json", Kind.RUN_TASK),
     ("service.json", Kind.SERVICE), ("deploy.json", Kind.SERVICE)],
)  # fmt: skip
def test_a_request_with_only_shared_fields_is_told_apart_by_its_file_name(linter, name, kind):
    shared = {"cluster": "batch", "taskDefinition": "export:3", "launchType": "FARGATE"}
    path = linter.write(shared, name)
    assert [r.kind for r in _lint(path).resources] == [kind]


def test_fields_only_run_task_has_win_over_the_file_name(linter):
    path = linter.write({"taskDefinition": "export:3", "overrides": {}}, "service.json")
    assert [r.kind for r in _lint(path).resources] == [Kind.RUN_TASK]


def test_a_task_definition_reference_with_a_cluster_says_too_little(cli, tmp_path):
    (tmp_path / "deploy.json").write_text('{"cluster": "prod", "taskDefinition": "web:3"}')
    code, _out, err = cli("lint", "deploy.json")
    assert code == 0 and "note: deploy.json: not an ECS" in err


# --- clusters ------------------------------------------------------------------------------------


def test_create_cluster_input_with_container_insights_on_is_clean(linter):
    path = linter.write(CREATE_CLUSTER, "cluster.json")
    result = _lint(path)
    assert [(r.kind, r.label) for r in result.resources] == [(Kind.CLUSTER, "batch")]
    assert result.findings == []


def test_create_cluster_input_with_container_insights_off_is_reported_at_the_value(linter):
    findings = linter.findings(CREATE_CLUSTER.replace("enhanced", "disabled"), "cluster.json")
    assert [(f.location.line, f.location.column, f.code) for f in findings] == [(9, 39, "ECS809")]


def test_create_cluster_input_is_checked_against_the_api_model(linter):
    findings = linter.findings(CREATE_CLUSTER.replace('"settings"', '"setting"'), "cluster.json")
    # Without "settings" no containerInsights setting is seen: the account default applies.
    assert [(f.location.line, f.code) for f in findings] == [(1, "ECS809"), (8, "ECS101")]
    assert "did you mean 'settings'" in findings[1].message


def test_a_cluster_file_gets_container_insights_disabled_from_the_command_line(cli, tmp_path):
    shutil.copy(RECOGNIZE / "aws-docs" / "create-cluster-output.json", tmp_path / "cluster.json")
    code, out, err = cli("lint", "cluster.json")
    assert (code, err) == (0, "")  # info: below the default --fail-on warning
    assert out.splitlines()[0] == (
        "cluster.json:18:17: ECS809 info: cluster tutorial turns Container Insights off "
        '(containerInsights "disabled") [container-insights-disabled]'
    )
    assert cli("lint", "--fail-on", "info", "cluster.json")[0] == 1


def test_create_cluster_output_is_a_cluster_without_output_only_findings():
    result = _lint(RECOGNIZE / "aws-docs" / "create-cluster-output.json")
    assert [(r.pointer, r.wrapped) for r in result.resources] == [("/cluster", True)]
    assert _found(result) == [(18, 17, "ECS809")]


def test_describe_clusters_output_without_settings_says_nothing_of_container_insights():
    """describe-clusters lists settings only with --include SETTINGS: an empty list is unknown."""
    result = _lint(RECOGNIZE / "aws-docs" / "describe-clusters.json")
    assert [(r.kind, r.pointer, r.label) for r in result.resources] == [
        (Kind.CLUSTER, "/clusters/0", "tutorial")
    ]
    assert result.findings == []


def test_describe_clusters_output_with_insights_off_is_reported(linter):
    data = json.loads((RECOGNIZE / "aws-docs" / "describe-clusters.json").read_text())
    data["clusters"][0]["settings"] = [{"name": "containerInsights", "value": "disabled"}]
    findings = linter.findings(data, "clusters.json")
    assert [(f.code, f.location.pointer) for f in findings] == [
        ("ECS809", "/clusters/0/settings/0/value")
    ]


def test_a_json_with_a_cluster_name_and_nothing_of_a_cluster_is_not_ours(cli, tmp_path):
    (tmp_path / "kafka.json").write_text('{"clusterName": "events", "brokers": 3}')
    assert cli("lint", ".") == (0, "No problems found in 0 files.\n", "")


# --- misspelt identifying keys -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typo", ["containerDefinition", "ContainerDefinitions", "containerDefinitons"]
)
def test_a_misspelt_container_list_is_one_unknown_field_with_a_suggestion(linter, typo):
    text = (RECOGNIZE / "ecspresso" / "ecs-task-def-daemon.json").read_text()
    findings = linter.findings(text.replace('"containerDefinitions"', f'"{typo}"'), "td.json")
    schema = [(f.location.line, f.location.column, f.message) for f in findings if f.code < "ECS2"]
    # One finding for the typo: no missing-required-field for containerDefinitions beside it.
    assert schema == [
        (2, 3, f"unknown field {typo!r} in the document; did you mean 'containerDefinitions'?")
    ]


def test_a_misspelt_service_name_is_one_unknown_field_and_names_the_service(linter):
    data = json.loads((RECOGNIZE / "codepipeline" / "create-service.json").read_text())
    findings = linter.findings({"servicename": "web", **data}, "create-service.json")
    unknown = [f for f in findings if f.code.startswith("ECS1")]
    assert [f.message for f in unknown] == [
        "unknown field 'servicename' in the document; did you mean 'serviceName'?"
    ]
    assert {f.resource for f in findings} == {"my-cluster/web"}


def test_a_misspelt_container_list_inside_ecspressos_wrapper_is_recognized(linter):
    inner = json.loads((RECOGNIZE / "ecspresso" / "ecs-task-def-daemon.json").read_text())
    inner["containerDefinition"] = inner.pop("containerDefinitions")
    findings = linter.findings({"taskDefinition": inner, "tags": []}, "ecs-task-def.json")
    assert [(f.code, f.location.pointer) for f in findings if f.code < "ECS2"] == [
        ("ECS101", "/taskDefinition/containerDefinition")
    ]


def test_a_misspelt_cluster_name_is_recognized(linter):
    findings = linter.findings(CREATE_CLUSTER.replace('"clusterName"', '"ClusterName"'), "c.json")
    assert [(f.code, f.resource) for f in findings] == [("ECS101", "batch")]


def test_a_look_alike_key_in_someone_elses_json_is_not_a_typo(cli, tmp_path):
    (tmp_path / "ui.json").write_text('{"containerClass": "wide", "serviceNames": ["a"]}')
    assert cli("lint", ".") == (0, "No problems found in 0 files.\n", "")


# --- truncated files -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "where"),
    [('{\n  "family": "web",\n  "cpu": ', "3:10"), ('{\n  "essential": tru', "2:16")],
)
def test_pre_commit_fails_on_a_truncated_file_cut_before_its_identifying_key(
    cli, tmp_path, monkeypatch, content, where
):
    (tmp_path / "web.json").write_text(content)
    (tmp_path / "tsconfig.json").write_text('{\n  // comments: not JSON, not ours\n  "a": 1\n}')
    monkeypatch.setenv("PRE_COMMIT", "1")
    code, _out, err = cli("lint", "web.json", "tsconfig.json")
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith(f"ecs-advisor: error: web.json:{where}: invalid JSON: Expecting value")
    assert line.endswith("(the file ends before the document does: truncated?)")
    assert "Traceback" not in err and "tsconfig" not in err


# --- the shapes' key lists follow AWS's model ----------------------------------------------------


def test_request_key_lists_match_the_api_model():
    from advisor.schema.validate import shared_validator

    defs = shared_validator().defs
    service = set(defs["CreateServiceRequest"]["properties"])
    run_task = set(defs["RunTaskRequest"]["properties"])
    assert service - run_task == json_shapes.SERVICE_ONLY_KEYS | {"serviceName"}
    assert run_task - service == json_shapes.RUN_TASK_ONLY_KEYS
    assert service & run_task == json_shapes.SHARED_REQUEST_KEYS
    assert set(defs["CreateClusterRequest"]["properties"]) == json_shapes.CLUSTER_KEYS | {
        "clusterName",
        "tags",
    }


def test_fix_asks_a_run_task_file_for_managed_tags(cli, tmp_path):
    (tmp_path / "run-task.json").write_text(RUN_TASK)
    assert cli("lint", "--fix", "run-task.json")[0] == 0
    fixed = (tmp_path / "run-task.json").read_text()
    assert fixed.startswith(
        '{\n    "enableECSManagedTags": true,\n    "propagateTags": "TASK_DEFINITION",\n'
        '    "cluster": "batch",\n'
    )
    assert fixed.endswith(RUN_TASK.split("{", 1)[1])  # every other line as it was
    assert cli("lint", "--fix", "run-task.json") == (0, "No problems found in 1 file.\n", "")


def test_fix_leaves_a_run_task_file_that_turns_managed_tags_off(cli, tmp_path):
    text = RUN_TASK.replace('"count": 1,', '"count": 1,\n    "enableECSManagedTags": false,')
    (tmp_path / "run-task.json").write_text(text)
    assert cli("lint", "--fix", "--diff", "run-task.json") == (0, "", "")  # nothing to change
    code, out, _err = cli("lint", "run-task.json")
    assert (code, out.count("ECS603")) == (0, 1)


def test_cloudformation_style_properties_are_another_format_not_a_typo(cli, tmp_path):
    properties = {"Family": "web", "ContainerDefinitions": [{"Name": "web", "Image": "nginx"}]}
    (tmp_path / "properties.json").write_text(json.dumps(properties))
    assert cli("lint", ".") == (0, "No problems found in 0 files.\n", "")
