"""AWS CDK in Python beyond FargateTaskDefinition: the generic TaskDefinition, the aws_ecs_patterns
constructs (with CDK's defaults), ScheduledFargateTask as a RunTask, and run_task results handed
out by a module's functions (ECS701). Real apps from aws-samples/aws-cdk-examples are in
tests/data/cdk (tests/data/SOURCES)."""

from __future__ import annotations

import json
import textwrap

import libcst  # noqa: F401 - a core dependency: missing, these tests fail, never skip
from conftest import DATA

from advisor.config import Settings
from advisor.engine import lint_paths


def lint(linter, text, name="stack.py"):
    text = textwrap.dedent(text)
    return text, linter.findings(text, name=name)


# Info rules on defaults (no `user`, a writable root filesystem) fire on nearly every container;
# tests/test_security_rules.py covers them, and here they would only bury what CDK code decides.
DEFAULTS_RULES = {"root-user", "writable-root-filesystem"}


def hits(findings):
    return sorted((f.name, f.location.line) for f in findings if f.name not in DEFAULTS_RULES)


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


HEADER = """
from aws_cdk import Stack
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_ecs_patterns as ecs_patterns
"""

# --- the generic TaskDefinition ------------------------------------------------------------

GENERIC = (
    HEADER
    + """

class Workers(Stack):
    def __init__(self, scope, construct_id, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        task_definition = ecs.TaskDefinition(
            self,
            "Export",
            compatibility=ecs.Compatibility.EC2_AND_FARGATE,
            cpu="256",
            memory_mib="4096",
        )
        task_definition.add_container(
            "export",
            image=ecs.ContainerImage.from_registry("nginx:latest"),
            memory_limit_mib=256,
        )
        self.bridge = ecs.TaskDefinition(
            self, "Bridge", compatibility=ecs.Compatibility.FARGATE,
            network_mode=ecs.NetworkMode.BRIDGE, cpu="256", memory_mib="512",
        )
        self.bridge.add_container(
            "bridge",
            image=ecs.ContainerImage.from_registry("public.ecr.aws/docker/library/redis:7.2.4"),
            logging=ecs.LogDrivers.aws_logs(stream_prefix=""),
        )
        ecs.TaskDefinition(self, "Unsized", compatibility=ecs.Compatibility.FARGATE)
"""
)


def test_generic_task_definition_is_judged_like_a_fargate_one(linter):
    text, findings = lint(linter, GENERIC)
    assert hits(findings) == [
        ("awslogs-missing-stream-prefix", line_of(text, "stream_prefix=")),
        ("fargate-requires-awsvpc", line_of(text, "network_mode=ecs.NetworkMode.BRIDGE")),
        ("invalid-fargate-size", line_of(text, 'memory_mib="4096"')),
        ("invalid-fargate-size", line_of(text, '"Unsized"')),
        ("missing-log-configuration", line_of(text, "task_definition.add_container(")),
        ("mutable-image-tag", line_of(text, "nginx:latest")),
    ]
    unsized = next(f for f in findings if f.location.line == line_of(text, '"Unsized"'))
    assert "Fargate needs task-level cpu and memory" in unsized.message


def test_generic_task_definition_that_is_fine_or_not_fargate(linter):
    text = (
        HEADER
        + """
def build(stack, compatibility):
    api = ecs.TaskDefinition(stack, "Api", compatibility=ecs.Compatibility.EC2_AND_FARGATE,
                             cpu="512", memory_mib="1024")
    api.add_container("api", image=ecs.ContainerImage.from_registry("api:1.4.2"),
                      logging=ecs.AwsLogDriver(stream_prefix="api",
                                               mode=ecs.AwsLogDriverMode.NON_BLOCKING))
    ec2_only = ecs.TaskDefinition(stack, "Batch", compatibility=ecs.Compatibility.EC2)
    ec2_only.add_container("batch", image=ecs.ContainerImage.from_registry("batch:2.0.1"),
                           memory_limit_mib=512, logging=ecs.LogDrivers.fluentd())
    ecs.TaskDefinition(stack, "Decided", compatibility=compatibility, cpu="256",
                       memory_mib="4096")  # decided elsewhere: not judged
"""
    )
    _, findings = lint(linter, text)
    assert hits(findings) == []


# --- aws_ecs_patterns ----------------------------------------------------------------------

