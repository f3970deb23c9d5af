"""The audit under size and latency: page sizes, one read a task definition, one error for a
denied operation, a deadline, bounded retries, and pricing that does not scan per service.

In-process tests use moto; the hang and deadline tests run the audit as a subprocess against a
local endpoint on 127.0.0.1 that the test starts and stops (test_audit_e2e's FakeAws).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import boto3
import moto
import pytest
from botocore.exceptions import ReadTimeoutError
from conftest import fake_aws_environment
from test_audit_e2e import REPO, FakeAws, _account_answers, _environment, _FakeAwsHandler

from advisor.audit import account_reader, aws_session

REGION = "eu-west-1"


@pytest.fixture
def aws(monkeypatch, tmp_path):
    fake_aws_environment(monkeypatch, tmp_path, REGION)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(account_reader.time, "sleep", lambda seconds: None)
    with moto.mock_aws():
        yield


def seed(services: int, families: int) -> None:
    """``services`` services in cluster prod, running ``families`` task definitions between them."""
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="prod")
    for n in range(families):
        ecs.register_task_definition(
            family=f"app{n}",
            requiresCompatibilities=["FARGATE"],
            networkMode="awsvpc",
            cpu="256",
            memory="512",
            containerDefinitions=[{"name": "app", "image": "acme/app:1.0", "essential": True}],
        )
    for n in range(services):
        ecs.create_service(
            cluster="prod",
            serviceName=f"svc{n}",
            taskDefinition=f"app{n % families}:1",
            desiredCount=1,
            launchType="FARGATE",
        )


def recorded_calls(
    monkeypatch, deny: str | None = None, replace: dict | None = None
) -> list[tuple[str, dict]]:
    """Every (operation, parameters) the audit's clients send; ``deny`` answers that operation
    with AccessDeniedException instead of sending it; ``replace`` gives stubbed clients by
    service."""
    calls: list[tuple[str, dict]] = []
    real = aws_session.client

    def record(model, params, **_):
        calls.append((model.name, dict(params)))

    def refuse(model, **_):
        if model.name == deny:
            error = {"Code": "AccessDeniedException", "Message": f"not authorized: {model.name}"}
            return SimpleNamespace(status_code=400, headers={}), {"Error": error}
        return None

    def client(session, service, region=None):
        if replace and service in replace:
            return replace[service]
        made = real(session, service, region)
        made.meta.events.register("before-parameter-build", record)
        made.meta.events.register("before-call", refuse)
        return made

    monkeypatch.setattr(aws_session, "client", client)
    return calls


def test_lists_ask_for_100_a_page_and_each_task_definition_is_described_once(aws, cli, monkeypatch):
    seed(services=25, families=3)
    calls = recorded_calls(monkeypatch)
    code, out, err = cli("audit", "--region", REGION, "--cloudtrail", "none", "--format", "json")
    assert code == 1, err  # findings (no managed tags, ...), all read
    report = json.loads(out)
    assert report["errors"] == [] and report["summary"]["services"] == 25
    names = [name for name, _ in calls]
    for listing in ("ListClusters", "ListServices", "ListTasks"):
        sent = [params for name, params in calls if name == listing]
        assert sent and all(p.get("maxResults") == 100 for p in sent), (listing, sent)
    assert names.count("DescribeServices") == 3  # 10 + 10 + 5
    described = [p["taskDefinition"] for name, p in calls if name == "DescribeTaskDefinition"]
    assert len(described) == 3 and len(set(described)) == 3


def test_a_denied_describe_task_definition_is_one_error_with_its_count(aws, cli, monkeypatch):
    seed(services=12, families=12)
    recorded_calls(monkeypatch, deny="DescribeTaskDefinition")
    _, out, err = cli("audit", "--region", REGION, "--cloudtrail", "none", "--format", "json")
    report = json.loads(out)
    denied = [e for e in report["errors"] if "DescribeTaskDefinition" in e["source"]]
    assert len(denied) == 1, denied
    assert denied[0]["source"] == "ecs:DescribeTaskDefinition (12 task definitions)"
    assert denied[0]["message"].startswith("AccessDeniedException: not authorized")
    assert "(the first of 12: arn:aws:ecs:eu-west-1:" in denied[0]["message"]
    assert err.count("\n") == 1  # one line on stderr, not twelve
    unknown = [u for u in report["summary"]["unknown"] if "DescribeTaskDefinition" in u]
    assert len(unknown) == 1


def test_a_denied_task_definition_is_not_asked_again_for_the_work_logs(aws, cli, monkeypatch):
    """The stopped tasks' log streams need their task definition: one the reader was denied is
    not described (and reported) a second time."""
    from test_audit import lookup_client, worked_then_stopped
    from test_audit import seed as seed_report

    seed_report(image="nginx:1.27.0", tags=True)
    trail = lookup_client(worked_then_stopped(3, worked_minutes=40))
    calls = recorded_calls(
        monkeypatch, deny="DescribeTaskDefinition", replace={"cloudtrail": trail}
    )
    _, out, _ = cli("audit", "--region", REGION, "--format", "json")
    report = json.loads(out)
    denied = [e for e in report["errors"] if "DescribeTaskDefinition" in e["source"]]
    assert [e["source"] for e in denied] == [
        f"ecs:DescribeTaskDefinition arn:aws:ecs:{REGION}:123456789012:task-definition/report:1"
    ]
    assert [name for name, _ in calls].count("DescribeTaskDefinition") == 1


def test_pricing_looks_findings_up_instead_of_scanning_them_per_service():
    """A quadratic scan iterates the findings once a service; the index, once in all."""
    from advisor.config import Settings
    from advisor.engine import ReadContext, Result, judge
    from advisor.enrich import Pricing, price_services
    from advisor.sources.registry import source

    class Counted(list):
        iterations = 0

        def __iter__(self):
            Counted.iterations += 1
            return super().__iter__()

    settings = Settings()
    result = Result()
    data = account_reader.RegionData("123456789012", REGION)
    arn = f"arn:aws:ecs:{REGION}:123456789012"
    data.task_definitions[f"{arn}:task-definition/app:1"] = {
        "taskDefinitionArn": f"{arn}:task-definition/app:1",
        "family": "app",
        "revision": 1,
        "requiresCompatibilities": ["FARGATE"],
        "cpu": "256",
        "memory": "512",
        "containerDefinitions": [{"name": "app", "image": "acme/app:latest"}],
    }
    for n in range(200):
        data.services.append(
            {
                "serviceArn": f"{arn}:service/prod/svc{n}",
                "serviceName": f"svc{n}",
                "clusterArn": f"{arn}:cluster/prod",
                "taskDefinition": f"{arn}:task-definition/app:1",
                "desiredCount": 1,
                "launchType": "FARGATE",
                "enableECSManagedTags": False,
            }
        )
    resources = list(source("live").read([data], ReadContext(settings, result)))
    judge(result, resources, settings)
    findings = Counted(result.findings)
    rows = price_services(findings, resources, Pricing(REGION))
    assert len(rows) == 200
    on_services = [f for f in findings if f.location.path.endswith(("svc0", "svc199"))]
    assert on_services and all(f.cost and f.cost["monthly_usd"] for f in on_services)
    assert Counted.iterations <= 3  # once to price, once here (was 200 + 1)


def test_retries_of_one_call_are_bounded():
    budget = aws_session.Budget(600)
    fresh: dict = {"context": {}}
    assert budget.may_retry(1, None, fresh) is None  # botocore decides
    assert budget.may_retry(4, None, fresh) is None
    old = {"context": {"ecs_advisor_started": time.monotonic() - aws_session.RETRY_BUDGET - 1}}
    assert budget.may_retry(2, None, old) is False  # a run of throttles: no more
    timeout = ReadTimeoutError(endpoint_url="http://127.0.0.1:1")
    assert budget.may_retry(1, timeout, {"context": {}}) is None  # one more try
    assert budget.may_retry(2, timeout, {"context": {}}) is False
    assert aws_session.Budget(0.01).config().read_timeout == 1.0
    assert aws_session.Budget(600).config().read_timeout == 20.0
    assert aws_session.Budget(600).config().max_pool_connections == account_reader.WORKERS + 1


def test_no_call_starts_after_the_deadline(aws):
    aws_session.set_timeout(0.01)
    try:
        time.sleep(0.05)
        ecs = aws_session.client(aws_session.base_session(None), "ecs", REGION)
        with pytest.raises(aws_session.DeadlineExceeded, match=r"--timeout of 0\.01 s ran out"):
            ecs.list_clusters()
    finally:
        aws_session.BUDGET = aws_session.Budget(running=False)


# --- a local endpoint that accepts and never answers some calls ----------------------------------


class _Hanging(_FakeAwsHandler):
    def do_POST(self) -> None:
        operation = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
        if operation in self.server.hang:
            with self.server.lock:
                self.server.requests.append({"key": operation, "hung": True})
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.server.released.wait(60)  # never answers while the test runs
            return
        super().do_POST()


class HangingAws(FakeAws):
    daemon_threads = True

    def __init__(self, answers: dict, hang: set[str]) -> None:
        super().__init__(answers, throttle={})
        self.RequestHandlerClass = _Hanging
        self.hang = hang
        self.released = threading.Event()


@pytest.fixture
def hanging_aws():
    server = HangingAws(_account_answers(), hang={"DescribeTaskDefinition"})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _audit(server, tmp_path, *args):
    began = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "advisor", "audit", "--region", REGION, "--format", "json", *args],
        env=_environment(server.url, tmp_path),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    return run, time.monotonic() - began


def test_a_call_that_never_answers_costs_two_read_timeouts_and_the_rest_is_reported(
    hanging_aws, tmp_path
):
    run, took = _audit(hanging_aws, tmp_path, "--cloudtrail", "none", "--timeout", "20")
    assert took < 15, took  # read timeout 2 s (20 / 10), tried twice; not 5 x 30 s
    hung = [r for r in hanging_aws.requests if r.get("hung")]
    assert len(hung) == 2  # the first try and one retry
    report = json.loads(run.stdout)
    [error] = [e for e in report["errors"] if "DescribeTaskDefinition" in e["source"]]
    assert "Read timeout" in error["message"]
    # What was read by then is judged: the service itself.
    assert report["summary"]["services"] == 1
    assert "service-without-managed-tags" in {f["name"] for f in report["findings"]}
    assert any("DescribeTaskDefinition" in u for u in report["summary"]["unknown"])


def test_the_deadline_ends_the_run_and_names_what_was_not_read(hanging_aws, tmp_path):
    """LookupEvents is paced at two requests a second (7 event names: 3 s at least): a 2 s
    deadline ends the history part way; the configuration, read meanwhile, is reported."""
    hanging_aws.hang = set()
    run, took = _audit(hanging_aws, tmp_path, "--timeout", "2")
    assert took < 15, took
    report = json.loads(run.stdout)
    history = [e for e in report["errors"] if "CloudTrail" in e["source"]]
    assert history and "--timeout of 2 s ran out" in history[0]["message"], report["errors"]
    assert report["summary"]["services"] == 1
    assert any("history rules not evaluated" in u for u in report["summary"]["unknown"])


def test_timeout_must_be_a_positive_number(cli):
    code, out, err = cli("audit", "--region", REGION, "--timeout", "0")
    assert code == 2 and out == "" and err.count("\n") == 1 and "--timeout" in err


def test_a_run_of_throttles_costs_seconds_not_minutes(tmp_path):
    """An endpoint that throttles every DescribeTaskDefinition: each is retried (the server sees
    it again), the retries stop, and the run ends in seconds with one error and its count.
    (botocore's adaptive mode took minutes: it paced the client to one request every 2 s.)"""
    answers = _account_answers()
    [service] = answers["DescribeServices"]["services"]
    services = []
    for n in range(10):  # 10 services (one DescribeServices), each on a task definition of its own
        copied = copy.deepcopy(service)
        copied["serviceName"], copied["serviceArn"] = f"s{n}", f"{service['serviceArn']}{n}"
        copied["taskDefinition"] = service["taskDefinition"].replace("report:1", f"report{n}:1")
        services.append(copied)
    # The listing names what the description answers: the audit checks that they add up.
    answers["ListServices"] = {"serviceArns": [s["serviceArn"] for s in services]}
    answers["DescribeServices"] = {"services": services, "failures": []}
    server = FakeAws(answers, throttle={"DescribeTaskDefinition": 10**6})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        run, took = _audit(server, tmp_path, "--cloudtrail", "none")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert took < 30, took
    asked = server.seen("DescribeTaskDefinition")
    assert 10 < len(asked) <= 40, len(asked)  # retried, within 4 attempts each
    report = json.loads(run.stdout)
    [error] = [e for e in report["errors"] if "DescribeTaskDefinition" in e["source"]]
    assert error["source"] == "ecs:DescribeTaskDefinition (10 task definitions)"
    assert error["message"].startswith("ThrottlingException: Rate exceeded")
