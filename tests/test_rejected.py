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


def test_a_null_firelens_configuration_is_no_log_router(linter):
    # Console exports write every absent field as null.
    app = good_container(
        firelensConfiguration=None,
        logConfiguration={"logDriver": "awsfirelens", "options": {"Name": "cloudwatch"}},
    )
    document = good_taskdef(containerDefinitions=[app])
    assert len(named(linter.findings(document), "unknown-container-reference")) == 1


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
    whole = good_taskdef(containerDefinitions=[app], volumes="${jsonencode(var.volumes)}")
    assert named(linter.findings(whole), "unknown-volume-reference") == []


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


def test_windows_on_ec2_is_left_alone(linter):
    document = good_taskdef(
        requiresCompatibilities=["EC2"],
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2019_CORE"},
        cpu="1024",
        memory="2048",
        containerDefinitions=[good_container(cpu=2048, memory=4096)],
    )
    assert named(linter.findings(document), "container-resources-exceed-task") == []
    document["requiresCompatibilities"] = ["FARGATE"]
    assert len(named(linter.findings(document), "container-resources-exceed-task")) == 2


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


# --- ECS403 secret-in-command -------------------------------------------------------------------


def with_command(**fields) -> dict:
    """A one-off migration task, as teams run them from CI with run-task."""
    return good_taskdef(
        family="db-migrate",
        containerDefinitions=[
            good_container(name="migrate", image="acme/shop-migrations:1.8.0", **fields)
        ],
    )


@pytest.mark.parametrize(
    ("fields", "pointer", "how"),
    [
        (
            {"command": ["sh", "-c", "mysql -h db -u migrator -pW1nter-2024 shop < up.sql"]},
            "/containerDefinitions/0/command/2",
            "a -p password after a user flag",
        ),
        (
            {"command": ["--db-password=W1nter-2024", "--verbose"]},
            "/containerDefinitions/0/command/0",
            "a --db-password=... option",
        ),
        (
            {"entryPoint": ["/app/worker", "--api-key", "k-71c9e0d2b44a"]},
            "/containerDefinitions/0/entryPoint/2",
            "a --api-key option",
        ),
        (
            {"command": ["psql", "postgresql://migrator:W1nter-2024@db:5432/shop", "-f", "up.sql"]},
            "/containerDefinitions/0/command/1",
            "a password in a URL",
        ),
        (
            {"command": ["gh", "release", "list", "--repo", "ghp_" + "a1B2c3D4e5" * 4]},
            "/containerDefinitions/0/command/4",
            "a value shaped like a credential",
        ),
    ],
)
def test_credentials_on_the_command_line(linter, fields, pointer, how):
    finding = only(linter.findings(with_command(**fields)), "secret-in-command")
    assert finding.location.pointer == pointer
    assert finding.severity == "error"
    field, index = pointer.split("/")[-2:]
    assert finding.message == (
        f"container 'migrate' {field}[{index}] passes a credential on the command line ({how}); "
        "take it from secrets instead"
    )
    assert "W1nter" not in finding.message and "k-71c9" not in finding.message


@pytest.mark.parametrize(
    "command",
    [
        ["sh", "-c", 'mysql -h db -u migrator -p"$DB_PASSWORD" shop < up.sql'],
        ["sh", "-c", "mysql -h db -u migrator -p shop"],  # prompts
        ["sh", "-c", "mysql -h db -u migrator --password shop"],  # prompts too
        ["--db-password=${DB_PASSWORD}"],
        ["--db-password", "$DB_PASSWORD"],
        ["--db-password", "<password>"],
        ["--password-file", "/run/secrets/db"],
        ["--token-ttl", "3600"],
        ["pg_dump", "-U", "migrator", "-p", "5432", "shop"],
        ["psql", "postgresql://migrator@db:5432/shop"],
        ["sh", "-c", "app --password $(cat /run/secrets/db)"],
    ],
)
def test_references_prompts_and_placeholders_are_not_credentials(linter, command):
    assert named(linter.findings(with_command(command=command)), "secret-in-command") == []


def test_one_finding_an_item(linter):
    line = "mysql -u a -pW1nter-2024 x && mysql -u b -pSpr1ng-2025 y"
    findings = named(linter.findings(with_command(command=["sh", "-c", line])), "secret-in-command")
    assert [f.location.pointer for f in findings] == ["/containerDefinitions/0/command/2"]


def test_no_real_task_definition_passes_a_credential_on_its_command_line(linter):
    for path in sorted(CORPUS.glob("*.json")):
        text = path.read_text(encoding="utf-8-sig")
        try:
            json.loads(text)
        except ValueError:
            continue  # 006 and 054 are not JSON (test_corpus)
        assert named(linter.findings(text, name=path.name), "secret-in-command") == [], path.name


# --- ECS402 secret-in-environment: credentials by their shape -----------------------------------

# Shaped like the real thing, made up here (none of them was ever a live credential).
SHAPED = {
    "slack webhook": "https://hooks.slack.com/services/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",
    "teams webhook": (
        "https://acme.webhook.office.com/webhookb2/0f3c2a1e-9b7d-4e55-a8f2-1c6d3e9b7a40"
        "@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/5a0e4f7c9d2b4e1f8a3c6b9d0e2f4a71/"
        "8b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e"
    ),
    "appsync api key": "da2-5gk3l7qvnrfyxbmhz2pa4ewjui",
    "github token": "ghp_" + "a1B2c3D4e5" * 4,
    "github fine-grained token": "github_pat_11ABCDEFG0" + "x1Y2z3" * 10,
    "aws access key id": "AKIA2OGYBAH6TQ3X7VNP",
    "stripe live key": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "slack bot token": "xoxb-2048-113549-Jh2k4L6m8N0p",
    "private key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7v",
    "url with a password": "amqp://orders:Xq7-pLm2@rabbit.internal:5672/shop",
}