PATTERNS = (
    HEADER
    + """

class Site(Stack):
    def __init__(self, scope, construct_id, *, cluster, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        web = ecs_patterns.ApplicationLoadBalancedFargateService(
            self,
            "Web",
            cluster=cluster,
            cpu=512,
            memory_limit_mib=512,
            desired_count=2,
            task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
                image=ecs.ContainerImage.from_registry("amazon/amazon-ecs-sample"),
                container_port=8080,
                environment={"STRIPE_API_KEY": "sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
            ),
            public_load_balancer=True,
        )
        web.task_definition.add_container(
            "xray", image=ecs.ContainerImage.from_registry("amazon/aws-xray-daemon:3.3.12")
        )
        ecs_patterns.NetworkLoadBalancedFargateService(
            self,
            "Tcp",
            cluster=cluster,
            task_image_options={
                "image": ecs.ContainerImage.from_registry("tcp-echo:1.0.0"),
                "enable_logging": False,
            },
            enable_ecs_managed_tags=True,
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
        )
        ecs_patterns.QueueProcessingFargateService(
            self,
            "Thumbnails",
            cluster=cluster,
            cpu=512,
            image=ecs.ContainerImage.from_registry("thumbnailer:2.3.0"),
            enable_ecs_managed_tags=True,
            propagate_tags=ecs.PropagatedTagSource.TASK_DEFINITION,
        )
"""
)


def test_patterns_hit(linter):
    text, findings = lint(linter, PATTERNS)
    assert hits(findings) == sorted(
        [
            # the queue processor: cpu 512 with the default 512 MiB, reported on the construct
            ("invalid-fargate-size", line_of(text, "QueueProcessingFargateService(")),
            # the ALB service: 0.5 vCPU with 512 MiB, where the size is written
            ("invalid-fargate-size", line_of(text, "memory_limit_mib=512")),
            # the sidecar added to the pattern's task definition logs nowhere
            ("missing-log-configuration", line_of(text, "web.task_definition.add_container(")),
            # enable_logging=False in a dict of image options
            ("missing-log-configuration", line_of(text, "task_image_options={")),
            ("mutable-image-tag", line_of(text, "amazon/amazon-ecs-sample")),
            ("secret-in-environment", line_of(text, "STRIPE_API_KEY")),
            (
                "service-tags-not-propagated",
                line_of(text, "ApplicationLoadBalancedFargateService("),
            ),
            (
                "service-without-managed-tags",
                line_of(text, "ApplicationLoadBalancedFargateService("),
            ),
        ]
    )
    assert all("sk_live" not in f.message for f in findings)
    names = {f.message.split("'")[1] for f in findings if f.name == "missing-log-configuration"} | {
        f.message.split("'")[1] for f in findings if f.name == "mutable-image-tag"
    }
    assert names == {"web", "xray"}  # the pattern's container is called "web" by default


def test_patterns_miss_with_cdk_defaults(linter):
    """Default size (256 CPU, 512 MiB) and the awslogs driver the patterns add, prefixed with the
    construct's id: nothing to report."""
    text = (
        HEADER
        + """
def build(stack, cluster, repository):
    ecs_patterns.ApplicationLoadBalancedFargateService(
        stack, "Web", cluster=cluster,
        task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
            image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1.27.0")),
        enable_ecs_managed_tags=True, propagate_tags=ecs.PropagatedTagSource.SERVICE)
    ecs_patterns.NetworkLoadBalancedFargateService(
        stack, "Tcp", cluster=cluster, cpu=1024, memory_limit_mib=2048,
        task_image_options=ecs_patterns.NetworkLoadBalancedTaskImageOptions(
            image=ecs.ContainerImage.from_ecr_repository(repository, "v12"),
            log_driver=ecs.LogDrivers.aws_logs(stream_prefix="tcp")),
        enable_ecs_managed_tags=True, propagate_tags=ecs.PropagatedTagSource.TASK_DEFINITION)
    ecs_patterns.QueueProcessingFargateService(
        stack, "Queue", cluster=cluster,
        image=ecs.ContainerImage.from_registry("worker:5.1.0"),
        enable_ecs_managed_tags=True, propagate_tags=ecs.PropagatedTagSource.SERVICE)
"""
    )
    _, findings = lint(linter, text)
    assert hits(findings) == []


