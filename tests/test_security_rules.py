"""The security controls (rules/security.py): hits, misses, and values nobody knows yet."""

from __future__ import annotations

import json
import textwrap

import pytest
from conftest import good_container, good_service, good_taskdef

from advisor.config import Settings
from advisor.engine import check_resources, settings_rules
from advisor.model import Cluster, Document
from advisor.values import mark_unknowns


def names(findings) -> list[str]:
    return sorted(f.name for f in findings)


def only(findings, name):
    picked = [f for f in findings if f.name == name]
    assert len(picked) == 1, [(f.name, f.message) for f in findings]
    return picked[0]


def taskdef_with(**container) -> dict:
    return good_taskdef(containerDefinitions=[good_container(**container)])


def windows_taskdef(**container) -> dict:
    document = taskdef_with(**container)
    document["runtimePlatform"] = {"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"}
    document["cpu"], document["memory"] = "1024", "2048"
    return document


# --- ECS801 privileged-container ------------------------------------------------------------


def test_privileged_container_hits_on_the_key(linter):
    finding = only(linter.findings(taskdef_with(privileged=True)), "privileged-container")
    assert finding.location.pointer == "/containerDefinitions/0/privileged"
    assert finding.severity == "warning"


@pytest.mark.parametrize("value", [False, "${PRIV}", "{{ privileged }}"])
def test_privileged_false_or_unknown_is_quiet(linter, value):
    assert linter.codes(taskdef_with(privileged=value)) == []


# --- ECS802 root-user ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["root", "0", "0:0", "root:root", "0:1000", "ROOT"])
def test_root_users_hit(linter, user):
    finding = only(linter.findings(taskdef_with(user=user)), "root-user")
    assert finding.location.pointer == "/containerDefinitions/0/user"
    assert finding.severity == "info"


def test_no_user_hits_on_the_container_and_says_the_image_decides(linter):
    container = good_container()
    del container["user"]
    finding = only(linter.findings(good_taskdef(containerDefinitions=[container])), "root-user")
    assert finding.location.pointer == "/containerDefinitions/0"
    assert "image" in finding.message


@pytest.mark.parametrize("user", ["1000", "1000:0", "nginx", "${APP_USER}", "<USER>"])
def test_non_root_or_unknown_users_are_quiet(linter, user):
    assert "root-user" not in linter.codes(taskdef_with(user=user))


def test_root_user_leaves_windows_and_unknown_platforms_alone(linter):
    assert "root-user" not in linter.codes(windows_taskdef(user="0"))
    document = taskdef_with(user="0")
    document["runtimePlatform"] = {"operatingSystemFamily": "${OS_FAMILY}"}
    assert "root-user" not in linter.codes(document)


def test_root_user_judges_terraform_container_lists(linter):
    container = good_container()
    del container["user"]
    assert "root-user" in linter.codes([container], name="containers.json")


# --- ECS803 windows-admin-user ------------------------------------------------------------------


@pytest.mark.parametrize("user", ["ContainerAdministrator", "containeradministrator"])
def test_windows_administrator_hits(linter, user):
    finding = only(linter.findings(windows_taskdef(user=user)), "windows-admin-user")
    assert finding.location.pointer == "/containerDefinitions/0/user"


def test_windows_without_user_hits_and_container_user_is_quiet(linter):
    document = windows_taskdef()
    del document["containerDefinitions"][0]["user"]
    assert "windows-admin-user" in linter.codes(document)
    assert "windows-admin-user" not in linter.codes(windows_taskdef(user="ContainerUser"))
    assert "windows-admin-user" not in linter.codes(windows_taskdef(user="${WIN_USER}"))


def test_windows_admin_user_leaves_linux_alone(linter):
    assert "windows-admin-user" not in linter.codes(taskdef_with(user="ContainerAdministrator"))


# --- ECS804 writable-root-filesystem ----------------------------------------------------------


def test_writable_root_filesystem_hits_when_false_or_absent(linter):
    finding = only(
        linter.findings(taskdef_with(readonlyRootFilesystem=False)), "writable-root-filesystem"
    )
    assert finding.location.pointer == "/containerDefinitions/0/readonlyRootFilesystem"
    container = good_container()
    del container["readonlyRootFilesystem"]
    finding = only(
        linter.findings(good_taskdef(containerDefinitions=[container])), "writable-root-filesystem"
    )
    assert finding.location.pointer == "/containerDefinitions/0"


def test_writable_root_filesystem_is_quiet_when_unknown_or_windows(linter):
    assert linter.codes(taskdef_with(readonlyRootFilesystem="${READ_ONLY}")) == []
    document = windows_taskdef(user="ContainerUser")
    del document["containerDefinitions"][0]["readonlyRootFilesystem"]
    assert "writable-root-filesystem" not in linter.codes(document)


# --- ECS805 host-pid-namespace and ECS806 host-network-mode -----------------------------------