@pytest.mark.parametrize("kind", sorted(SHAPED))
def test_credential_shapes_whatever_the_variable_is_called(linter, kind):
    environment = [{"name": "NOTIFY_TARGET", "value": SHAPED[kind]}]
    document = good_taskdef(containerDefinitions=[good_container(environment=environment)])
    finding = only(linter.findings(document), "secret-in-environment")
    assert finding.location.pointer == "/containerDefinitions/0/environment/0/value"
    assert "its value has the shape of a credential" in finding.message
    assert SHAPED[kind] not in finding.message


@pytest.mark.parametrize(
    "value",
    [
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",  # Slack's docs
        "https://hooks.slack.com/services/${SLACK_PATH}",
        "da2-xxxxxxxxxxxxxxxxxxxxxxxxxx",
        "https://hooks.slack.com/",
        "https://acme.webhook.office.com/",
        "amqp://rabbit.internal:5672/shop",
        "da2-short",
    ],
)
def test_samples_templates_and_bare_hosts_are_not_credentials(linter, value):
    environment = [{"name": "NOTIFY_TARGET", "value": value}]
    document = good_taskdef(containerDefinitions=[good_container(environment=environment)])
    assert named(linter.findings(document), "secret-in-environment") == []


# --- ECS401 mutable-image-tag: moving tags ------------------------------------------------------


def image_task(image: str) -> dict:
    return good_taskdef(containerDefinitions=[good_container(image=image)])


@pytest.mark.parametrize(
    "image",
    [
        "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
        "ghcr.io/acme/api:main",
        "acme/api:master",
        "acme/api:develop",
        "acme/api:dev",
        "acme/api:release",
        "acme/api:edge",
        "acme/api:nightly",
        "acme/api:current",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:prod-latest",
        "registry.example.com:5000/team/api:3.12-LATEST",
    ],
)
def test_moving_tags(linter, image):
    finding = only(linter.findings(image_task(image)), "mutable-image-tag")
    tag = image.rsplit(":", 1)[1]
    assert finding.message == f"container 'web' image {image!r} uses the moving tag :{tag}"


@pytest.mark.parametrize(
    "image",
    [
        "acme/api:2.14.1",
        "acme/api:main-3f9c2e1",  # a branch and a commit: pinned by the commit
        "acme/api:stable@sha256:" + "c" * 64,
        "acme/api:latest-2024.10",  # starts with latest, ends with a version
        "APP_IMAGE",  # a marker a deploy script replaces, not a reference
    ],
)
def test_pinned_tags_and_markers_are_not_moving(linter, image):
    assert named(linter.findings(image_task(image)), "mutable-image-tag") == []


def test_an_upper_case_repository_is_still_an_image(linter):
    finding = only(linter.findings(image_task("MyRepo/app:latest")), "mutable-image-tag")
    assert (
        finding.message == "container 'web' image 'MyRepo/app:latest' uses the mutable :latest tag"
    )
    untagged = only(linter.findings(image_task("Acme/App")), "mutable-image-tag")
    assert "has no tag" in untagged.message


def test_configured_mutable_tags(linter):
    assert named(linter.findings(image_task("acme/api:prod")), "mutable-image-tag") == []
    finding = only(
        linter.findings(image_task("acme/api:prod"), mutable_tags=["qa", "prod"]),
        "mutable-image-tag",
    )
    assert finding.message == "container 'web' image 'acme/api:prod' uses the moving tag :prod"


def test_mutable_tags_from_pyproject(cli, tmp_path):
    (tmp_path / "td.json").write_text(json.dumps(image_task("acme/api:qa")))
    (tmp_path / "pyproject.toml").write_text('[tool.ecs-advisor]\nmutable-tags = ["qa"]\n')
    code, out, _ = cli("lint", "td.json", "--format", "json")
    assert code == 1
    assert [f["name"] for f in json.loads(out)["findings"]] == ["mutable-image-tag"]


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ('mutable-tags = ["qa:1"]', "mutable-tags holds 'qa:1', which is not an image tag"),
        ("mutable-tags = [1]", "mutable-tags must be a list of strings"),
        ('mutable-tag = ["qa"]', "unknown setting 'mutable-tag'; did you mean 'mutable-tags'?"),
    ],
)
def test_bad_mutable_tags_setting_is_one_line_exit_2(cli, tmp_path, setting, problem):
    (tmp_path / "td.json").write_text(json.dumps(image_task("acme/api:qa")))
    (tmp_path / ".ecs-advisor.toml").write_text(setting + "\n")
    code, out, err = cli("lint", "td.json")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and problem in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (
            "ECS_ENGINE_AUTH_DATA",
            '{"https://index.docker.io/v1/":{"username":"ci","password":"pw1"}}',
        ),
        ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE"),
        ("aws_access_key_id", "minio-admin"),
    ],
)
def test_the_credential_variables_security_hub_checks(linter, name, value):
    environment = [{"name": name, "value": value}]
    document = good_taskdef(containerDefinitions=[good_container(environment=environment)])
    finding = only(linter.findings(document), "secret-in-environment")
    assert "its name says it is a secret" in finding.message


def test_secret_in_environment_cites_security_hub_ecs_8():
    from advisor.rules import find_rule

    assert find_rule("secret-in-environment").references == ("Security Hub ECS.8",)