def test_a_pattern_given_a_task_definition_judges_that_one_once(linter):
    text = (
        HEADER
        + """
def build(stack, cluster):
    task_definition = ecs.FargateTaskDefinition(stack, "Api", cpu=256, memory_limit_mib=512)
    task_definition.add_container("api", image=ecs.ContainerImage.from_registry("api:3.0.0"))
    ecs_patterns.ApplicationLoadBalancedFargateService(
        stack, "Service", cluster=cluster, task_definition=task_definition,
        enable_ecs_managed_tags=True, propagate_tags=ecs.PropagatedTagSource.SERVICE)
"""
    )
    text, findings = lint(linter, text)
    # The pattern adds no logging to a task definition it is given.
    assert hits(findings) == [("missing-log-configuration", line_of(text, "add_container("))]


# --- ScheduledFargateTask ------------------------------------------------------------------

SCHEDULED = (
    HEADER
    + """

class Reports(Stack):
    def __init__(self, scope, construct_id, *, cluster, **kwargs):
        super().__init__(scope, construct_id, **kwargs)
        ecs_patterns.ScheduledFargateTask(
            self,
            "NightlyReport",
            cluster=cluster,
            schedule=appscaling.Schedule.cron(hour="3", minute="0"),
            cpu=512,  # ignored by the construct: the size is in the image options
            scheduled_fargate_task_image_options=ecs_patterns.ScheduledFargateTaskImageOptions(
                image=ecs.ContainerImage.from_registry("reports:latest"),
                memory_limit_mib=512,
                cpu=1024,
            ),
            propagate_tags=ecs.PropagatedTagSource.TASK_DEFINITION,
        )
"""
)


def test_scheduled_fargate_task_is_a_run_task_without_managed_tags(linter):
    text, findings = lint(linter, SCHEDULED)
    assert hits(findings) == [
        ("invalid-fargate-size", line_of(text, "memory_limit_mib=512")),
        ("mutable-image-tag", line_of(text, "reports:latest")),
        ("run-task-without-managed-tags", line_of(text, "ScheduledFargateTask(")),
    ]
    run_task = next(f for f in findings if f.name == "run-task-without-managed-tags")
    assert "task family NightlyReport" in run_task.message
    # The construct cannot ask for managed tags: the evidence says what can.
    assert run_task.evidence["call"] == "ScheduledFargateTask"
    assert "EnableECSManagedTags" in run_task.evidence["managed_tags"]
    assert "EcsRunFargateTask(enable_ecs_managed_tags=True)" in run_task.evidence["managed_tags"]
    image = next(f for f in findings if f.name == "mutable-image-tag")
    assert "'ScheduledContainer'" in image.message


def test_scheduled_fargate_task_with_the_escape_hatch_and_a_task_definition(linter):
    """Overriding EnableECSManagedTags on the rule is not guessed at; a task definition given
    through scheduled_fargate_task_definition_options is judged once, as itself."""
    text = (
        HEADER
        + """
def build(stack, cluster):
    task_definition = ecs.FargateTaskDefinition(stack, "Cleanup", cpu=256, memory_limit_mib=1024)
    task_definition.add_container(
        "cleanup", image=ecs.ContainerImage.from_registry("cleanup:1.0.3"),
        logging=ecs.LogDrivers.aws_logs(stream_prefix="cleanup"))
    task = ecs_patterns.ScheduledFargateTask(
        stack, "Cleanup", cluster=cluster, schedule=appscaling.Schedule.rate(Duration.hours(1)),
        scheduled_fargate_task_definition_options=ecs_patterns.ScheduledFargateTaskDefinitionOptions(
            task_definition=task_definition),
        propagate_tags=ecs.PropagatedTagSource.TASK_DEFINITION)
    rule = task.event_rule.node.default_child
    rule.add_property_override("Targets.0.EcsParameters.EnableECSManagedTags", True)
"""
    )
    _, findings = lint(linter, text)
    assert hits(findings) == []
    _, findings = lint(linter, text.replace("rule.add_property_override", "# "), "other.py")
    [finding] = [f for f in findings if f.name not in DEFAULTS_RULES]
    assert finding.name == "run-task-without-managed-tags"
    assert "task family Cleanup" in finding.message


