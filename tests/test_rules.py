"""Hits and misses for each rule, with the locations a user is sent to."""

from __future__ import annotations

import json

import pytest
from conftest import good_container, good_service, good_taskdef


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def only(findings, name):
    picked = [f for f in findings if f.name == name]
    assert len(picked) == 1, [(f.name, f.message) for f in findings]
    return picked[0]


# --- good configurations stay quiet -------------------------------------------------------


def test_good_fargate_task_definition_has_no_findings(linter):
    assert linter.findings(good_taskdef()) == []


def test_good_service_has_no_findings(linter):
    assert linter.findings(good_service(), name="service.json") == []


def test_describe_task_definition_output_has_no_findings(linter):
    described = good_taskdef(
        taskDefinitionArn="arn:aws:ecs:us-east-1:123456789012:task-definition/web:3",
        revision=3,
        status="ACTIVE",
        compatibilities=["EC2", "FARGATE"],
        requiresAttributes=[{"name": "com.amazonaws.ecs.capability.logging-driver.awslogs"}],
        registeredAt="2026-11-02T08:14:55.120000+00:00",
        registeredBy="arn:aws:sts::123456789012:assumed-role/deployer/ci",
    )
    assert linter.findings({"taskDefinition": described, "tags": []}) == []


def described_service(name: str, **overrides) -> dict:
    service = good_service(serviceName=name, **overrides)
    service.pop("cluster")
    service["clusterArn"] = "arn:aws:ecs:us-east-1:123456789012:cluster/prod"
    service["serviceArn"] = f"arn:aws:ecs:us-east-1:123456789012:service/prod/{name}"
    service["runningCount"] = 1
    service["status"] = "ACTIVE"
    service["events"] = [{"id": "e1", "createdAt": 1730000000.5, "message": "steady state"}]
    return service


def test_describe_services_output_is_checked_per_service(linter):
    services = {
        "services": [
            described_service("web"),
            described_service("worker", enableECSManagedTags=False, propagateTags="NONE"),
        ],
        "failures": [],
    }
    findings = linter.findings(services, name="services.json")
    assert sorted(f.name for f in findings) == [
        "service-tags-not-propagated",
        "service-without-managed-tags",
    ]
    assert {f.resource for f in findings} == {"prod/worker"}
    assert {f.location.pointer for f in findings} == {
        "/services/1/enableECSManagedTags",
        "/services/1/propagateTags",
    }


# --- schema rules -------------------------------------------------------------------------


def test_unknown_field_suggests_the_right_key_and_points_at_it(linter):
    doc = good_taskdef(containerDefinitions=[good_container(portMapping=[{"containerPort": 80}])])
    text = json.dumps(doc, indent=2)
    finding = only(linter.findings(text), "unknown-field")
    assert "did you mean 'portMappings'" in finding.message
    assert finding.location.line == line_of(text, '"portMapping":')
    assert finding.location.pointer == "/containerDefinitions/0/portMapping"
    assert finding.severity == "error"


def test_unknown_field_at_the_wrong_level_names_its_owner(linter):
    doc = good_taskdef(logConfiguration={"logDriver": "awslogs"})
    finding = only(linter.findings(doc), "unknown-field")
    assert "ContainerDefinition" in finding.message


def test_invalid_types_and_enums_are_reported_with_the_aws_path(linter):
    container = good_container(portMappings=[{"containerPort": "80"}])
    doc = good_taskdef(networkMode="AWSVPC", containerDefinitions=[container])
    messages = [f.message for f in linter.findings(doc) if f.name == "invalid-field-value"]
    assert any("containerDefinitions[0].portMappings[0].containerPort" in m for m in messages)
    assert any("did you mean 'awsvpc'" in m for m in messages)