def test_host_pid_mode_hits_and_task_or_unknown_does_not(linter):
    finding = only(linter.findings(good_taskdef(pidMode="host")), "host-pid-namespace")
    assert finding.location.pointer == "/pidMode"
    assert "host-pid-namespace" not in linter.codes(good_taskdef(pidMode="task"))
    assert "host-pid-namespace" not in linter.codes(good_taskdef(pidMode="${PID_MODE}"))


def ec2_taskdef(mode: str, *containers: dict) -> dict:
    document = good_taskdef(networkMode=mode, containerDefinitions=list(containers))
    document["requiresCompatibilities"] = ["EC2"]
    return document


def test_host_network_names_the_containers_that_run_as_root_in_it(linter):
    root = good_container(name="agent", user="0")
    unset = good_container(name="sidecar")
    del unset["user"]
    privileged = good_container(name="daemon", user="0", privileged=True)
    safe = good_container(name="app", user="1000")
    findings = linter.findings(ec2_taskdef("host", root, unset, privileged, safe))
    finding = only(findings, "host-network-mode")
    assert finding.location.pointer == "/networkMode"
    assert "'agent', 'sidecar' run as root" in finding.message
    assert "'daemon'" not in finding.message and "'app'" not in finding.message


def test_host_network_without_root_says_only_the_mode(linter):
    finding = only(
        linter.findings(ec2_taskdef("host", good_container(user="1000"))), "host-network-mode"
    )
    assert "root" not in finding.message
    one = good_container(name="agent", user="root")
    finding = only(linter.findings(ec2_taskdef("host", one)), "host-network-mode")
    assert finding.message.endswith("; and 'agent' runs as root in it")


@pytest.mark.parametrize("mode", ["awsvpc", "bridge", "${NETWORK_MODE}"])
def test_other_network_modes_are_quiet(linter, mode):
    assert "host-network-mode" not in linter.codes(ec2_taskdef(mode, good_container()))


# --- ECS807 service-public-ip -----------------------------------------------------------------


def service_with_public_ip(value) -> dict:
    network = {"awsvpcConfiguration": {"subnets": ["subnet-0abc1234"], "assignPublicIp": value}}
    return good_service(networkConfiguration=network)


def test_service_public_ip_hits_on_the_key(linter):
    finding = only(
        linter.findings(service_with_public_ip("ENABLED"), name="service.json"),
        "service-public-ip",
    )
    assert finding.location.pointer == "/networkConfiguration/awsvpcConfiguration/assignPublicIp"
    assert finding.severity == "warning"


@pytest.mark.parametrize("value", ["DISABLED", "${ASSIGN_PUBLIC_IP}"])
def test_service_without_public_ip_is_quiet(linter, value):
    assert linter.codes(service_with_public_ip(value), name="service.json") == []


def test_task_sets_in_describe_services_output_are_judged(linter):
    public = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "ENABLED"}}
    private = {"awsvpcConfiguration": {"subnets": ["subnet-1"], "assignPublicIp": "DISABLED"}}
    service = good_service(
        deploymentController={"type": "EXTERNAL"},
        taskSets=[
            {"id": "ecs-svc/111", "networkConfiguration": private},
            {"id": "ecs-svc/222", "networkConfiguration": public},
        ],
    )
    service["serviceArn"] = "arn:aws:ecs:us-east-1:123456789012:service/prod/web"
    findings = linter.findings({"services": [service]}, name="services.json")
    finding = only(findings, "service-public-ip")
    assert finding.location.pointer == (
        "/services/0/taskSets/1/networkConfiguration/awsvpcConfiguration/assignPublicIp"
    )
    assert "task set ecs-svc/222" in finding.message


# --- ECS808 efs-transit-encryption-disabled ------------------------------------------------


def efs_taskdef(**efs) -> dict:
    volume = {"name": "data", "efsVolumeConfiguration": {"fileSystemId": "fs-0abc1234", **efs}}
    return good_taskdef(volumes=[volume])


def test_efs_without_transit_encryption_hits(linter):
    finding = only(linter.findings(efs_taskdef()), "efs-transit-encryption-disabled")
    assert finding.location.pointer == "/volumes/0/efsVolumeConfiguration"
    finding = only(
        linter.findings(efs_taskdef(transitEncryption="DISABLED")),
        "efs-transit-encryption-disabled",
    )
    assert finding.location.pointer == "/volumes/0/efsVolumeConfiguration/transitEncryption"


@pytest.mark.parametrize("value", ["ENABLED", "${TRANSIT}"])
def test_efs_with_transit_encryption_or_unknown_is_quiet(linter, value):
    assert linter.codes(efs_taskdef(transitEncryption=value)) == []


def test_volumes_that_are_not_efs_are_quiet(linter):
    assert linter.codes(good_taskdef(volumes=[{"name": "scratch"}])) == []


# --- ECS809 container-insights-disabled --------------------------------------------------------
# Clusters are built here until the JSON source recognizes create-cluster input.


def cluster_findings(data: dict):
    text = json.dumps(data, indent=2)
    document = Document("cluster.json", text, mark_unknowns(json.loads(text)))
    settings = Settings()
    resource = Cluster(document, "", document.data)
    return check_resources([resource], settings_rules(settings), settings.rule_options())


