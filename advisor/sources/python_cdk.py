"""What AWS CDK constructs put in the task definitions they synthesize, read from Python calls.

Pure translations of libcst nodes (``python_visitor`` does the walk and the positions): which
constructs count, CDK's own defaults, and how a ``logging=``, ``compatibility=`` or
``network_mode=`` argument reads in the API's terms. What a call does not say literally becomes
an ``Unknown`` the rules leave alone.

CDK's defaults, from the aws-cdk-lib v2 reference and the construct library's source
(packages/aws-cdk-lib/aws-ecs and aws-ecs-patterns):
- ``FargateTaskDefinition``: cpu 256, memoryLimitMiB 512 (FargateTaskDefinitionProps).
- ``TaskDefinition``: no cpu or memory unless given; a Fargate-compatible one without both fails
  to synthesize. networkMode defaults to awsvpc when Fargate-compatible, else bridge; NAT is not
  rendered. requiresCompatibilities follows ``compatibility`` (EC2, FARGATE, EC2_AND_FARGATE,
  EXTERNAL).
- ``ApplicationLoadBalancedFargateService`` and ``NetworkLoadBalancedFargateService``: cpu and
  memoryLimitMiB go to the FargateTaskDefinition they create ("This default is set in the
  underlying FargateTaskDefinition construct. Default: 256", FargateServiceBaseProps); the
  container is ``task_image_options.container_name`` or "web"; ``enable_logging`` defaults to
  true, and then the container logs with an AwsLogDriver whose stream prefix is the construct's
  id, unless ``log_driver`` is given.
- ``QueueProcessingFargateService``: ``memoryLimitMiB || 512``, ``cpu || 256``; the container is
  ``container_name`` or "QueueProcessingContainer"; logging as above (``enable_logging``,
  ``log_driver`` on the construct itself).
- ``ScheduledFargateTask``: size from ``scheduled_fargate_task_image_options`` (``cpu`` 256,
  ``memory_limit_mib`` 512 when unset; the construct's own ``cpu``/``memory_limit_mib`` are
  ignored, with a synth warning); the container is "ScheduledContainer"; it always logs,
  ``log_driver`` or an AwsLogDriver prefixed with the construct's id. Its target is an
  ``aws_events_targets.EcsTask``, which passes ``propagate_tags`` and ``tags`` but has no option
  for ECS managed tags (EcsParameters.EnableECSManagedTags is never set).
- ``AwsLogDriver``/``LogDrivers.aws_logs``: ``stream_prefix`` is required; the log group is
  created when none is given, and the region is the stack's.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from advisor.values import Unknown

TASK_DEFINITIONS = ("FargateTaskDefinition", "Ec2TaskDefinition", "TaskDefinition")
SERVICES = ("FargateService", "Ec2Service")
CONTAINER = "ContainerDefinition"  # the construct add_container makes, also used directly
# Each pattern: where its image options are (None: on the construct itself), the container's
# default name, and whether the construct also creates an ECS service.
PATTERNS: dict[str, tuple[str | None, str, bool]] = {
    "ApplicationLoadBalancedFargateService": ("task_image_options", "web", True),
    "NetworkLoadBalancedFargateService": ("task_image_options", "web", True),
    "QueueProcessingFargateService": (None, "QueueProcessingContainer", True),
    "ScheduledFargateTask": ("scheduled_fargate_task_image_options", "ScheduledContainer", False),
}
SCHEDULED = "ScheduledFargateTask"
# A call's (or a struct's) keyword arguments: name -> (the node to point at, the value).
Fields = dict[str, tuple[cst.CSTNode, cst.BaseExpression]]

_NETWORK_MODES = {"AWS_VPC": "awsvpc", "BRIDGE": "bridge", "HOST": "host", "NONE": "none"}
_LAUNCH_TYPES = ("EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES")
# Log drivers CDK names after the Docker driver they configure.
_DRIVERS = {
    "fluentd": "fluentd", "FluentdLogDriver": "fluentd", "gelf": "gelf", "GelfLogDriver": "gelf",
    "journald": "journald", "JournaldLogDriver": "journald", "json_file": "json-file",
    "JsonFileLogDriver": "json-file", "splunk": "splunk", "SplunkLogDriver": "splunk",
    "syslog": "syslog", "SyslogLogDriver": "syslog", "firelens": "awsfirelens",
    "FireLensLogDriver": "awsfirelens",
}  # fmt: skip
# Where CDK fills an awslogs option itself.
CREATED_LOG_GROUP = Unknown("(log group created by CDK)")
STACK_REGION = Unknown("(the stack's region)")


def member(node: Any, enum: str) -> str | None:
    """The member's name when ``node`` is ``<...>.ENUM.MEMBER`` (``ecs.NetworkMode.AWS_VPC``)."""
    if not isinstance(node, cst.Attribute):
        return None
    owner = node.value
    name = owner.attr.value if isinstance(owner, cst.Attribute) else getattr(owner, "value", None)
    return node.attr.value if name == enum else None