def test_lengths_from_the_model_are_checked(linter):
    doc = good_taskdef(tags=[{"key": "", "value": "x"}, {"key": "k" * 129, "value": "y"}])
    messages = sorted(f.message for f in linter.findings(doc) if f.name == "invalid-field-value")
    assert messages == [
        "tags[0].key must be 1 to 128 characters long",
        "tags[1].key must be 1 to 128 characters long",
    ]


def test_unit_strings_are_valid_cpu_and_memory(linter):
    for cpu, memory in (("1 vCPU", "2 GB"), ("0.25 vcpu", "0.5GB"), ("1024", "2048")):
        assert linter.findings(good_taskdef(cpu=cpu, memory=memory)) == []


def test_missing_required_field_points_at_the_object_that_should_hold_it(linter):
    doc = good_taskdef(containerDefinitions=[{"name": "web", "essential": True}])
    doc.pop("family")
    text = json.dumps(doc, indent=2)
    findings = [f for f in linter.findings(text) if f.name == "missing-required-field"]
    by_pointer = {f.location.pointer: f for f in findings}
    assert set(by_pointer) == {"", "/containerDefinitions/0"}
    assert "family" in by_pointer[""].message
    assert "image" in by_pointer["/containerDefinitions/0"].message
    assert by_pointer["/containerDefinitions/0"].location.line == line_of(text, '"name": "web"') - 1


def test_null_values_mean_unset(linter):
    doc = good_taskdef(pidMode=None, ipcMode=None, inferenceAccelerators=None)
    assert linter.findings(doc) == []


def test_output_only_fields_in_a_registration_file(linter):
    doc = good_taskdef(
        taskDefinitionArn="arn:aws:ecs:us-east-1:1:task-definition/web:1", revision=1
    )
    finding = only(linter.findings(doc), "output-only-field")
    assert "taskDefinitionArn" in finding.message and "revision" in finding.message
    assert not [f for f in linter.findings(doc) if f.name == "unknown-field"]


def test_output_only_service_fields_in_a_create_service_file(linter):
    doc = good_service(serviceArn="arn:aws:ecs:us-east-1:1:service/prod/web", runningCount=2)
    finding = only(linter.findings(doc, name="svc.json"), "output-only-field")
    assert "create-service" in finding.message


# --- placeholders -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["<IMAGE1_NAME>", "${IMAGE}", "$$$IMAGE$$$", "{{ image }}", "#{Image}", "CHANGEME_IMAGE"],
)
def test_placeholder_images_are_never_reported(linter, value):
    doc = good_taskdef(containerDefinitions=[good_container(image=value)])
    assert linter.findings(doc) == []


def test_placeholders_in_typed_and_sized_fields_are_left_alone(linter):
    container = good_container(
        portMappings=[{"containerPort": "${PORT}"}], essential="${ESSENTIAL}"
    )
    doc = good_taskdef(
        cpu="${CPU}",
        memory="$$$MEMORY$$$",
        networkMode="${NETWORK_MODE}",
        executionRoleArn="arn:aws:iam::XXXXXXXXXXXX:role/exec",
        containerDefinitions=[container],
    )
    assert linter.findings(doc) == []


# --- logging ------------------------------------------------------------------------------


def test_missing_log_configuration_points_at_the_container(linter):
    container = good_container()
    container.pop("logConfiguration")
    text = json.dumps(good_taskdef(containerDefinitions=[container]), indent=2)
    finding = only(linter.findings(text), "missing-log-configuration")
    assert finding.location.pointer == "/containerDefinitions/0"
    assert finding.severity == "warning"


def test_firelens_counts_as_a_log_configuration(linter):
    container = good_container(
        logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}}
    )
    router = good_container(
        name="log_router",
        image="public.ecr.aws/aws-observability/aws-for-fluent-bit:2.32.4",
        firelensConfiguration={"type": "fluentbit"},
        portMappings=[],
    )
    assert linter.codes(good_taskdef(containerDefinitions=[router, container])) == []


