"""`ecs-advisor audit` against moto (in-process), with botocore's Stubber for what moto lacks."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import boto3
import cloudtrail_factory as ct
import jsonschema
import moto
import pytest
from botocore import stub
from botocore.stub import Stubber
from conftest import DATA, fake_aws_environment

from advisor.audit import aws_session

REGION = "eu-west-1"


@pytest.fixture(autouse=True)
def no_pacing(monkeypatch):
    from advisor.audit import account_reader

    monkeypatch.setattr(account_reader.time, "sleep", lambda seconds: None)


@pytest.fixture(autouse=True)
def aws(monkeypatch, tmp_path):
    """Fake credentials and an in-process AWS; nothing leaves this process."""
    fake_aws_environment(monkeypatch, tmp_path, REGION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    ct.reset()
    with moto.mock_aws():
        yield


def seed(desired: int = 1, image: str = "nginx:latest", tags: bool = False) -> dict:
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod")
    definition = ecs.register_task_definition(
        family="report",
        requiresCompatibilities=["FARGATE"],
        networkMode="awsvpc",
        cpu="512",
        memory="1024",
        executionRoleArn="arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
        containerDefinitions=[
            {
                "name": "report",
                "image": image,
                "memoryReservation": 512,
                "logConfiguration": {
                    "logDriver": "awslogs",
                    "options": {
                        "awslogs-group": "/ecs/report",
                        "awslogs-region": REGION,
                        "awslogs-stream-prefix": "report",
                    },
                },
            }
        ],
    )["taskDefinition"]
    ecs.create_service(
        cluster="prod",
        serviceName="report",
        taskDefinition="report:1",
        desiredCount=desired,
        launchType="FARGATE",
        enableECSManagedTags=tags,
        propagateTags="SERVICE" if tags else "NONE",
    )
    return definition


def recent_stops(every_days: int, minutes: int, count: int = 3) -> list[dict]:
    """A person stopping the report service's task every few days, up to now."""
    now = dt.datetime.now(dt.UTC)
    person = ct.sso_user()
    return [
        ct.stop_task(
            person,
            now - dt.timedelta(days=n * every_days),
            ct.task_id(),
            family="report",
            revision=1,  # the revision seed() registers
            service="report",
            started_at=now - dt.timedelta(days=n * every_days, minutes=minutes),
        )
        for n in range(count)
    ]


def upload_trail(root, bucket: str = "trail", prefix: str = "") -> None:
    """The files write_trail made under root, into a moto bucket, keeping their keys."""
    s3 = boto3.client("s3", region_name=REGION)
    if bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
    for path in root.rglob("*.json.gz"):
        s3.put_object(
            Bucket=bucket, Key=prefix + str(path.relative_to(root)), Body=path.read_bytes()
        )


def audit(cli, *args):
    code, out, err = cli("audit", "--region", REGION, "--format", "json", *args)
    return (
        code,
        (json.loads(out, parse_float=Decimal) if out.strip().startswith("{") else None),
        err,
    )


LOOKED_UP = [
    "CreateService",
    "DeleteService",
    "RegisterTaskDefinition",
    "RunTask",
    "StartTask",
    "StopTask",
    "UpdateService",
]


def lookup_client(records, error_code=None):
    """A CloudTrail client answering LookupEvents, one event name at a time as the audit asks,
    with real-shaped events (or an error)."""
    client = boto3.client("cloudtrail", region_name=REGION)
    stubber = Stubber(client)
    if error_code:
        stubber.add_client_error("lookup_events", error_code, "denied", 400)
    else:
        events = ct.lookup_events_output(records)["Events"]
        for event in events:
            event["EventTime"] = dt.datetime.fromisoformat(event["EventTime"])
        for name in LOOKED_UP:
            answer = [e for e in events if e["EventName"] == name]
            expected = {
                "LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": name}],
                "StartTime": stub.ANY,
                "EndTime": stub.ANY,
                "MaxResults": 50,
            }
            stubber.add_response("lookup_events", {"Events": answer}, expected)
    stubber.activate()
    return client