def test_pattern_import_styles(linter):
    text = """
    import aws_cdk as cdk
    from aws_cdk.aws_ecs import ContainerImage
    from aws_cdk.aws_ecs_patterns import ScheduledFargateTask, ScheduledFargateTaskImageOptions


    def build(stack, schedule):
        image = ContainerImage.from_registry("etl")
        ScheduledFargateTask(stack, "Etl", schedule=schedule,
                             scheduled_fargate_task_image_options=ScheduledFargateTaskImageOptions(
                                 image=image))
        cdk.aws_ecs_patterns.QueueProcessingFargateService(
            stack, "Q", image=cdk.aws_ecs.ContainerImage.from_registry("q:1.0.0"),
            memory_limit_mib=4096, enable_ecs_managed_tags=True,
            propagate_tags=cdk.aws_ecs.PropagatedTagSource.SERVICE)
    """
    text, findings = lint(linter, text)
    assert hits(findings) == [
        ("invalid-fargate-size", line_of(text, "memory_limit_mib=4096")),
        ("mutable-image-tag", line_of(text, "image=image")),
        ("run-task-without-managed-tags", line_of(text, "ScheduledFargateTask(stack")),
    ]


def test_patterns_from_another_library_are_not_ecs(linter):
    text = """
    from aws_cdk import aws_ecs as ecs
    from my_company import patterns as ecs_patterns


    def build(stack):
        ecs_patterns.ScheduledFargateTask(stack, "Job", image="job:latest")
        ecs_patterns.ApplicationLoadBalancedFargateService(stack, "Web", cpu=512)
    """
    _, findings = lint(linter, text)
    assert hits(findings) == []


# --- boto3: run_task results returned by a module's functions (ECS701) ----------------------

HELPERS = '''
"""Nightly exports: start one task a day, stop it when its file is there."""
import time

import boto3

ecs = boto3.client("ecs")
s3 = boto3.client("s3")
CLUSTER = "exports"


def start_export(day):
    response = ecs.run_task(
        cluster=CLUSTER,
        taskDefinition="export",
        launchType="FARGATE",
        enableECSManagedTags=True,
        propagateTags="TASK_DEFINITION",
        overrides={"containerOverrides": [{"name": "export", "command": ["export", day]}]},
    )
    return response["tasks"][0]["taskArn"]


def start_backfill(days):
    return [start_export(day) for day in days][0]


def stuck_task():
    return ecs.list_tasks(cluster=CLUSTER, desiredStatus="RUNNING")["taskArns"][0]


def main(day):
    arn = start_export(day)
    while not s3.list_objects_v2(Bucket="exports", Prefix=day).get("Contents"):
        time.sleep(60)
    ecs.stop_task(cluster=CLUSTER, task=arn, reason="export written")


def cleanup():
    ecs.stop_task(cluster=CLUSTER, task=stuck_task(), reason="stuck")
    for arn in ecs.list_tasks(cluster=CLUSTER)["taskArns"]:
        ecs.stop_task(cluster=CLUSTER, task=arn)


def rerun(start_export):
    ecs.stop_task(cluster=CLUSTER, task=start_export("today"))  # a parameter, not the function
'''


def test_a_task_started_in_a_helper_and_stopped_in_main(linter):
    text, findings = lint(linter, HELPERS, "exports.py")
    assert hits(findings) == [
        ("stop-task-after-run-task", line_of(text, 'reason="export written"')),
    ]
    [finding] = findings
    assert finding.message == (
        "main stops a task start_export() started with run_task: the job does not exit on its own"
    )


def test_helpers_defined_after_their_callers_and_through_each_other(linter):
    text = """
    import boto3

    ecs = boto3.client("ecs")


    def babysit(job):
        for arn in start_all(job):
            ecs.stop_task(cluster="jobs", task=arn)
        task = launch(job)
        ecs.stop_task(cluster="jobs", task=task["taskArn"])


    def start_all(job):
        arns = [t["taskArn"] for t in ecs.run_task(cluster="jobs", taskDefinition=job, count=3,
                                                   enableECSManagedTags=True)["tasks"]]
        return arns


    def launch(job):
        return start_all(job)[0]
    """
    text, findings = lint(linter, text, "babysit.py")
    assert hits(findings) == [
        ("stop-task-after-run-task", line_of(text, "task=arn)")),
        ("stop-task-after-run-task", line_of(text, 'task=task["taskArn"]')),
    ]


def test_helpers_that_do_not_run_tasks_stay_quiet(linter):
    text = """
    import boto3

    ecs = boto3.client("ecs")


    def oldest(cluster):
        arns = ecs.list_tasks(cluster=cluster)["taskArns"]
        return sorted(arns)[0]


    def main():
        ecs.stop_task(cluster="jobs", task=oldest("jobs"))
        arn = oldest("jobs")
        ecs.stop_task(cluster="jobs", task=arn)


    class Runner:
        def start(self):
            return ecs.run_task(taskDefinition="x", enableECSManagedTags=True)["tasks"][0]

        def stop(self):
            ecs.stop_task(task=start())  # a module function that does not exist: not guessed
    """
    _, findings = lint(linter, text, "quiet.py")
    assert hits(findings) == []