def test_missing_stream_prefix_is_an_error_on_fargate_and_a_warning_elsewhere(linter):
    container = good_container()
    del container["logConfiguration"]["options"]["awslogs-stream-prefix"]
    fargate = only(
        linter.findings(good_taskdef(containerDefinitions=[container])),
        "awslogs-missing-stream-prefix",
    )
    assert fargate.severity == "error"
    assert fargate.location.pointer == "/containerDefinitions/0/logConfiguration/options"
    ec2 = good_taskdef(requiresCompatibilities=["EC2"], containerDefinitions=[container])
    assert only(linter.findings(ec2), "awslogs-missing-stream-prefix").severity == "warning"


def test_awslogs_without_options_is_incomplete_and_unprefixed(linter):
    container = good_container(logConfiguration={"logDriver": "awslogs"})
    names = linter.codes(good_taskdef(containerDefinitions=[container]))
    assert "awslogs-incomplete-options" in names
    assert "awslogs-missing-stream-prefix" in names


def test_awslogs_region_missing_is_named(linter):
    container = good_container()
    del container["logConfiguration"]["options"]["awslogs-region"]
    finding = only(
        linter.findings(good_taskdef(containerDefinitions=[container])),
        "awslogs-incomplete-options",
    )
    assert "awslogs-region" in finding.message and "awslogs-group" not in finding.message


# --- Fargate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cpu", "memory"),
    [
        ("256", "512"),
        ("256", "2048"),
        ("4096", "30720"),
        ("8192", "61440"),
        ("16384", "122880"),
        ("32768", "249856"),
        ("32 vCPU", "60 GB"),
        ("2 vcpu", "16gb"),
    ],
)
def test_valid_fargate_sizes(linter, cpu, memory):
    assert "invalid-fargate-size" not in linter.codes(good_taskdef(cpu=cpu, memory=memory))


@pytest.mark.parametrize(
    ("cpu", "memory", "expected"),
    [
        ("256", "4096", "with 0.25 vCPU use 512 MiB, 1 GB, 2 GB"),
        ("1024", "1024", "with 1 vCPU use 2 GB to 8 GB in 1 GB steps"),
        ("8192", "18432", "16 GB to 60 GB in 4 GB steps"),
        ("32768", "131072", "60 GB, 120 GB, 244 GB"),
        ("384", "1024", "not a Fargate CPU size"),
        ("lots", "1024", "not a CPU value"),
    ],
)
def test_invalid_fargate_sizes_say_what_is_valid(linter, cpu, memory, expected):
    finding = only(linter.findings(good_taskdef(cpu=cpu, memory=memory)), "invalid-fargate-size")
    assert expected in finding.message


def test_fargate_without_task_size(linter):
    doc = good_taskdef()
    del doc["cpu"], doc["memory"]
    finding = only(linter.findings(doc), "invalid-fargate-size")
    assert "cpu and memory" in finding.message
    assert finding.location.pointer == ""


@pytest.mark.parametrize(
    ("cpu", "memory", "ok"),
    [
        ("512", "1024", False),
        ("8192", "16384", False),
        ("1024", "2048", True),
        ("4096", "30720", True),
    ],
)
def test_windows_fargate_sizes(linter, cpu, memory, ok):
    doc = good_taskdef(
        cpu=cpu,
        memory=memory,
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
    )
    found = [f for f in linter.findings(doc) if f.name == "invalid-fargate-size"]
    if ok:
        assert found == []
    else:
        assert (
            "Windows on Fargate runs 1, 2 or 4 vCPU" in only(found, "invalid-fargate-size").message
        )


def test_ec2_task_sizes_are_not_judged_as_fargate(linter):
    doc = good_taskdef(requiresCompatibilities=["EC2"], cpu="384", memory="700")
    assert "invalid-fargate-size" not in linter.codes(doc)