def compatibilities(node: Any, code: str) -> list[str] | Unknown:
    """``requiresCompatibilities`` for ``compatibility=ecs.Compatibility.EC2_AND_FARGATE``."""
    name = member(node, "Compatibility")
    if name is None:
        return Unknown(code)
    parts = name.split("_AND_")
    if not all(p in _LAUNCH_TYPES for p in parts):
        return Unknown(code)
    return parts


def network_mode(node: Any, code: str) -> str | Unknown | None:
    """The API's networkMode for ``network_mode=ecs.NetworkMode.X`` (NAT: not rendered)."""
    name = member(node, "NetworkMode")
    if name == "NAT":
        return None
    if name in _NETWORK_MODES:
        return _NETWORK_MODES[name]
    return Unknown(code)


def method_name(call: cst.Call) -> str:
    """``aws_logs`` for ``ecs.LogDrivers.aws_logs(...)``, ``AwsLogDriver`` for ``AwsLogDriver()``."""
    func = call.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def keyword(call: cst.Call, name: str) -> Any:
    return next((a.value for a in call.args if a.keyword and a.keyword.value == name), None)


def log_configuration(node: Any, module: cst.Module, literal: Any) -> Any:
    """The logConfiguration a ``logging=``/``log_driver=`` value makes: awslogs with the options
    CDK renders, another driver by its name, None for ``None``, else an Unknown."""
    if isinstance(node, cst.Name) and node.value == "None":
        return None
    code = module.code_for_node(node)
    if not isinstance(node, cst.Call) or any(a.star for a in node.args):
        return Unknown(code)
    method = method_name(node)
    if method in ("aws_logs", "AwsLogDriver"):
        options: dict[str, Any] = {}
        prefix = keyword(node, "stream_prefix")
        if prefix is not None:
            options["awslogs-stream-prefix"] = literal(prefix, module)
        group = keyword(node, "log_group")
        options["awslogs-group"] = (
            CREATED_LOG_GROUP if group is None else Unknown(module.code_for_node(group))
        )
        options["awslogs-region"] = STACK_REGION
        mode = member(keyword(node, "mode"), "AwsLogDriverMode")
        if mode is not None:
            options["mode"] = mode.lower().replace("_", "-")
        return {"logDriver": "awslogs", "options": options}
    if method in _DRIVERS:
        return {"logDriver": _DRIVERS[method], "options": Unknown(code)}
    if method in ("generic", "GenericLogDriver"):
        driver = keyword(node, "log_driver")
        name = literal(driver, module) if driver is not None else None
        return {"logDriver": name if isinstance(name, str) else Unknown(code)}
    return Unknown(code)


def default_awslogs(prefix: Any) -> dict[str, Any]:
    """The AwsLogDriver a pattern adds: prefixed with the construct's id."""
    return {
        "logDriver": "awslogs",
        "options": {
            "awslogs-stream-prefix": prefix,
            "awslogs-group": CREATED_LOG_GROUP,
            "awslogs-region": STACK_REGION,
        },
    }


def fields(call: cst.Call) -> Fields:
    return {a.keyword.value: (a, a.value) for a in call.args if a.keyword is not None}


def struct(node: Any) -> Fields | None:
    """The fields of a struct argument, each with the node to point at and its value:
    ``ecs_patterns.XOptions(image=..., ...)`` or ``{"image": ...}``; None for anything else."""
    if isinstance(node, cst.Call):
        if any(a.star for a in node.args):
            return None
        return fields(node)
    if isinstance(node, cst.Dict):
        found: Fields = {}
        for element in node.elements:
            if not isinstance(element, cst.DictElement) or not isinstance(
                element.key, cst.SimpleString
            ):
                return None
            key = element.key.evaluated_value
            if not isinstance(key, str):
                return None
            found[key] = (element, element.value)
        return found
    return None