def insights(value) -> dict:
    return {
        "clusterName": "prod",
        "settings": [{"name": "containerInsights", "value": value}],
        "tags": [{"key": "team", "value": "platform"}],
    }


def test_container_insights_disabled_hits_on_the_value():
    [finding] = cluster_findings(insights("disabled"))
    assert (finding.name, finding.location.pointer) == (
        "container-insights-disabled",
        "/settings/0/value",
    )
    assert finding.severity == "info" and finding.resource == "prod"


def test_a_cluster_without_the_setting_hits_and_names_the_account_default():
    [finding] = cluster_findings({"clusterName": "prod", "tags": [{"key": "team", "value": "x"}]})
    assert finding.location.pointer == ""
    assert "account default" in finding.message


@pytest.mark.parametrize("value", ["enabled", "enhanced", "${INSIGHTS}"])
def test_container_insights_on_or_unknown_is_quiet(value):
    assert cluster_findings(insights(value)) == []


# --- ECS810 fargate-platform-version-not-latest ------------------------------------------------


def test_a_pinned_fargate_service_hits_on_the_version(linter):
    finding = only(
        linter.findings(good_service(platformVersion="1.3.0"), name="service.json"),
        "fargate-platform-version-not-latest",
    )
    assert finding.location.pointer == "/platformVersion"
    assert finding.severity == "info" and "1.3.0" in finding.message


def test_fargate_capacity_providers_count_as_fargate(linter):
    service = good_service(
        platformVersion="1.4.0",
        capacityProviderStrategy=[
            {"capacityProvider": "FARGATE", "weight": 1},
            {"capacityProvider": "FARGATE_SPOT", "weight": 3},
        ],
    )
    del service["launchType"]
    assert "fargate-platform-version-not-latest" in linter.codes(service, name="service.json")


@pytest.mark.parametrize(
    "overrides",
    [
        {"platformVersion": "LATEST"},
        {},
        {"platformVersion": "${PLATFORM_VERSION}"},
        {"platformVersion": "1.3.0", "launchType": "EC2"},
        {"platformVersion": "1.3.0", "launchType": "${LAUNCH_TYPE}"},
    ],
)
def test_latest_unpinned_unknown_or_not_fargate_is_quiet(linter, overrides):
    service = good_service(**overrides)
    assert "fargate-platform-version-not-latest" not in linter.codes(service, name="service.json")


def test_a_pinned_run_task_call_in_python_hits(linter):
    code = textwrap.dedent(
        """
        import boto3

        ecs = boto3.client("ecs")
        ecs.run_task(taskDefinition="report:4", launchType="FARGATE", platformVersion="1.3.0",
                     enableECSManagedTags=True, propagateTags="TASK_DEFINITION")
        ecs.run_task(taskDefinition="report:4", launchType="FARGATE", platformVersion=version,
                     enableECSManagedTags=True, propagateTags="TASK_DEFINITION")
        """
    )
    findings = linter.findings(code, name="jobs.py")
    assert [(f.name, f.location.line) for f in findings] == [
        ("fargate-platform-version-not-latest", 5)
    ]


# --- ECS811 task-role-same-as-execution-role -----------------------------------------------------

EXECUTION = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"


@pytest.mark.parametrize(
    "task_role",
    [
        EXECUTION,
        "ecsTaskExecutionRole",
        "arn:aws:iam::123456789012:role/service/ecsTaskExecutionRole",
    ],
)
def test_one_role_for_both_hits(linter, task_role):
    finding = only(
        linter.findings(good_taskdef(taskRoleArn=task_role)), "task-role-same-as-execution-role"
    )
    assert finding.location.pointer == "/taskRoleArn"
    assert "ecsTaskExecutionRole" in finding.message


def test_two_roles_are_quiet(linter):
    document = good_taskdef(taskRoleArn="arn:aws:iam::123456789012:role/web-task")
    assert linter.codes(document) == []
    assert linter.codes(good_taskdef()) == []  # no task role at all


def test_the_same_template_text_is_the_same_role_and_different_ones_are_not_judged(linter):
    same = "arn:aws:iam::${ACCOUNT_ID}:role/ecsTaskExecutionRole"
    document = good_taskdef(taskRoleArn=same, executionRoleArn=same)
    assert linter.codes(document) == ["task-role-same-as-execution-role"]
    document = good_taskdef(taskRoleArn="${TASK_ROLE}", executionRoleArn="${EXECUTION_ROLE}")
    assert linter.codes(document) == []
    assert linter.codes(good_taskdef(taskRoleArn="${TASK_ROLE}")) == []


# --- severities: the defaults a gate on warning lets through ------------------------------------


def test_controls_that_judge_defaults_do_not_fail_the_default_gate(cli, tmp_path):
    container = good_container()
    del container["user"], container["readonlyRootFilesystem"]
    (tmp_path / "task.json").write_text(json.dumps(good_taskdef(containerDefinitions=[container])))
    code, out, _ = cli("lint", "task.json")
    assert code == 0
    assert "ECS802" in out and "ECS804" in out
    code, _, _ = cli("lint", "--fail-on", "info", "task.json")
    assert code == 1