def test_fargate_requires_awsvpc(linter):
    doc = good_taskdef(networkMode="bridge")
    assert only(linter.findings(doc), "fargate-requires-awsvpc").location.pointer == "/networkMode"
    doc.pop("networkMode")
    assert only(linter.findings(doc), "fargate-requires-awsvpc").location.pointer == ""
    assert "fargate-requires-awsvpc" not in linter.codes(
        good_taskdef(requiresCompatibilities=["EC2"], networkMode="bridge")
    )


def test_host_port_mismatch_in_awsvpc_and_host_modes(linter):
    container = good_container(portMappings=[{"containerPort": 8080, "hostPort": 80}])
    doc = good_taskdef(containerDefinitions=[container])
    finding = only(linter.findings(doc), "awsvpc-host-port-mismatch")
    assert finding.location.pointer == "/containerDefinitions/0/portMappings/0/hostPort"
    host = good_taskdef(
        requiresCompatibilities=["EC2"], networkMode="host", containerDefinitions=[container]
    )
    assert "awsvpc-host-port-mismatch" in linter.codes(host)
    bridge = good_taskdef(
        requiresCompatibilities=["EC2"], networkMode="bridge", containerDefinitions=[container]
    )
    assert "awsvpc-host-port-mismatch" not in linter.codes(bridge)
    same = good_container(portMappings=[{"containerPort": 8080, "hostPort": 8080}])
    assert linter.codes(good_taskdef(containerDefinitions=[same])) == []


@pytest.mark.parametrize(
    "container",
    [
        good_container(),  # awslogs
        good_container(
            logConfiguration={"logDriver": "awsfirelens"},
            secrets=[{"name": "A", "valueFrom": "arn:aws:ssm:us-east-1:1:parameter/a"}],
        ),
        good_container(
            logConfiguration={"logDriver": "awsfirelens"},
            image="123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0",
        ),
        good_container(
            logConfiguration={"logDriver": "awsfirelens"},
            repositoryCredentials={
                "credentialsParameter": "arn:aws:secretsmanager:us-east-1:1:secret:x"
            },
        ),
    ],
)
def test_fargate_needs_an_execution_role(linter, container):
    doc = good_taskdef(containerDefinitions=[container])
    doc.pop("executionRoleArn")
    assert only(linter.findings(doc), "missing-execution-role").location.pointer == ""


def test_no_execution_role_needed_for_public_images_without_awslogs(linter):
    container = good_container(
        logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "stdout"}}
    )
    doc = good_taskdef(containerDefinitions=[container])
    doc.pop("executionRoleArn")
    assert "missing-execution-role" not in linter.codes(doc)


def test_no_essential_container(linter):
    sidecar = good_container(name="sidecar", essential=False)
    doc = good_taskdef(containerDefinitions=[good_container(essential=False), sidecar])
    assert (
        only(linter.findings(doc), "no-essential-container").location.pointer
        == "/containerDefinitions"
    )
    implicit = good_container()
    implicit.pop("essential")
    assert "no-essential-container" not in linter.codes(
        good_taskdef(containerDefinitions=[implicit, sidecar])
    )


# --- containers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:latest",
        "registry.example.com:5000/team/app",
        "ghcr.io/acme/app:latest",
        "XXXXXXXXXXXX.dkr.ecr.us-east-1.amazonaws.com/app:latest",
    ],
)
def test_mutable_image_tags(linter, image):
    doc = good_taskdef(containerDefinitions=[good_container(image=image)])
    finding = only(linter.findings(doc), "mutable-image-tag")
    assert finding.location.pointer == "/containerDefinitions/0/image"


