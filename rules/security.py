"""Security controls teams already run (Security Hub, checkov, Prowler), judged before deploy.

Each rule names the controls it covers in ``references``, so a finding here maps to the one a
team would otherwise meet in Security Hub after the fact. The severities are ours, chosen for a
CI gate that fails on warnings: explicit opt-ins to something dangerous (``privileged: true``,
host namespaces, a public IP, one role for both jobs) are warnings; controls that fire on nearly
every real task definition because they judge a default (no ``user``, no read-only root
filesystem) are info, so they inform without drowning the rest. Values a template or a program
only knows later (``Unknown``) are never judged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from advisor.model import INFO, WARNING, Cluster, Kind, Resource, Service, TaskDefinition
from advisor.rules.base import Hit, Rule, RuleOptions, container_hits
from advisor.values import is_unknown, text_of

# --- documented examples ------------------------------------------------------------------------

_TASK = """{{
  "family": "web",
  "requiresCompatibilities": ["EC2"],
  "networkMode": "{mode}",{task}
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {{
      "name": "web",
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.3.1",
      "memory": 512,{container}
      "logConfiguration": {{
        "logDriver": "awslogs",
        "options": {{
          "awslogs-group": "/ecs/web",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "web"
        }}
      }}
    }}
  ]{volumes}
}}"""

_HARDENED = '\n      "user": "1000:1000",\n      "readonlyRootFilesystem": true,'


def _task(
    container: str = _HARDENED, task: str = "", mode: str = "awsvpc", volumes: str = ""
) -> str:
    return _TASK.format(container=container, task=task, mode=mode, volumes=volumes)


_EFS = """,
  "volumes": [
    {{
      "name": "uploads",
      "efsVolumeConfiguration": {{"fileSystemId": "fs-0abc1234"{transit}}}
    }}
  ]"""

_WINDOWS_TASK = """{{
  "family": "legacy-web",
  "requiresCompatibilities": ["FARGATE"],
  "runtimePlatform": {{
    "operatingSystemFamily": "WINDOWS_SERVER_2022_CORE",
    "cpuArchitecture": "X86_64"
  }},
  "networkMode": "awsvpc",
  "cpu": "1024",
  "memory": "2048",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {{
      "name": "web",
      "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/legacy-web:4.0.2",
      "user": "{user}",
      "logConfiguration": {{
        "logDriver": "awslogs",
        "options": {{
          "awslogs-group": "/ecs/legacy-web",
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "web"
        }}
      }}
    }}
  ]
}}"""

_SERVICE = """{{
  "cluster": "production",
  "serviceName": "web",
  "taskDefinition": "web:42",
  "desiredCount": 2,
  "launchType": "FARGATE",{platform}
  "enableECSManagedTags": true,
  "propagateTags": "SERVICE",
  "networkConfiguration": {{
    "awsvpcConfiguration": {{"subnets": ["subnet-0abc1234"], "assignPublicIp": "{public}"}}
  }}
}}"""


def _service(public: str = "DISABLED", platform: str = "") -> str:
    return _SERVICE.format(public=public, platform=platform)


_CLUSTER = """{{
  "clusterName": "production",
  "settings": [{{"name": "containerInsights", "value": "{insights}"}}]
}}"""

# --- helpers ------------------------------------------------------------------------------------

_ROOT_NAMES = {"root", "0"}
_WINDOWS_ADMINS = {"containeradministrator", "administrator"}


def _user_part(user: str) -> str:
    """The user of ``user``, ``user:group``, ``uid`` or ``uid:gid`` (the group never makes root)."""
    return user.split(":", 1)[0].strip().lower()


def _platform_known(resource: TaskDefinition) -> bool:
    """Whether the operating system is known (no runtimePlatform means Linux)."""
    platform = resource.data.get("runtimePlatform")
    if is_unknown(platform):
        return False
    family = platform.get("operatingSystemFamily") if isinstance(platform, dict) else None
    return not is_unknown(family)


def _is_root(user: object) -> bool:
    return isinstance(user, str) and _user_part(user) in _ROOT_NAMES


# --- containers: privileges and the root filesystem ------------------------------------------


class PrivilegedContainer(Rule[TaskDefinition]):
    code = "ECS801"
    name = "privileged-container"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A container that sets `privileged: true`."
    rationale = (
        "A privileged container gets every Linux capability and the host's devices: root inside "
        "it is as good as root on the container instance, so one compromised process owns every "
        "task on the host and the instance role. It is a warning, not info: `privileged` is off "
        "unless someone turns it on, so a hit is a deliberate choice worth a second look in "
        "review (a Docker-in-Docker build agent or a host monitoring daemon may really need it; "
        "ignore the rule for that file, with a comment saying why)."
    )
    example = _task(container=_HARDENED + '\n      "privileged": true,')
    fixed = _task()
    fix = (
        "Remove `privileged` (or set it to false); grant only the capabilities the process needs "
        'with `linuxParameters.capabilities.add` (for example `["NET_ADMIN"]`).'
    )
    references = (
        "Security Hub ECS.4",
        "checkov CKV_AWS_334",
        "Prowler ecs_task_definitions_no_privileged_containers",
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        for index, container, name in container_hits(resource):
            if container.get("privileged") is True:
                yield Hit(
                    resource.at("containerDefinitions", index, "privileged"),
                    f"container {name!r} runs privileged: root in it is root on the host",
                )


class RootUser(Rule[TaskDefinition]):
    code = "ECS802"
    name = "root-user"
    severity = INFO
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A Linux container that runs as root: `user` absent, `root` or `0` (any group)."
    rationale = (
        "A process running as root inside a container can rewrite its own binaries and, with a "
        "kernel or runtime flaw, has the shortest way out to the host; a non-root user removes "
        "that head start. Security Hub's ECS.20 counts a container without `user` as root, and so "
        "does this rule, but without `user` the container runs as its image's `USER`, which may "
        "well be non-root: the task definition alone cannot tell. That, and the fact that it "
        "fires on nearly every real task definition (49 of the 52 containers in the public task "
        "definitions under tests/data/corpus set no user), is why it is info: it informs, and "
        "never fails a gate on `warning`. Windows task definitions are judged by "
        "windows-admin-user instead."
    )
    example = _task(container='\n      "readonlyRootFilesystem": true,')
    fixed = _task()
    fix = (
        'Set `"user"` to a non-root UID (`"1000"` or `"1000:1000"`) that exists in the image, or '
        "add a `USER` to the image and say so in the task definition; ports below 1024 then "
        "need a higher port or the `NET_BIND_SERVICE` capability."
    )
    references = (
        "Security Hub ECS.20",
        "AWS Config ecs-task-definition-linux-user-non-root",
        "AWS Config ecs-task-definition-nonroot-user",
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if resource.is_windows or not _platform_known(resource):
            return
        for index, container, name in container_hits(resource):
            user = container.get("user")
            if user is None:
                yield Hit(
                    resource.at("containerDefinitions", index),
                    f"container {name!r} sets no user, so it runs as its image's user "
                    "(root unless the image says otherwise)",
                )
            elif _is_root(user):
                yield Hit(
                    resource.at("containerDefinitions", index, "user"),
                    f"container {name!r} runs as root (user {user!r})",
                )


class WindowsAdminUser(Rule[TaskDefinition]):
    code = "ECS803"
    name = "windows-admin-user"
    severity = INFO
    applies_to = (Kind.TASK_DEFINITION,)
    summary = (
        "A Windows container that runs as `ContainerAdministrator`, or sets no `user` "
        "(Security Hub counts that as the administrator)."
    )
    rationale = (
        "`ContainerAdministrator` is the Windows container's built-in administrator: a process "
        "running as it that is compromised has full rights inside the container, and container "
        "escapes start from there. Security Hub's ECS.21 fails a Windows task definition whose "
        "containers name the default administrator or set no `user`. It is info because, as with "
        "root-user, a missing `user` only means the image's default account (Server Core images "
        "default to `ContainerAdministrator`, Nano Server to `ContainerUser`), and because the "
        "ECS API reference still says `user` is not supported for Windows containers: the "
        "dependable fix is in the image. Only task definitions whose `runtimePlatform` says "
        "Windows are judged."
    )
    example = _WINDOWS_TASK.format(user="ContainerAdministrator")
    fixed = _WINDOWS_TASK.format(user="ContainerUser")
    fix = (
        "Run the application as a non-administrator account: `USER ContainerUser` in the "
        "image's Dockerfile (granting it the folders, registry keys and ports it needs), and the "
        'same account in the container definition\'s `"user"` if your controls read it there.'
    )
    references = (
        "Security Hub ECS.21",
        "AWS Config ecs-task-definition-windows-user-non-admin",
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if not resource.is_windows:
            return
        for index, container, name in container_hits(resource):
            user = container.get("user")
            if user is None:
                yield Hit(
                    resource.at("containerDefinitions", index),
                    f"Windows container {name!r} sets no user, so it runs as its image's default "
                    "account (ContainerAdministrator in Server Core images)",
                )
            elif isinstance(user, str) and _user_part(user) in _WINDOWS_ADMINS:
                yield Hit(
                    resource.at("containerDefinitions", index, "user"),
                    f"Windows container {name!r} runs as the administrator ({user!r})",
                )


class WritableRootFilesystem(Rule[TaskDefinition]):
    code = "ECS804"
    name = "writable-root-filesystem"
    severity = INFO
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A container whose `readonlyRootFilesystem` is not true."
    rationale = (
        "With a writable root filesystem an intruder can drop tools, change the application's "
        "files and persist until the task is replaced; read-only, the container can write only "
        "to the volumes (and tmpfs) you give it. It is info because it judges a default: the "
        "field is off unless set, nearly every real task definition leaves it so (50 of the 52 "
        "containers under tests/data/corpus), and turning it on needs care (a writable volume "
        "for `/tmp`, caches and PID files), so it informs without failing a gate on `warning`. "
        "Windows "
        "containers, which do not support the field, are not judged."
    )
    example = _task(container='\n      "user": "1000:1000",')
    fixed = _task()
    fix = (
        'Set `"readonlyRootFilesystem": true` and mount a volume (a bind mount on Fargate, or '
        "`linuxParameters.tmpfs` on EC2) where the application must write, such as `/tmp`."
    )
    references = (
        "Security Hub ECS.5",
        "checkov CKV_AWS_336",
        "Prowler ecs_task_definitions_containers_readonly_access",
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if resource.is_windows:
            return
        for index, container, name in container_hits(resource):
            value = container.get("readonlyRootFilesystem")
            if value is True or is_unknown(value):
                continue
            if value is None:
                yield Hit(
                    resource.at("containerDefinitions", index),
                    f"container {name!r} has a writable root filesystem "
                    "(readonlyRootFilesystem is not set)",
                )
            else:
                yield Hit(
                    resource.at("containerDefinitions", index, "readonlyRootFilesystem"),
                    f"container {name!r} sets readonlyRootFilesystem to {json.dumps(value)}, "
                    "so its root filesystem is writable",
                )


# --- the task: host namespaces, volumes, roles -------------------------------------------------


class HostPidNamespace(Rule[TaskDefinition]):
    code = "ECS805"
    name = "host-pid-namespace"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A task definition that shares the host's process namespace (`pidMode: host`)."
    rationale = (
        "With the host's PID namespace the containers see every process on the container "
        "instance, other tasks' included, and a root process among them can signal, trace or "
        "read them. A warning: `pidMode` is only `host` when someone asks for it, so a hit is a "
        "deliberate choice that should be justified (a host monitoring agent) or removed."
    )
    example = _task(task='\n  "pidMode": "host",')
    fixed = _task(task='\n  "pidMode": "task",')
    fix = (
        "Remove `pidMode` (each container gets its own namespace) or set it to `task` to share "
        "one namespace only among the task's containers."
    )
    references = (
        "Security Hub ECS.3",
        "checkov CKV_AWS_335",
        "Prowler ecs_task_definitions_host_namespace_not_shared",
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if resource.data.get("pidMode") == "host":
            yield Hit(
                resource.at("pidMode"),
                f"task definition {resource.label} shares the host's process namespace "
                "(pidMode host): its containers see every process on the instance",
            )


class HostNetworkMode(Rule[TaskDefinition]):
    code = "ECS806"
    name = "host-network-mode"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A task definition that uses the host's network (`networkMode: host`)."
    rationale = (
        "In host mode the containers share the instance's network stack: they can reach services "
        "listening on the host's loopback, bind the host's ports, and present themselves as the "
        "host; security groups apply per instance, not per task. The ECS documentation recommends "
        "against it. A warning, since the mode is chosen, never defaulted. The message also names "
        "the containers that run as root without `privileged`, the combination Security Hub's "
        "ECS.1 checked until it was retired (March 2026) in favour of ECS.17 and ECS.20."
    )
    example = _task(mode="host")
    fixed = _task(mode="awsvpc")
    fix = (
        "Use `awsvpc` (each task its own network interface and security groups) or `bridge`; "
        "if a daemon really needs the host's network, run it as a non-root user."
    )
    references = (
        "Security Hub ECS.17",
        "Security Hub ECS.1 (retired)",
        "Prowler ecs_task_definitions_host_networking_mode_users",
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        if resource.data.get("networkMode") != "host":
            return
        as_root = [
            name
            for _, container, name in container_hits(resource)
            if container.get("privileged") is not True
            and ("user" not in container or _is_root(container.get("user")))
        ]
        message = f"task definition {resource.label} uses the host's network (networkMode host)"
        if as_root:
            names = ", ".join(repr(n) for n in as_root)
            verb = "runs" if len(as_root) == 1 else "run"
            message += f"; and {names} {verb} as root in it"
        yield Hit(resource.at("networkMode"), message)


class EfsTransitEncryptionDisabled(Rule[TaskDefinition]):
    code = "ECS808"
    name = "efs-transit-encryption-disabled"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "An EFS volume without `transitEncryption: ENABLED`."
    rationale = (
        "Without transit encryption the NFS traffic between the task and the file system crosses "
        "the VPC in clear text. Transit encryption is off unless asked for (DISABLED is the "
        "default), costs nothing, and is required for EFS IAM authorization; so a hit is cheap to "
        "fix, and a warning."
    )
    example = _task(volumes=_EFS.format(transit=""))
    fixed = _task(volumes=_EFS.format(transit=', "transitEncryption": "ENABLED"'))
    fix = 'Set `"transitEncryption": "ENABLED"` in the volume\'s `efsVolumeConfiguration`.'
    references = (
        "Security Hub ECS.18",
        "checkov CKV_AWS_97",
        "AWS Config ecs-task-definition-efs-encryption-enabled",
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        volumes = resource.data.get("volumes")
        for index, volume in enumerate(volumes if isinstance(volumes, list) else []):
            efs = volume.get("efsVolumeConfiguration") if isinstance(volume, dict) else None
            if not isinstance(efs, dict):
                continue
            name = volume.get("name")
            label = repr(name) if isinstance(name, str) else f"#{index}"
            transit = efs.get("transitEncryption")
            if transit == "ENABLED" or is_unknown(transit):
                continue
            if transit is None:
                yield Hit(
                    resource.at("volumes", index, "efsVolumeConfiguration"),
                    f"EFS volume {label} does not enable transit encryption: "
                    "its NFS traffic is not encrypted",
                )
            else:
                yield Hit(
                    resource.at("volumes", index, "efsVolumeConfiguration", "transitEncryption"),
                    f"EFS volume {label} sets transitEncryption to {json.dumps(transit)}: "
                    "its NFS traffic is not encrypted",
                )


def _role_name(arn: str) -> str:
    """``arn:aws:iam::1:role/path/name`` and ``name`` both name the role ``name``."""
    return arn.rsplit("/", 1)[-1] if arn.startswith("arn:") else arn


class TaskRoleSameAsExecutionRole(Rule[TaskDefinition]):
    code = "ECS811"
    name = "task-role-same-as-execution-role"
    severity = WARNING
    applies_to = (Kind.TASK_DEFINITION,)
    summary = "A task definition whose `taskRoleArn` is its `executionRoleArn`."
    rationale = (
        "The execution role is the ECS agent's: it pulls the image, writes the logs and reads "
        "every secret the task definition references. The task role is the application's. One "
        "role for both gives the application the agent's rights (it can read all the task's "
        "secrets itself, and pull any image the role can) and the agent the application's. A "
        "warning: two roles are cheap, and the shared one is always a choice someone made. Two "
        "fields holding the same template text (`${ROLE_ARN}` in both) name the same role."
    )
    example = _task(
        task='\n  "taskRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",'
    )
    fixed = _task(task='\n  "taskRoleArn": "arn:aws:iam::123456789012:role/web-task",')
    fix = (
        "Create a task role with only what the application calls, keep the execution role for "
        "the agent (AmazonECSTaskExecutionRolePolicy plus the secrets it reads), and point "
        "`taskRoleArn` at the first."
    )
    references = ("checkov CKV_AWS_249",)

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        task, execution = resource.data.get("taskRoleArn"), resource.data.get("executionRoleArn")
        if is_unknown(task) or is_unknown(execution):
            # The same template text stands for the same role, whatever it is filled in with;
            # different texts are not judged.
            same = is_unknown(task) and task == execution
        elif isinstance(task, str) and isinstance(execution, str) and task and execution:
            same = task == execution or _role_name(task) == _role_name(execution)
        else:
            return
        if same:
            role = _role_name(text_of(task) or "")
            yield Hit(
                resource.at("taskRoleArn"),
                f"task definition {resource.label} uses one role ({role}) as its task role and "
                "its execution role: the application gets the agent's rights",
            )


# --- services and RunTask requests ----------------------------------------------------------------


def _public_ip(network: object) -> object:
    vpc = network.get("awsvpcConfiguration") if isinstance(network, dict) else None
    return vpc.get("assignPublicIp") if isinstance(vpc, dict) else None


class ServicePublicIp(Rule[Service]):
    code = "ECS807"
    name = "service-public-ip"
    severity = WARNING
    applies_to = (Kind.SERVICE,)
    summary = (
        "A service (or a task set of one, in describe-services output) that gives its tasks "
        "public IP addresses (`assignPublicIp: ENABLED`)."
    )
    rationale = (
        "Tasks with public IPs are reachable from the internet wherever their security groups "
        "allow it, so one loose rule exposes every task; in private subnets they are reachable "
        "only through what you put in front (a load balancer). It is a warning because the "
        "default is DISABLED: a hit is a choice, often made to reach the internet without a NAT "
        "gateway, which VPC endpoints or a NAT gateway do without exposing the tasks. Task sets "
        "(EXTERNAL and blue/green deployments) are read from describe-services output."
    )
    example = _service(public="ENABLED")
    fixed = _service(public="DISABLED")
    fix = (
        'Set `"assignPublicIp": "DISABLED"` and run the tasks in private subnets, with a NAT '
        "gateway or VPC endpoints (ECR, CloudWatch Logs, Secrets Manager) for what they reach."
    )
    references = (
        "Security Hub ECS.2",
        "Security Hub ECS.16",
        "checkov CKV_AWS_333",
        "Prowler ecs_service_no_assign_public_ip",
        "Prowler ecs_task_set_no_assign_public_ip",
    )

    def check(self, resource: Service, options: RuleOptions) -> Iterator[Hit]:
        if _public_ip(resource.data.get("networkConfiguration")) == "ENABLED":
            yield Hit(
                resource.at("networkConfiguration", "awsvpcConfiguration", "assignPublicIp"),
                f"service {resource.label} gives its tasks public IP addresses",
            )
        task_sets = resource.data.get("taskSets")
        for index, task_set in enumerate(task_sets if isinstance(task_sets, list) else []):
            if not isinstance(task_set, dict):
                continue
            if _public_ip(task_set.get("networkConfiguration")) == "ENABLED":
                name = task_set.get("id")
                label = name if isinstance(name, str) else f"#{index}"
                yield Hit(
                    resource.at(
                        "taskSets",
                        index,
                        "networkConfiguration",
                        "awsvpcConfiguration",
                        "assignPublicIp",
                    ),
                    f"task set {label} of service {resource.label} gives its tasks public IP "
                    "addresses",
                )


_FARGATE_PROVIDERS = {"FARGATE", "FARGATE_SPOT"}


def _on_fargate(data: dict) -> bool:
    """Known to run on Fargate: its launch type, or a capacity provider strategy of Fargate's."""
    if data.get("launchType") == "FARGATE":
        return True
    strategy = data.get("capacityProviderStrategy")
    if "launchType" in data or not isinstance(strategy, list) or not strategy:
        return False
    providers = [s.get("capacityProvider") for s in strategy if isinstance(s, dict)]
    return bool(providers) and all(p in _FARGATE_PROVIDERS for p in providers)