@pytest.fixture
def cloudtrail(monkeypatch):
    """Route the audit's CloudTrail client to a stub; every other client stays on moto."""
    answer = {}
    real = aws_session.client

    def client(session, service, region=None):
        if service == "cloudtrail":
            return answer["client"]
        if service in answer:  # another stubbed client (logs)
            return answer[service]
        return real(session, service, region)

    monkeypatch.setattr(aws_session, "client", client)
    return answer


def test_lint_rules_run_on_live_configuration(cli):
    seed()
    code, report, err = audit(cli, "--cloudtrail", "none")
    assert code == 1, err
    names = {f["name"] for f in report["findings"]}
    assert {
        "mutable-image-tag",
        "service-without-managed-tags",
        "service-tags-not-propagated",
    } <= names
    finding = next(f for f in report["findings"] if f["name"] == "service-without-managed-tags")
    assert finding["account"] == "123456789012" and finding["region"] == REGION
    assert finding["path"].startswith("arn:aws:ecs:eu-west-1:123456789012:service/")
    [cost] = report["costs"]
    rates = {"vcpu": Decimal("0.04048"), "gb": Decimal("0.004445")}
    assert cost["monthly_usd"] == pytest.approx(
        730 * (Decimal("0.5") * rates["vcpu"] + rates["gb"])
    )
    assert report["summary"]["unknown"] == ["history rules not evaluated (--cloudtrail none)"]


def test_history_from_lookup_events_uses_the_live_desired_count(cli, cloudtrail):
    seed(desired=1, image="nginx:1.27.0", tags=True)
    stops = recent_stops(every_days=5, minutes=30, count=3)
    cloudtrail["client"] = lookup_client(stops)
    code, report, err = audit(cli, "--job-duration", "30m")
    assert code == 1, err
    [finding] = [f for f in report["findings"] if f["name"] == "service-stopped-manually"]
    assert finding["severity"] == "warning" and finding["evidence"]["desired_count"] == 1
    assert finding["cost"]["current_monthly_usd"] > finding["cost"]["alternative_monthly_usd"]
    assert finding["account"] == "123456789012"


def test_access_denied_on_history_is_reported_and_the_rest_goes_on(cli, cloudtrail):
    seed()
    cloudtrail["client"] = lookup_client([], error_code="AccessDeniedException")
    code, report, err = audit(cli)
    assert code == 2  # the history rules needed CloudTrail: an unread source is not passed
    assert [f["name"] for f in report["findings"]]  # the lint findings are still reported
    cloudtrail["client"] = lookup_client([], error_code="AccessDeniedException")
    code, partial, _ = audit(cli, "--allow-partial")
    assert code == 1  # accepted as partial: the lint findings fail the run
    assert partial["errors"] == report["errors"]
    [error] = report["errors"]
    assert (
        error["source"].startswith("CloudTrail history")
        and "AccessDeniedException" in error["message"]
    )
    unknown = report["summary"]["unknown"]
    assert any("history rules not evaluated (CloudTrail could not be read)" in u for u in unknown)
    assert any(
        "CloudTrail history (lookup) cloudtrail:LookupEvents could not be read" in u
        for u in unknown
    )
    assert "AccessDeniedException" in err


def test_throttling_that_outlasts_the_retries_is_reported_not_fatal(cli, cloudtrail):
    """The ThrottlingException botocore raises once its retries are spent (the Stubber raises it
    at once: the retries themselves are shown by test_audit_e2e against a throttling endpoint)."""
    seed()
    cloudtrail["client"] = lookup_client([], error_code="ThrottlingException")
    code, report, _ = audit(cli)
    assert code == 2 and "ThrottlingException" in report["errors"][0]["message"]


def test_the_audit_only_reads(cli, monkeypatch):
    seed()
    called = []
    real = aws_session.guarded

    def recording(session):
        session.events.register("before-call", lambda model, **_: called.append(model.name))
        return real(session)

    monkeypatch.setattr(aws_session, "guarded", recording)
    ecs = boto3.client("ecs", region_name=REGION)
    before = ecs.describe_services(cluster="prod", services=["report"])["services"][0]
    audit(cli, "--cloudtrail", "none")
    after = ecs.describe_services(cluster="prod", services=["report"])["services"][0]
    assert called and all(
        n.startswith(("List", "Describe", "Get")) or n == "LookupEvents" for n in called
    )
    assert (before["desiredCount"], before["taskDefinition"]) == (
        after["desiredCount"],
        after["taskDefinition"],
    )
    assert ecs.list_task_definitions()["taskDefinitionArns"] == [before["taskDefinition"]]