@pytest.mark.parametrize(
    "image",
    [
        "nginx:1.27.0",
        "registry.example.com:5000/team/app:2024-10-01",
        "acme/app@sha256:" + "a" * 64,
        "acme/app:latest@sha256:" + "b" * 64,
        "${REPO}:${TAG}",
        "${IMAGE}",
    ],
)
def test_pinned_or_templated_images_pass(linter, image):
    doc = good_taskdef(containerDefinitions=[good_container(image=image)])
    assert "mutable-image-tag" not in linter.codes(doc)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD", "s3cr3t-Pa55"),
        ("STRIPE_API_KEY", "abc123def456"),
        ("GITHUB_TOKEN", "tok"),
        ("SOMETHING", "AKIAIOSFODNN7EXAMPLE"),
        ("DATABASE_URL", "postgres://app:pa55word@db:5432/app"),
    ],
)
def test_secret_in_environment_names_the_variable_never_the_value(linter, name, value, tmp_path):
    container = good_container(
        environment=[{"name": "LOG_LEVEL", "value": "info"}, {"name": name, "value": value}]
    )
    text = json.dumps(good_taskdef(containerDefinitions=[container]), indent=2)
    finding = only(linter.findings(text), "secret-in-environment")
    assert name in finding.message
    assert value not in finding.message
    assert finding.location.pointer == "/containerDefinitions/0/environment/1/value"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:1:secret:x"),
        ("TOKEN_URL", "https://auth.example.com/token"),
        ("SECRET_NAME", "prod/db"),
        ("PASSWORD_FILE", "/run/secrets/db"),
        ("API_KEY", "${API_KEY}"),
        ("AUTH_TOKEN_ENABLED", "true"),
        ("DB_PASSWORD", ""),
        ("LOG_LEVEL", "debug"),
    ],
)
def test_harmless_environment_values_pass(linter, name, value):
    container = good_container(environment=[{"name": name, "value": value}])
    assert "secret-in-environment" not in linter.codes(
        good_taskdef(containerDefinitions=[container])
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("DB_PASSWORD", 73914226), ("API_TOKEN", 4815162342), ("PIN_CODE_SECRET", 12.5)],
)
def test_a_number_under_a_secret_name_is_a_secret(linter, name, value):
    container = good_container(environment=[{"name": name, "value": value}])
    findings = linter.findings(good_taskdef(containerDefinitions=[container]))
    finding = only(findings, "secret-in-environment")
    assert name in finding.message and str(value) not in finding.message
    # AWS rejects the number too: invalid-field-value names the type, not the number.
    [invalid] = [f for f in findings if f.name == "invalid-field-value"]
    assert "must be a string, not" in invalid.message and str(value) not in invalid.message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_PASSWORD", 8),  # as harmless as "8"
        ("API_TOKEN", True),
        ("TOKEN_TTL_SECONDS", 73914226),  # the name does not say secret
        ("DB_PASSWORD", {"nested": "x"}),  # not a literal: invalid-field-value reports it
        ("DB_PASSWORD", None),
    ],
)
def test_harmless_numbers_and_non_literals_pass(linter, name, value):
    container = good_container(environment=[{"name": name, "value": value}])
    assert "secret-in-environment" not in linter.codes(
        good_taskdef(containerDefinitions=[container])
    )


def test_a_number_in_a_secret_log_option(linter):
    log = {"logDriver": "awsfirelens", "options": {"Name": "datadog", "apikey": 73914226}}
    findings = linter.findings(
        good_taskdef(containerDefinitions=[good_container(logConfiguration=log)])
    )
    finding = only(findings, "secret-in-environment")
    assert finding.location.pointer == "/containerDefinitions/0/logConfiguration/options/apikey"
    assert "73914226" not in " ".join(f.message for f in findings)


def test_literal_secrets_in_log_options(linter):
    log = {
        "logDriver": "awsfirelens",
        "options": {"Name": "datadog", "apikey": "0123abcd", "Host": "http-intake"},
    }
    findings = linter.findings(
        good_taskdef(containerDefinitions=[good_container(logConfiguration=log)])
    )
    finding = only(findings, "secret-in-environment")
    assert finding.location.pointer == "/containerDefinitions/0/logConfiguration/options/apikey"
    assert "0123abcd" not in finding.message and "secretOptions" in finding.message
    log["options"]["apikey"] = "<DATADOG_API_KEY>"
    assert "secret-in-environment" not in linter.codes(
        good_taskdef(containerDefinitions=[good_container(logConfiguration=log)])
    )