class FargatePlatformVersionNotLatest(Rule[Resource]):
    code = "ECS810"
    name = "fargate-platform-version-not-latest"
    severity = INFO
    applies_to = (Kind.SERVICE, Kind.RUN_TASK)
    summary = (
        "A Fargate service or RunTask request pinned to a `platformVersion` other than `LATEST`."
    )
    rationale = (
        "A pinned platform version stays on its kernel and container runtime when a newer one "
        "ships, and misses the features that need it (EFS volumes, for example, need 1.4.0). No "
        "`platformVersion` means LATEST. It is info: AWS patches every supported platform "
        "version for security, pinning can be a deliberate wish for no surprises, and a version "
        "that equals today's latest (1.4.0 on Linux) is only stale once a newer one ships; "
        "Security Hub ECS.10 nevertheless fails any service not on `LATEST`. Launch types and "
        "capacity providers other than Fargate's are not judged."
    )
    example = _service(platform='\n  "platformVersion": "1.3.0",')
    fixed = _service(platform='\n  "platformVersion": "LATEST",')
    fix = (
        'Set `"platformVersion": "LATEST"` (or leave it out) and redeploy; pin a version only '
        "for a known incompatibility, and revisit it."
    )
    references = (
        "Security Hub ECS.10",
        "checkov CKV_AWS_332",
        "Prowler ecs_service_fargate_latest_platform_version",
    )

    def check(self, resource: Resource, options: RuleOptions) -> Iterator[Hit]:
        data = resource.data
        version = data.get("platformVersion")
        if not isinstance(version, str) or version.upper() == "LATEST" or not _on_fargate(data):
            return
        what = "service" if resource.kind is Kind.SERVICE else "RunTask request for"
        yield Hit(
            resource.at("platformVersion"),
            f"{what} {resource.label} pins Fargate platform version {version} instead of LATEST",
        )


