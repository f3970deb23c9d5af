"""Which ECS resources a parsed JSON document holds, recognized by its shape.

Shapes, first match wins:
- ``register-task-definition`` input (``family`` + ``containerDefinitions``) and console exports;
  ``describe-task-definition`` output (``{"taskDefinition": {...}, "tags": [...]}``, also
  ecspresso's wrapper for a task definition with tags); a bare list of container definitions
  (Terraform's ``container_definitions``);
- ``create-service`` input (``serviceName`` plus service settings), ``describe-services`` output
  (``{"services": [...]}``), create/update-service output (``{"service": {...}}``);
- ``create-cluster`` input (``clusterName`` plus cluster settings), ``describe-clusters`` output
  (``{"clusters": [...]}``), create-cluster output (``{"cluster": {...}}``);
- a request without its name: ``create-service`` input whose name is given on the command line
  (``--service-name``, as the CodeDeploy/CodePipeline tutorial does), ecspresso's
  ``ecs-service-def.json`` (its name and task definition are in ecspresso's own configuration),
  and ``run-task --cli-input-json`` input; both hold only request fields, and the fields only
  one of the two APIs has tell them apart;
- any of these with a misspelt identifying key (``containerDefinition``, ``servicename``): the
  resource it was meant to be, so unknown-field reports the typo instead of the file being
  passed over in silence.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

from advisor.model import (
    Cluster,
    ContainerDefinitionList,
    Document,
    Edit,
    Resource,
    RunTaskRequest,
    Service,
    TaskDefinition,
)
from advisor.values import text_of

# Keys of a create-service request that a service-name-bearing JSON from another tool is
# unlikely to have two of (OpenTelemetry, Serverless and others use "serviceName" too).
SERVICE_KEYS = frozenset(
    {
        "desiredCount",
        "launchType",
        "capacityProviderStrategy",
        "loadBalancers",
        "networkConfiguration",
        "deploymentConfiguration",
        "deploymentController",
        "schedulingStrategy",
        "enableECSManagedTags",
        "propagateTags",
        "platformVersion",
        "serviceRegistries",
        "healthCheckGracePeriodSeconds",
        "serviceConnectConfiguration",
    }
)
# CreateService and RunTask share most of their fields; these belong to one of them only
# (botocore's model; tests/test_recognize.py checks them against the generated schema).
SERVICE_ONLY_KEYS = frozenset(
    {
        "availabilityZoneRebalancing",
        "deploymentConfiguration",
        "deploymentController",
        "desiredCount",
        "gatewayConnectors",
        "healthCheckGracePeriodSeconds",
        "loadBalancers",
        "monitoring",
        "role",
        "schedulingStrategy",
        "serviceConnectConfiguration",
        "serviceRegistries",
        "vpcLatticeConfigurations",
    }
)
RUN_TASK_ONLY_KEYS = frozenset({"count", "group", "overrides", "referenceId", "startedBy"})
SHARED_REQUEST_KEYS = frozenset(
    {
        "capacityProviderStrategy",
        "clientToken",
        "cluster",
        "enableECSManagedTags",
        "enableExecuteCommand",
        "launchType",
        "networkConfiguration",
        "placementConstraints",
        "placementStrategy",
        "platformVersion",
        "propagateTags",
        "tags",
        "taskDefinition",
        "volumeConfigurations",
    }
)
# Keys that, beside clusterName, make a create-cluster request (tags alone say too little).
CLUSTER_KEYS = frozenset(
    {
        "settings",
        "configuration",
        "capacityProviders",
        "defaultCapacityProviderStrategy",
        "serviceConnectDefaults",
    }
)
# The keys that say what a document is, for the typo check.
_IDENTIFYING = ("containerDefinitions", "serviceName", "clusterName")


class RunTaskFile(RunTaskRequest):
    """A ``run-task --cli-input-json`` file: a RunTask request a person keeps, and can fix."""

    __slots__ = ()
    document: Document

    def managed_tags_edit(self) -> Edit | None:
        """One insertion after the opening brace: ``enableECSManagedTags: true`` and, where the
        file does not set it, ``propagateTags: TASK_DEFINITION`` (what the Python fix adds)."""
        if "enableECSManagedTags" in self.data:  # false on purpose, or a template's: a person's
            return None
        tags = self.document.insert_member(self.pointer, "enableECSManagedTags", True)
        if tags is None or "propagateTags" in self.data:
            return tags
        propagate = self.document.insert_member(self.pointer, "propagateTags", "TASK_DEFINITION")
        if propagate is None:
            return tags
        return Edit(tags.start, tags.end, tags.content + propagate.content)


def is_task_definition(data: object) -> TypeGuard[dict]:
    return (
        isinstance(data, dict)
        and isinstance(data.get("containerDefinitions"), list)
        and "AWSEBDockerrunVersion" not in data  # Elastic Beanstalk's own format
    )


def is_container_list(data: object) -> TypeGuard[list]:
    return (
        isinstance(data, list)
        and len(data) > 0
        and all(isinstance(c, dict) and "name" in c and "image" in c for c in data)
    )


def is_service(data: object, name_key: str = "serviceName") -> TypeGuard[dict]:
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("serviceArn"), str):
        return True
    if not isinstance(data.get(name_key), str):
        return False
    return "taskDefinition" in data or len(SERVICE_KEYS.intersection(data)) >= 2


def is_cluster(data: object, name_key: str = "clusterName") -> TypeGuard[dict]:
    """create-cluster input: a name and cluster settings; or a described cluster (its ARN)."""
    if not isinstance(data, dict) or not isinstance(data.get(name_key), str):
        return False
    return isinstance(data.get("clusterArn"), str) or bool(CLUSTER_KEYS.intersection(data))


def _request_kind(data: dict, stem: str) -> str | None:
    """What a request without a name is: ``"service"``, ``"run-task"``, or None (neither).

    A create-service input without ``serviceName`` needs ``taskDefinition`` and one more
    request key; ecspresso's service definition has neither name nor task definition (both are
    in ecspresso's configuration) but is named ``ecs-service-def*.json`` or holds nothing but
    create-service keys, some of them service-only. Where only fields both APIs share are
    present, the file's name decides (``run-task.json``, ``migration-task.json``), else it is a
    service, as the CodePipeline tutorial's ``create-service.json``.
    """
    if "serviceName" in data or "serviceArn" in data:
        return None
    service_only = len(SERVICE_ONLY_KEYS.intersection(data))
    run_only = len(RUN_TASK_ONLY_KEYS.intersection(data))
    # Fields that say something about the request (a cluster, tags or a token do not).
    shared = SHARED_REQUEST_KEYS.intersection(data) - {
        "cluster",
        "tags",
        "clientToken",
        "taskDefinition",
    }
    task_definition = data.get("taskDefinition")
    if task_definition is not None and not isinstance(task_definition, dict):
        if not (service_only or run_only or shared):
            return None  # a task definition and a cluster say too little
        if run_only != service_only:
            return "run-task" if run_only > service_only else "service"
        name = stem.lower()
        by_name = ("run" in name or "task" in name) and "service" not in name
        return "run-task" if by_name else "service"
    if task_definition is None and not run_only and service_only:
        request_keys = SERVICE_ONLY_KEYS | SHARED_REQUEST_KEYS
        ecspresso = "service-def" in stem.lower()
        if ecspresso or (len(data) >= 3 and request_keys.issuperset(data)):
            return "service"
    return None


def _misspelt(data: dict, key: str) -> str | None:
    """The key of ``data`` that is ``key`` misspelt (another case, a letter off), if any."""
    if key in data:
        return None
    lowered = key.lower()
    near = [k for k in data if isinstance(k, str) and k[:6].lower() == lowered[:6]]
    if not near:  # most documents: nothing to compare, difflib never imported
        return None
    import difflib

    for candidate in near:
        if candidate.lower() == lowered:
            return candidate
        if difflib.SequenceMatcher(None, candidate.lower(), lowered).ratio() >= 0.85:
            return candidate
    return None


def _misspelt_containers(data: dict) -> bool:
    """Whether the container definitions are there under a misspelt key."""
    typo = _misspelt(data, "containerDefinitions")
    return typo is not None and isinstance(data[typo], list | dict)


def _with(resource: Resource, outside: set[str], name_hint: str = "") -> Resource:
    resource.outside = frozenset(outside)
    resource.name_hint = name_hint
    return resource


def _misspelt_resource(document: Document, data: dict, stem: str) -> list[Resource]:
    """A document meant as a task definition, service or cluster whose identifying key is
    misspelt: the resource it was meant to be, without that key (unknown-field names it).

    Keys that all start upper-case are another format's (CloudFormation's properties), not a
    typo: reading them as ECS API input would report every key.
    """
    if len(data) > 1 and all(isinstance(k, str) and k[:1].isupper() for k in data):
        return []
    for key in _IDENTIFYING:
        typo = _misspelt(data, key)
        if typo is None:
            continue
        if key == "containerDefinitions" and _misspelt_containers(data):
            return [_with(TaskDefinition(document, "", data, "TaskDefinitionDocument"), {key})]
        name = text_of(data[typo]) or stem  # the name it gives, under the misspelt key
        if key == "serviceName" and is_service(data, typo):
            return [_with(Service(document, "", data, "ServiceDocument"), {key}, name)]
        if key == "clusterName" and is_cluster(data, typo):
            return [_with(Cluster(document, "", data, "ClusterDocument"), {key}, name)]
    return []


def _listed(
    document: Document,
    data: dict,
    key: str,
    test: Callable[[object], bool],
    make: type[Service] | type[Cluster],
) -> list[Resource]:
    """The resources of a describe response's list (``{"services": [...]}``)."""
    items = data.get(key)
    if not isinstance(items, list) or not any(test(item) for item in items):
        return []
    return [
        make(document, f"/{key}/{i}", item, make.__name__, wrapped=True)
        for i, item in enumerate(items)
        if isinstance(item, dict)
    ]