# --- real apps (aws-samples/aws-cdk-examples, Apache-2.0) ----------------------------------


def real(name):
    result = lint_paths([str(DATA / "cdk" / name)], Settings())
    assert not result.errors
    text = (DATA / "cdk" / name).read_text(encoding="utf-8")
    return text, result.findings


def test_real_network_load_balanced_fargate_service():
    """The pattern with its defaults: 256 CPU with 512 MiB and awslogs, so only the untagged
    sample image and the service's cost tags are reported."""
    text, findings = real("fargate_load_balanced_service.py")
    assert hits(findings) == [
        ("mutable-image-tag", line_of(text, "amazon/amazon-ecs-sample")),
        ("service-tags-not-propagated", line_of(text, "NetworkLoadBalancedFargateService(")),
        ("service-without-managed-tags", line_of(text, "NetworkLoadBalancedFargateService(")),
    ]


def test_real_alb_service_with_a_task_definition_and_a_container_construct():
    """A FargateTaskDefinition (defaults), an ecs.ContainerDefinition logging with awslogs and a
    prefix, the ALB pattern given that definition with managed tags but no propagation."""
    text, findings = real("fargate_service_with_efs.py")
    assert hits(findings) == [
        ("mutable-image-tag", line_of(text, "amazon/amazon-ecs-sample")),
        ("service-tags-not-propagated", line_of(text, "ApplicationLoadBalancedFargateService(")),
    ]
    image = next(f for f in findings if f.name == "mutable-image-tag")
    assert "'ecs-cdk-sample-container'" in image.message


def test_real_ec2_task_definition_with_awsvpc():
    """network_mode=AWS_VPC on an Ec2TaskDefinition is read, not assumed to be bridge."""
    text, findings = real("ecs_service_with_task_networking.py")
    assert hits(findings) == [
        ("missing-log-configuration", line_of(text, "web_container = task_definition")),
        ("mutable-image-tag", line_of(text, "nginx:latest")),
        ("service-tags-not-propagated", line_of(text, "ecs.Ec2Service(")),
        ("service-without-managed-tags", line_of(text, "ecs.Ec2Service(")),
    ]


def test_cdk_findings_in_json_carry_no_values(cli, tmp_path):
    (tmp_path / "app.py").write_text(textwrap.dedent(PATTERNS), encoding="utf-8")
    code, out, _ = cli("lint", "--format", "json", "app.py")
    assert code == 1 and "sk_live" not in out
    assert {f["name"] for f in json.loads(out)["findings"]} >= {"secret-in-environment"}


def test_cdk_services_are_priced_from_their_task_definitions(cli, tmp_path):
    """lint --cost finds a CDK service's task definition in the same module: the one a pattern
    creates (CDK's default size) or the variable a FargateService is given."""
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            HEADER
            + """
def build(stack, cluster):
    ecs_patterns.ApplicationLoadBalancedFargateService(
        stack, "Web", cluster=cluster, desired_count=3,
        task_image_options=ecs_patterns.ApplicationLoadBalancedTaskImageOptions(
            image=ecs.ContainerImage.from_registry("web:1.0.0")))
    worker = ecs.FargateTaskDefinition(stack, "Worker", cpu=1024, memory_limit_mib=2048)
    worker.add_container("worker", image=ecs.ContainerImage.from_registry("worker:1.0.0"))
    ecs.FargateService(stack, "Workers", cluster=cluster, task_definition=worker)
    ecs.Ec2Service(stack, "Legacy", cluster=cluster, task_definition=worker)
"""
        ),
        encoding="utf-8",
    )
    code, out, _ = cli("lint", "--cost", "--region", "us-east-1", "--format", "json", "app.py")
    assert code == 1  # untagged services, a worker without logs
    costs = {c["resource"]: c for c in json.loads(out)["costs"]}
    assert costs["Web"]["desired_count"] == 3 and costs["Web"]["size"]["vcpu"] == 0.25
    assert costs["Workers"]["size"]["vcpu"] == 1 and costs["Workers"]["monthly_usd"] is not None
    assert costs["Legacy"]["monthly_usd"] is None  # EC2 capacity is billed as instances