def test_one_secret_finding_per_variable(linter):
    env = [{"name": "DB_PASSWORD", "value": "one"}, {"name": "API_TOKEN", "value": "two"}]
    findings = linter.findings(good_taskdef(containerDefinitions=[good_container(environment=env)]))
    assert [f.name for f in findings].count("secret-in-environment") == 2


# --- services -----------------------------------------------------------------------------


def test_service_tags(linter):
    missing = good_service()
    del missing["enableECSManagedTags"], missing["propagateTags"]
    names = sorted(linter.codes(missing, name="svc.json"))
    assert names == ["service-tags-not-propagated", "service-without-managed-tags"]
    off = good_service(enableECSManagedTags=False, propagateTags="NONE")
    pointers = sorted(f.location.pointer for f in linter.findings(off, name="svc.json"))
    assert pointers == ["/enableECSManagedTags", "/propagateTags"]


def test_service_tag_placeholders_are_left_alone(linter):
    doc = good_service(enableECSManagedTags="${MANAGED_TAGS}", propagateTags="{{ propagate }}")
    assert linter.codes(doc, name="svc.json") == []


def test_service_messages_show_json_values(linter):
    doc = good_service(enableECSManagedTags=False)
    assert (
        "to false, not true"
        in only(linter.findings(doc, name="svc.json"), "service-without-managed-tags").message
    )


def test_service_resource_label_includes_cluster(linter):
    doc = good_service(enableECSManagedTags=False)
    assert (
        only(linter.findings(doc, name="svc.json"), "service-without-managed-tags").resource
        == "prod/web"
    )


# --- recognition --------------------------------------------------------------------------


def test_duplicate_keys_are_reported_where_the_winning_value_is(linter):
    text = '{\n  "family": "web",\n  "containerDefinitions": [{\n    "name": "web",\n    "image": "nginx:1.27",\n    "essential": true,\n    "image": "nginx:latest"\n  }]\n}'
    findings = linter.findings(text)
    duplicate = only(findings, "duplicate-key")
    assert (duplicate.location.line, duplicate.location.column) == (7, 5)
    tag = only(findings, "mutable-image-tag")  # judged on the value JSON keeps, located there
    assert tag.location.line == 7


def test_terraform_container_definitions_list(linter):
    containers = [
        good_container(),
        good_container(
            name="sidecar", image="busybox", networkMode="awsvpc", logConfiguration=None
        ),
    ]
    findings = linter.findings(containers, name="containers.json")
    by_name = {f.name: f for f in findings}
    assert set(by_name) == {"unknown-field", "mutable-image-tag", "missing-log-configuration"}
    assert by_name["unknown-field"].location.pointer == "/1/networkMode"
    assert by_name["mutable-image-tag"].location.pointer == "/1/image"
    assert by_name["missing-log-configuration"].resource == "(container definitions)"


@pytest.mark.parametrize(
    "document",
    [
        {
            "serviceName": "checkout",
            "cluster": "eu-1",
            "exporter": {"endpoint": "http://otel:4317"},
        },
        {"AWSEBDockerrunVersion": 2, "containerDefinitions": [{"name": "web", "image": "nginx"}]},
        [{"name": "x", "version": "1.0"}],
    ],
)
def test_lookalikes_from_other_tools_are_not_ecs(linter, document):
    assert linter.codes(document, name="other.json") == []


def test_empty_container_list_is_rejected(linter):
    finding = only(linter.findings(good_taskdef(containerDefinitions=[])), "invalid-field-value")
    assert "containerDefinitions needs at least 1 item" in finding.message


# --- launch-type-with-capacity-provider ---------------------------------------------------------

SPOT = [{"capacityProvider": "FARGATE_SPOT", "weight": 1}]