def resources_in(document: Document, stem: str = "") -> list[Resource]:
    """The resources a document holds (empty when it holds none); ``stem`` is its file's name
    without the suffix, the name of a request that does not name itself.

    A bare request is validated against the request shape plus the describe-only fields (which
    output-only-field reports); a resource inside a describe response against the output shape.
    """
    data = document.data
    if is_container_list(data):
        return [ContainerDefinitionList(document, "", data, "ContainerDefinitionList", True)]
    if not isinstance(data, dict):
        return []
    if is_task_definition(data):
        return [TaskDefinition(document, "", data, "TaskDefinitionDocument", wrapped=False)]
    inner = data.get("taskDefinition")
    # describe output, or ecspresso's input with tags beside it; request fields are allowed
    # inside too, as ecspresso registers the inner object, tags and all.
    if is_task_definition(inner):
        wrapped = TaskDefinition(document, "/taskDefinition", inner, "TaskDefinitionDocument", True)
        return [wrapped]
    if isinstance(inner, dict) and _misspelt_containers(inner):
        wrapped = TaskDefinition(document, "/taskDefinition", inner, "TaskDefinitionDocument", True)
        return [_with(wrapped, {"containerDefinitions"})]
    found: list[Resource] = _listed(document, data, "services", is_service, Service)
    found = found or _listed(document, data, "clusters", is_cluster, Cluster)
    if found:
        return found
    inner = data.get("service")
    if is_service(inner):
        return [Service(document, "/service", inner, "Service", wrapped=True)]
    inner = data.get("cluster")
    if is_cluster(inner):
        return [Cluster(document, "/cluster", inner, "Cluster", wrapped=True)]
    if is_service(data):
        return [Service(document, "", data, "ServiceDocument", wrapped=False)]
    if is_cluster(data):
        return [Cluster(document, "", data, "ClusterDocument", wrapped=False)]
    found = _misspelt_resource(document, data, stem)
    if found:
        return found
    kind = _request_kind(data, stem)
    if kind == "service":
        return [_with(Service(document, "", data, "ServiceDocument"), {"serviceName"}, stem)]
    if kind == "run-task":
        return [RunTaskFile(document, "", data, "RunTaskRequest")]
    return []