# --- clusters -------------------------------------------------------------------------------------


class ContainerInsightsDisabled(Rule[Cluster]):
    code = "ECS809"
    name = "container-insights-disabled"
    severity = INFO
    applies_to = (Kind.CLUSTER,)
    summary = (
        "A cluster whose `settings` do not turn Container Insights on (`containerInsights` "
        "`enabled` or `enhanced`)."
    )
    rationale = (
        "Container Insights collects per-task and per-service CPU, memory, network and restart "
        "metrics; without it an incident (a task that keeps restarting, memory creeping up) is "
        "diagnosed from scratch. It is info for two reasons: it costs money (CloudWatch metrics "
        "and performance log events, per task), which a cost advisor should not push into a gate, "
        "and a create-cluster request without the setting takes the account's `containerInsights` "
        "default, which this file cannot show. describe-clusters output without the setting is "
        "not reported: it lists a cluster's settings only when asked (`--include SETTINGS`)."
    )
    example = _CLUSTER.format(insights="disabled")
    fixed = _CLUSTER.format(insights="enabled")
    fix = (
        'Add `{"name": "containerInsights", "value": "enabled"}` (or `"enhanced"`) to the '
        "cluster's `settings`, or turn the account default on with "
        "`aws ecs put-account-setting-default --name containerInsights --value enabled`."
    )
    references = (
        "Security Hub ECS.12",
        "checkov CKV_AWS_65",
        "Prowler ecs_cluster_container_insights_enabled",
    )

    def check(self, resource: Cluster, options: RuleOptions) -> Iterator[Hit]:
        settings = resource.data.get("settings")
        if is_unknown(settings):
            return
        for index, setting in enumerate(settings if isinstance(settings, list) else []):
            if not isinstance(setting, dict) or setting.get("name") != "containerInsights":
                continue
            value = setting.get("value")
            if is_unknown(value) or (
                isinstance(value, str) and value.lower() in ("enabled", "enhanced")
            ):
                return
            yield Hit(
                resource.at("settings", index, "value"),
                f"cluster {resource.label} turns Container Insights off "
                f"(containerInsights {json.dumps(value)})",
            )
            return
        if resource.wrapped:  # describe-clusters lists settings only with --include SETTINGS
            return
        yield Hit(
            resource.pointer,
            f"cluster {resource.label} does not turn Container Insights on "
            "(no containerInsights setting: the account default applies)",
        )
