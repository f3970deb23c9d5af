"""What AWS rejects at registration (rules/registration.py), and the sizes AWS itself writes."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, good_container, good_taskdef

CORPUS = DATA / "corpus" / "taskdefs"


def only(findings, name):
    picked = [f for f in findings if f.name == name]
    assert len(picked) == 1, [(f.name, f.message) for f in findings]
    return picked[0]


def named(findings, name):
    return [f for f in findings if f.name == name]


def sidecar(**overrides) -> dict:
    """An OpenTelemetry collector beside the app, as the ADOT documentation runs it."""
    container = good_container(
        name="otel",
        image="public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
        essential=False,
        portMappings=[{"containerPort": 4317, "protocol": "tcp"}],
    )
    container.update(overrides)
    return container


def ec2_bridge_task(*containers: dict) -> dict:
    """An EC2 task definition in bridge mode, where links are allowed."""
    return {
        "family": "wordpress",
        "requiresCompatibilities": ["EC2"],
        "networkMode": "bridge",
        "containerDefinitions": list(containers),
    }


# --- ECS306 duplicate-container-name -----------------------------------------------------------


def test_a_copied_sidecar_that_kept_the_name_is_a_duplicate(linter):
    document = good_taskdef(containerDefinitions=[good_container(), sidecar(name="web")])
    finding = only(linter.findings(document), "duplicate-container-name")
    assert finding.location.pointer == "/containerDefinitions/1/name"
    assert finding.severity == "error"
    assert "'web'" in finding.message


def test_distinct_or_templated_names_are_not_duplicates(linter):
    document = good_taskdef(containerDefinitions=[good_container(), sidecar()])
    assert named(linter.findings(document), "duplicate-container-name") == []
    templated = good_taskdef(
        containerDefinitions=[good_container(name="${APP}"), sidecar(name="${APP}")]
    )
    assert named(linter.findings(templated), "duplicate-container-name") == []


# --- ECS307 unknown-container-reference ---------------------------------------------------------


def test_depends_on_a_renamed_sidecar(linter):
    app = good_container(dependsOn=[{"containerName": "otel-collector", "condition": "START"}])
    finding = only(
        linter.findings(good_taskdef(containerDefinitions=[app, sidecar()])),
        "unknown-container-reference",
    )
    assert finding.location.pointer == "/containerDefinitions/0/dependsOn/0/containerName"
    assert finding.message == (
        "container 'web' dependsOn names container 'otel-collector', which the task does not "
        "have (its containers: 'otel', 'web')"
    )


def test_links_with_an_alias_and_volumes_from_are_resolved(linter):
    wordpress = {
        "name": "wordpress",
        "image": "wordpress:6.6.2",
        "memory": 500,
        "links": ["mysql:db", "redis"],
        "volumesFrom": [{"sourceContainer": "uploads", "readOnly": True}],
    }
    mysql = {"name": "mysql", "image": "mysql:8.4.2", "memory": 500}
    findings = named(
        linter.findings(ec2_bridge_task(wordpress, mysql)), "unknown-container-reference"
    )
    assert [f.location.pointer for f in findings] == [
        "/containerDefinitions/0/links/1",
        "/containerDefinitions/0/volumesFrom/0/sourceContainer",
    ]
    assert "links names container 'redis'" in findings[0].message
    assert "volumesFrom names container 'uploads'" in findings[1].message


def test_awsfirelens_without_a_log_router(linter):
    app = good_container(
        logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}
    )
    finding = only(
        linter.findings(good_taskdef(containerDefinitions=[app])), "unknown-container-reference"
    )
    assert finding.location.pointer == "/containerDefinitions/0/logConfiguration/logDriver"
    assert "no container of the task has a firelensConfiguration" in finding.message


@pytest.mark.parametrize("name", ["005.json", "007.json", "008.json", "010.json"])
def test_real_firelens_and_sidecar_tasks_resolve_every_reference(linter, name):
    text = (CORPUS / name).read_text(encoding="utf-8")
    assert "awsfirelens" in text
    assert named(linter.findings(text), "unknown-container-reference") == []


def test_references_are_not_judged_when_a_container_name_is_templated(linter):
    app = good_container(dependsOn=[{"containerName": "envoy", "condition": "HEALTHY"}])
    document = good_taskdef(containerDefinitions=[app, sidecar(name="{{ mesh_proxy }}")])
    assert named(linter.findings(document), "unknown-container-reference") == []


# --- ECS308 unknown-volume-reference ------------------------------------------------------------


def test_mount_point_of_an_undeclared_volume(linter):
    app = good_container(mountPoints=[{"sourceVolume": "tmp", "containerPath": "/tmp"}])
    document = good_taskdef(containerDefinitions=[app], volumes=[{"name": "scratch"}])
    finding = only(linter.findings(document), "unknown-volume-reference")
    assert finding.location.pointer == "/containerDefinitions/0/mountPoints/0/sourceVolume"
    assert finding.message == (
        "container 'web' mounts volume 'tmp', which the task does not declare "
        "(its volumes: 'scratch')"
    )


def test_mount_point_with_no_volumes_at_all(linter):
    app = good_container(mountPoints=[{"sourceVolume": "tmp", "containerPath": "/tmp"}])
    finding = only(
        linter.findings(good_taskdef(containerDefinitions=[app])), "unknown-volume-reference"
    )
    assert finding.message.endswith("(its volumes: none)")


def test_declared_or_templated_volumes_are_quiet(linter):
    app = good_container(mountPoints=[{"sourceVolume": "tmp", "containerPath": "/tmp"}])
    declared = good_taskdef(containerDefinitions=[app], volumes=[{"name": "tmp"}])
    assert named(linter.findings(declared), "unknown-volume-reference") == []
    templated = good_taskdef(containerDefinitions=[app], volumes=[{"name": "${VOLUME}"}])
    assert named(linter.findings(templated), "unknown-volume-reference") == []


def test_real_efs_task_mounts_what_it_declares(linter):
    text = (CORPUS / "008.json").read_text(encoding="utf-8")
    assert "sourceVolume" in text
    assert named(linter.findings(text), "unknown-volume-reference") == []


# --- ECS309 container-resources-exceed-task -----------------------------------------------------


def test_container_cpu_adds_up_to_more_than_the_task(linter):
    document = good_taskdef(
        cpu="0.5 vCPU",
        memory="1 GB",
        containerDefinitions=[good_container(cpu=384), sidecar(cpu=256)],
    )
    finding = only(linter.findings(document), "container-resources-exceed-task")
    assert finding.location.pointer == "/cpu"
    assert finding.message == (
        "the containers' cpu adds up to 640 CPU units (web 384, otel 256), more than the "
        "task's 0.5 vCPU (512 CPU units)"
    )


def test_reserved_memory_is_the_soft_limit_where_one_is_set(linter):
    # Hard limits add up to 3 GB, reservations to 2 GB: the task's 2 GB holds them.
    fits = good_taskdef(
        cpu="1024",
        memory="2 GB",
        containerDefinitions=[
            good_container(memory=2048, memoryReservation=1536),
            sidecar(memory=1024, memoryReservation=512),
        ],
    )
    assert named(linter.findings(fits), "container-resources-exceed-task") == []
    # Without the soft limit the hard limit is what the sidecar reserves.
    over = good_taskdef(
        cpu="1024",
        memory="2 GB",
        containerDefinitions=[good_container(memoryReservation=1536), sidecar(memory=1024)],
    )
    finding = only(linter.findings(over), "container-resources-exceed-task")
    assert finding.location.pointer == "/memory"
    assert "adds up to 2560 MiB (web 1536, otel 1024)" in finding.message
    assert "the task's 2 GB (2048 MiB)" in finding.message


def test_equal_totals_and_templated_values_are_quiet(linter):
    equal = good_taskdef(
        cpu="512",
        memory="1024",
        containerDefinitions=[good_container(cpu=256, memory=512), sidecar(cpu=256, memory=512)],
    )
    assert named(linter.findings(equal), "container-resources-exceed-task") == []
    templated = good_taskdef(
        cpu="256",
        memory="512",
        containerDefinitions=[good_container(cpu="${APP_CPU}"), sidecar(cpu=256)],
    )
    assert named(linter.findings(templated), "container-resources-exceed-task") == []


# --- ECS310 fargate-unsupported-parameter -------------------------------------------------------


@pytest.mark.parametrize(
    ("container", "pointer", "words"),
    [
        ({"privileged": True}, "/containerDefinitions/0/privileged", "privileged containers"),
        ({"links": ["otel"]}, "/containerDefinitions/0/links", "links"),
        (
            {"dockerSecurityOptions": ["no-new-privileges"]},
            "/containerDefinitions/0/dockerSecurityOptions",
            "dockerSecurityOptions",
        ),
        (
            {"linuxParameters": {"devices": [{"hostPath": "/dev/fuse"}]}},
            "/containerDefinitions/0/linuxParameters/devices",
            "host devices",
        ),
        (
            {"linuxParameters": {"capabilities": {"add": ["SYS_PTRACE", "NET_ADMIN"]}}},
            "/containerDefinitions/0/linuxParameters/capabilities/add/1",
            "adding the NET_ADMIN capability",
        ),
    ],
)
def test_container_parameters_fargate_rejects(linter, container, pointer, words):
    document = good_taskdef(containerDefinitions=[good_container(**container), sidecar()])
    finding = only(linter.findings(document), "fargate-unsupported-parameter")
    assert finding.location.pointer == pointer
    assert finding.severity == "error"
    assert words in finding.message and finding.message.endswith("registration fails")


@pytest.mark.parametrize(
    ("task", "pointer"),
    [
        ({"pidMode": "host"}, "/pidMode"),
        ({"ipcMode": "task"}, "/ipcMode"),
        (
            {"placementConstraints": [{"type": "memberOf", "expression": "attribute:gpu"}]},
            "/placementConstraints",
        ),
    ],
)
def test_task_parameters_fargate_rejects(linter, task, pointer):
    finding = only(linter.findings(good_taskdef(**task)), "fargate-unsupported-parameter")
    assert finding.location.pointer == pointer


def test_what_fargate_supports_is_quiet(linter):
    document = good_taskdef(
        pidMode="task",
        placementConstraints=[],
        containerDefinitions=[
            good_container(
                privileged=False,
                links=[],
                linuxParameters={"capabilities": {"add": ["SYS_PTRACE"], "drop": ["ALL"]}},
            )
        ],
    )
    assert named(linter.findings(document), "fargate-unsupported-parameter") == []


def test_the_same_parameters_on_ec2_are_not_registration_errors(linter):
    document = good_taskdef(
        requiresCompatibilities=["EC2"],
        pidMode="host",
        containerDefinitions=[good_container(privileged=True)],
    )
    names = [f.name for f in linter.findings(document)]
    assert "fargate-unsupported-parameter" not in names
    assert {"privileged-container", "host-pid-namespace"} <= set(names)


def test_privileged_on_fargate_is_both_a_risk_and_a_rejection_in_different_words(linter):
    findings = linter.findings(good_taskdef(containerDefinitions=[good_container(privileged=True)]))
    risk, rejected = (
        only(findings, "privileged-container"),
        only(findings, "fargate-unsupported-parameter"),
    )
    assert risk.location.pointer == rejected.location.pointer
    assert risk.message != rejected.message
    assert "Fargate does not support" in rejected.message


# --- ECS311 task-definition-too-large -----------------------------------------------------------


def _with_feature_flags(count: int) -> dict:
    """A task whose environment carries ``count`` feature flags, 64 bytes each in compact JSON."""
    flags = [
        {"name": f"FEATURE_{n:04d}", "value": "enabled-for-every-tenant-x"} for n in range(count)
    ]
    return good_taskdef(containerDefinitions=[good_container(environment=flags)])


def test_a_task_definition_over_64_kib_is_rejected(linter):
    finding = only(linter.findings(_with_feature_flags(1100)), "task-definition-too-large")
    assert finding.location.pointer == ""
    assert "over the 65,536 bytes (64 KiB)" in finding.message


def test_indentation_does_not_count(linter):
    document = _with_feature_flags(900)
    text = json.dumps(document, indent=8)
    assert len(text.encode()) > 65_536  # on disk, but not as the CLI sends it
    compact = len(json.dumps(document, separators=(",", ":")).encode())
    assert compact < 65_536
    assert named(linter.findings(text), "task-definition-too-large") == []


# --- sizes as AWS writes them -------------------------------------------------------------------


def test_sizes_without_a_leading_zero_are_fargate_sizes(linter):
    findings = linter.findings(good_taskdef(cpu=".25 vcpu", memory=".5 gb"))
    assert named(findings, "invalid-fargate-size") == []


def test_sizes_without_a_leading_zero_that_do_not_pair_are_reported(linter):
    finding = only(
        linter.findings(good_taskdef(cpu=".25 vcpu", memory="4 gb")), "invalid-fargate-size"
    )
    assert finding.message.startswith("0.25 vCPU with 4 GB is not a Fargate size")


def test_cost_reads_sizes_without_a_leading_zero(cli, tmp_path):
    path = tmp_path / "td.json"
    path.write_text(json.dumps(good_taskdef(cpu=".25 vcpu", memory=".5 gb")))
    code, out, err = cli("cost", str(path), "--format", "json", "--region", "us-east-1")
    assert code == 0, err
    size = json.loads(out)["size"]
    assert (size["cpu"], size["memory"]) == (256, 512)
    code, out, err = cli("cost", "--cpu", ".25 vcpu", "--memory", ".5 gb", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["size"]["cpu"] == 256