def test_a_service_with_a_launch_type_and_a_strategy_is_rejected_at_the_launch_type(linter):
    findings = linter.findings(good_service(capacityProviderStrategy=SPOT), name="svc.json")
    finding = only(findings, "launch-type-with-capacity-provider")
    assert (finding.severity, finding.location.pointer) == ("error", "/launchType")
    assert finding.message == (
        "service prod/web sets both launchType and capacityProviderStrategy, which AWS rejects; "
        "keep one"
    )


@pytest.mark.parametrize(
    "overrides",
    [
        {"capacityProviderStrategy": SPOT, "launchType": None},  # the strategy alone
        {"capacityProviderStrategy": []},  # an empty list, as describe output and skeletons have
        {"capacityProviderStrategy": SPOT, "launchType": ""},  # a CLI skeleton's empty value
        {"capacityProviderStrategy": SPOT, "launchType": "${LAUNCH_TYPE}"},  # set by a template
        {"capacityProviderStrategy": "${STRATEGY}"},
    ],
)
def test_one_of_the_two_or_a_value_not_known_yet_is_fine(linter, overrides):
    document = {k: v for k, v in good_service(**overrides).items() if v is not None}
    assert "launch-type-with-capacity-provider" not in linter.codes(document, name="svc.json")


def test_a_boto3_run_task_with_both_is_rejected(linter):
    code = (
        "import boto3\n\necs = boto3.client('ecs')\n\n\ndef export():\n"
        "    ecs.run_task(\n        taskDefinition='export',\n        launchType='FARGATE',\n"
        "        capacityProviderStrategy=[{'capacityProvider': 'FARGATE_SPOT'}],\n"
        "        enableECSManagedTags=True,\n    )\n"
    )
    finding = only(linter.findings(code, name="jobs.py"), "launch-type-with-capacity-provider")
    assert (finding.location.line, finding.resource) == (9, "export")


# Browser-public variables and Sentry DSNs are public by design: the name alone is no secret.
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SENTRY_DSN", "https://e3f1a2b4c5d64e7f8a9b0c1d2e3f4a5b@o450123.ingest.sentry.io/5501234"),
        ("NEXT_PUBLIC_SENTRY_DSN", "https://e3f1a2b4c5d6@o450123.ingest.us.sentry.io/5501234"),
        ("NEXT_PUBLIC_STRIPE_KEY", "pk_live_51HxYzAbCdEfGhIjKlMnOpQr"),
        ("VITE_API_KEY", "AIzaSyD-short-public-maps-key"),
        ("REACT_APP_MAPBOX_TOKEN", "pk.eyJ1IjoiYWNtZSIsImEiOiJja3gifQ.abc"),
        ("next_public_analytics_token", "phc_4f2a9c"),
    ],
)
def test_public_by_design_names_pass(linter, name, value):
    container = good_container(environment=[{"name": name, "value": value}])
    assert "secret-in-environment" not in linter.codes(
        good_taskdef(containerDefinitions=[container])
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEXT_PUBLIC_STRIPE_KEY", "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"),
        ("VITE_DEPLOY_KEY", "AKIA2OGYBAH6TQ3X7VNP"),
        ("REACT_APP_GITHUB_TOKEN", "ghp_" + "a1B2c3D4e5" * 4),
        ("SENTRY_DSN", "https://sentry-user:Xq7-pLm2@sentry.internal.example.com/4"),
        # A server-side Sentry variable that is not the DSN is still judged by its name.
        ("SENTRY_AUTH_TOKEN", "sntrys_eyJpYXQiOjE3"),
        ("NEXT_PUBLIC_DB", "postgres://app:pa55word@db:5432/app"),
    ],
)
def test_a_credential_in_a_public_looking_variable_still_hits(linter, name, value):
    container = good_container(environment=[{"name": name, "value": value}])
    finding = only(
        linter.findings(good_taskdef(containerDefinitions=[container])), "secret-in-environment"
    )
    assert name in finding.message and value not in finding.message