def test_a_write_through_an_audit_session_is_refused_before_it_is_sent():
    seed()
    session = aws_session.base_session(None)
    ecs = aws_session.client(session, "ecs", REGION)
    with pytest.raises(aws_session.ReadOnlyViolation, match="refused ecs:UpdateService"):
        ecs.update_service(cluster="prod", service="report", desiredCount=0)
    with pytest.raises(aws_session.ReadOnlyViolation, match="refused ecs:StopTask"):
        ecs.stop_task(cluster="prod", task="x")
    assert (
        boto3.client("ecs", region_name=REGION).describe_services(
            cluster="prod", services=["report"]
        )["services"][0]["desiredCount"]
        == 1
    )


def test_no_credentials_is_one_line_exit_2(cli, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    code, out, err = cli("audit", "--region", REGION, "--cloudtrail", "none")
    assert code == 2 and out == ""
    assert "could not read the account" in err and "Traceback" not in err


def test_reports_markdown_sarif_and_atomic_output(cli, tmp_path):
    seed()
    code, out, _ = cli("audit", "--region", REGION, "--cloudtrail", "none", "--format", "markdown")
    assert out.startswith("## ECS audit:") and "| severity" in out
    target = tmp_path / "report.sarif"
    code, out, _ = cli(
        "audit",
        "--region",
        REGION,
        "--cloudtrail",
        "none",
        "--format",
        "sarif",
        "--output",
        str(target),
    )
    assert out == "" and code == 1
    sarif = json.loads(target.read_text())
    assert sarif["version"] == "2.1.0"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"ECS401", "ECS501"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ecs-advisor-")]


def test_print_iam_policy(cli):
    code, out, _ = cli("audit", "--print-iam-policy")
    policy = json.loads(out)
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert code == 0 and "cloudtrail:LookupEvents" in actions and "ecs:DescribeServices" in actions
    reads = ("List", "Describe", "Get", "LookupEvents")
    assert all(a.split(":")[1].startswith(reads) or a == "kms:Decrypt" for a in actions)


def test_history_from_a_trail_bucket(cli, tmp_path):
    seed(image="nginx:1.27.0", tags=True)
    stops = recent_stops(every_days=3, minutes=20, count=3)
    ct.write_trail(tmp_path / "trail", stops, org_id="o-abc123def4")
    upload_trail(tmp_path / "trail", prefix="logs/")
    code, report, err = audit(cli, "--cloudtrail", "s3://trail/logs")
    assert code == 1, err
    assert "service-stopped-manually" in {f["name"] for f in report["findings"]}
    code, report, _ = audit(cli, "--cloudtrail", "s3://missing-bucket")
    assert code == 2 and "NoSuchBucket" in report["errors"][0]["message"]
    assert (
        report["errors"][0]["source"] == "CloudTrail history (s3://missing-bucket) s3:ListObjectsV2"
    )


def test_unknown_region_arguments_and_exclusive_options(cli):
    code, _, err = cli(
        "audit", "--role-arn", "arn:aws:iam::123456789012:role/x", "--accounts", "f.txt"
    )
    assert code == 2 and "not both" in err
    code, _, err = cli("audit", "--region", REGION, "--since", "200d")
    assert code == 2 and "90 days" in err


def test_many_accounts_through_assumed_roles(cli, tmp_path):
    seed()
    accounts = tmp_path / "accounts.txt"
    accounts.write_text("111111111111  # production\n222222222222\n\n")
    code, out, err = cli(
        "audit",
        "--region",
        REGION,
        "--cloudtrail",
        "none",
        "--format",
        "json",
        "--accounts",
        str(accounts),
        "--role-name",
        "ecs-advisor-audit",
    )
    report = json.loads(out)
    assert report["summary"]["accounts"] == ["111111111111", "222222222222"], err
    accounts.write_text("12345\n")
    code, _, err = cli("audit", "--region", REGION, "--accounts", str(accounts), "--role-name", "x")
    assert code == 2 and "not 12-digit account ids" in err


def test_sarif_validates_against_the_oasis_schema(cli, tmp_path):
    seed()
    _, out, _ = cli("audit", "--region", REGION, "--cloudtrail", "none", "--format", "sarif")
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.validate(json.loads(out), schema, cls=jsonschema.Draft7Validator)


def test_live_output_is_not_judged_by_the_api_schema(cli):
    seed(image="nginx:1.27.0", tags=True)  # moto returns datetimes, as botocore does
    _, report, _ = audit(cli, "--cloudtrail", "none")
    assert not {"unknown-field", "invalid-field-value", "missing-required-field"} & {
        f["name"] for f in report["findings"]
    }


def test_options_checked_before_the_run(cli, tmp_path):
    code, _, err = cli("audit", "--region", REGION, "--role-name", "x")
    assert code == 2 and "--role-name goes with --accounts" in err
    code, _, err = cli(
        "audit", "--region", REGION, "--output", str(tmp_path / "no" / "such" / "r.json")
    )
    assert code == 2 and "no such folder" in err


def test_a_damaged_trail_object_and_duplicate_layouts(cli, tmp_path):
    seed(image="nginx:1.27.0", tags=True)
    stops = recent_stops(every_days=3, minutes=20, count=2)
    ct.write_trail(tmp_path / "a", stops)  # the same records in both layouts
    ct.write_trail(tmp_path / "b", stops, org_id="o-abc123def4")
    upload_trail(tmp_path / "a")
    upload_trail(tmp_path / "b")
    day = dt.datetime.now(dt.UTC).strftime("%Y/%m/%d")
    boto3.client("s3", region_name=REGION).put_object(
        Bucket="trail",
        Key=f"AWSLogs/123456789012/CloudTrail/{REGION}/{day}/broken.json.gz",
        Body=b"\x1f\x8bnot gzip",
    )
    _, report, err = audit(cli, "--cloudtrail", "s3://trail")
    assert "internal error" not in err
    assert any("broken.json.gz" in e["source"] for e in report["errors"])
    assert "service-stopped-manually" not in {
        f["name"] for f in report["findings"]
    }  # 2 stops, not 4


# --- how long the stopped tasks worked: their awslogs streams ---------------------------------

LOG_GROUP = "/ecs/report"  # seed()'s awslogs-group: a log option, never printed


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def worked_then_stopped(count: int, worked_minutes: int | None, every_days: int = 3) -> list[dict]:
    """The report service's task stopped by a person ``count`` times, each 3 hours after it
    started; with ``worked_minutes`` its log stream (seed()'s awslogs prefix and container) has
    a line at start and its last line that many minutes after the start, in moto."""
    logs = boto3.client("logs", region_name=REGION)
    if LOG_GROUP not in [g["logGroupName"] for g in logs.describe_log_groups()["logGroups"]]:
        logs.create_log_group(logGroupName=LOG_GROUP)
    now = dt.datetime.now(dt.UTC)
    person = ct.sso_user()
    stops = []
    for n in range(count):
        started = now - dt.timedelta(days=n * every_days, hours=4)
        task_id = ct.task_id()
        stops.append(
            ct.stop_task(
                person,
                started + dt.timedelta(hours=3),
                task_id,
                family="report",
                revision=1,
                service="report",
                started_at=started,
            )
        )
        if worked_minutes is not None:
            stream = f"report/report/{task_id}"
            logs.create_log_stream(logGroupName=LOG_GROUP, logStreamName=stream)
            logs.put_log_events(
                logGroupName=LOG_GROUP,
                logStreamName=stream,
                logEvents=[
                    {"timestamp": _ms(started + dt.timedelta(seconds=20)), "message": "start"},
                    {
                        "timestamp": _ms(started + dt.timedelta(minutes=worked_minutes)),
                        "message": "report written",
                    },
                ],
            )
    return stops


def test_the_job_is_priced_on_how_long_the_stopped_tasks_logged(cli, cloudtrail):
    seed(image="nginx:1.27.0", tags=True)
    cloudtrail["client"] = lookup_client(worked_then_stopped(3, worked_minutes=40))
    code, report, err = audit(cli)
    assert code == 1, err
    [finding] = [f for f in report["findings"] if f["name"] == "service-stopped-manually"]
    evidence, cost = finding["evidence"], finding["cost"]
    assert evidence["job_run_seconds"] == 2400  # 40 minutes, not the 3 hours each task was up
    assert evidence["job_run_source"] == "the stopped tasks' log streams, start to last event"
    assert "a run as a job takes 40m (from the stopped tasks' log streams" in finding["message"]
    assert cost["assumptions"]["run_seconds"] == 2400
    # 0.5 vCPU x 0.04048 + 1 GB x 0.004445 = 0.024685 $/hour; 40 min = 0.0164567 $ a run;
    # 3 runs in the 30-day window = 3.042 runs a month: 0.0500612 $ a month.
    assert cost["alternative_monthly_usd"] == pytest.approx(
        Decimal("0.0500612"), rel=Decimal("1e-4")
    )
    assert report["errors"] == []


def test_a_denied_log_read_is_reported_and_leaves_the_run_length_unknown(cli, cloudtrail):
    seed(image="nginx:1.27.0", tags=True)
    cloudtrail["client"] = lookup_client(worked_then_stopped(3, worked_minutes=40))
    logs = boto3.client("logs", region_name=REGION)
    stubber = Stubber(logs)
    message = (  # as AWS writes it: the message names the log group
        "User: arn:aws:sts::123456789012:assumed-role/auditor/audit is not authorized to "
        "perform: logs:DescribeLogStreams on resource: "
        f"arn:aws:logs:{REGION}:123456789012:log-group:{LOG_GROUP}:log-stream:"
    )
    stubber.add_client_error("describe_log_streams", "AccessDeniedException", message, 400)
    stubber.activate()
    cloudtrail["logs"] = logs
    code, out, err = cli("audit", "--region", REGION, "--format", "json", "--allow-partial")
    assert code == 1, err  # accepted as partial, the findings fail the run: not a crash
    stubber.assert_no_pending_responses()  # asked once; the service's other tasks not tried
    report = json.loads(out, parse_float=Decimal)
    [finding] = [f for f in report["findings"] if f["name"] == "service-stopped-manually"]
    assert finding["cost"]["alternative_monthly_usd"] is None
    assert finding["evidence"]["job_run_seconds"] is None
    assert "no run length known" in finding["message"]
    [error] = report["errors"]
    assert error["source"] == "logs:DescribeLogStreams (service prod/report)"
    assert error["message"].startswith("AccessDeniedException")
    assert any(
        "logs:DescribeLogStreams (service prod/report) could not be read" in u
        for u in report["summary"]["unknown"]
    )
    assert "AccessDeniedException" in err
    assert LOG_GROUP not in out and LOG_GROUP not in err  # a log option's value
    stubber.add_client_error("describe_log_streams", "AccessDeniedException", message, 400)
    code, _, _ = cli("audit", "--region", REGION, "--format", "json")
    assert code == 2  # by default a run length that could not be read is not passed


def test_a_stream_that_runs_until_the_stop_says_nothing_of_the_work(cli, cloudtrail):
    """A task that logs until it is stopped (or logs its shutdown) has no known run length:
    its last event is the stop, and the task's age is never the job's run length."""
    seed(image="nginx:1.27.0", tags=True)
    cloudtrail["client"] = lookup_client(worked_then_stopped(3, worked_minutes=180))
    _, report, err = audit(cli)
    [finding] = [f for f in report["findings"] if f["name"] == "service-stopped-manually"]
    assert finding["evidence"]["job_run_seconds"] is None, err
    assert finding["cost"]["alternative_monthly_usd"] is None


def test_no_log_reads_when_the_job_duration_is_given(cli, cloudtrail):
    seed(image="nginx:1.27.0", tags=True)
    cloudtrail["client"] = lookup_client(worked_then_stopped(3, worked_minutes=40))
    cloudtrail["logs"] = boto3.client("logs", region_name=REGION)  # unstubbed: any call fails
    Stubber(cloudtrail["logs"]).activate()
    _, report, err = audit(cli, "--job-duration", "10m")
    [finding] = [f for f in report["findings"] if f["name"] == "service-stopped-manually"]
    assert finding["evidence"]["job_run_seconds"] == 600 and report["errors"] == [], err


def test_every_call_is_read_only_and_in_the_policy_log_reads_included(cli, monkeypatch, tmp_path):
    """The whole audit, history from a trail bucket and log streams read, through the guarded
    sessions: every operation sent is a read the printed policy allows, and the log reads are
    bounded (5 of the 7 tasks stopped)."""
    seed(image="nginx:1.27.0", tags=True)
    stops = worked_then_stopped(7, worked_minutes=None, every_days=1)
    ct.write_trail(tmp_path / "trail", stops)
    upload_trail(tmp_path / "trail")
    called: list[str] = []
    real = aws_session.guarded

    def recording(session):
        def record(model, **_):
            called.append(f"{model.service_model.signing_name}:{model.name}")

        session.events.register("before-call", record)
        return real(session)

    monkeypatch.setattr(aws_session, "guarded", recording)
    code, report, err = audit(cli, "--cloudtrail", "s3://trail")
    assert code == 1 and report["errors"] == [], err
    allowed = {a for s in aws_session.IAM_POLICY["Statement"] for a in s["Action"]}
    iam_action = {"s3:ListObjectsV2": "s3:ListBucket"}  # the API and its IAM action differ
    assert {iam_action.get(c, c) for c in called} <= allowed, set(called)
    assert all(c.split(":")[1].startswith(("List", "Describe", "Get")) for c in called)
    assert called.count("logs:DescribeLogStreams") == 5


def test_a_log_write_through_an_audit_session_is_refused():
    session = aws_session.base_session(None)
    logs = aws_session.client(session, "logs", REGION)
    with pytest.raises(aws_session.ReadOnlyViolation, match="refused logs:CreateLogGroup"):
        logs.create_log_group(logGroupName=LOG_GROUP)
    with pytest.raises(aws_session.ReadOnlyViolation, match="refused logs:PutLogEvents"):
        logs.put_log_events(
            logGroupName=LOG_GROUP,
            logStreamName="s",
            logEvents=[{"timestamp": _ms(dt.datetime.now(dt.UTC)), "message": "x"}],
        )
    assert boto3.client("logs", region_name=REGION).describe_log_groups()["logGroups"] == []


def test_the_work_stream_is_the_first_essential_awslogs_container_in_the_region():
    from advisor.audit.work_logs import log_stream

    def container(name, region=REGION, essential=None, prefix="app"):
        options = {"awslogs-group": LOG_GROUP, "awslogs-region": region}
        if prefix:
            options["awslogs-stream-prefix"] = prefix
        found = {"name": name, "logConfiguration": {"logDriver": "awslogs", "options": options}}
        if essential is not None:
            found["essential"] = essential
        return found

    arn = f"arn:aws:ecs:{REGION}:123456789012:task/prod/0123456789abcdef0123456789abcdef"
    sidecar_first = {
        "containerDefinitions": [
            {"name": "xray", "essential": False},
            container("router", essential=False),
            container("work"),
            container("envoy"),
        ]
    }
    assert log_stream(sidecar_first, arn, REGION) == (
        LOG_GROUP,
        "app/work/0123456789abcdef0123456789abcdef",
    )
    other_region = {"containerDefinitions": [container("work", region="us-east-1")]}
    assert log_stream(other_region, arn, REGION) is None
    no_prefix = {"containerDefinitions": [container("work", prefix=None)]}
    assert log_stream(no_prefix, arn, REGION) is None
    firelens = {
        "containerDefinitions": [{"name": "work", "logConfiguration": {"logDriver": "awsfirelens"}}]
    }
    assert log_stream(firelens, arn, REGION) is None


def test_without_the_task_start_the_stream_first_event_is_the_start():
    from advisor.audit.work_logs import StoppedTask, worked_seconds

    stop = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    first = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    stream = {
        "firstEventTimestamp": _ms(first),
        "lastEventTimestamp": _ms(first + dt.timedelta(minutes=25)),
    }
    unknown_start = StoppedTask("arn", "td", None, stop)
    assert worked_seconds(stream, unknown_start) == 1500
    known_start = unknown_start._replace(started=first - dt.timedelta(minutes=5))
    assert worked_seconds(stream, known_start) == 1800
    empty = {"logStreamName": "app/work/x", "creationTime": _ms(first)}  # no events yet
    assert worked_seconds(empty, known_start) is None
