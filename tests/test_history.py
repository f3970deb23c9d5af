"""`ecs-advisor history` on realistic CloudTrail and EventBridge records."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import cloudtrail_factory as ct
import pytest
from conftest import good_taskdef

from advisor.history.actors import AUTOMATION, AWS, PERSON, UNKNOWN, ActorRules, classify

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh(tmp_path, monkeypatch):
    ct.reset()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def history(cli, tmp_path, records, *args, name="trail.jsonl"):
    path = tmp_path / name
    path.write_text(ct.jsonl(records))
    code, out, err = cli("history", "--format", "json", *args, str(path))
    return code, json.loads(out, parse_float=Decimal), err


def names(report):
    return [f["name"] for f in report["findings"]]


def service_stops(actor, times, service="report", started_hours_before=25 / 60, **kwargs):
    return [
        ct.stop_task(
            actor,
            START + n * DAY,
            ct.task_id(),
            service=service,
            started_at=START + n * DAY - timedelta(hours=started_hours_before),
            **kwargs,
        )
        for n in range(times)
    ]


def created(service="report", desired=1, actor=None):
    return ct.create_service(
        actor or ct.github_actions(), START - 10 * DAY, service, desired_count=desired
    )


# --- who did it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "kind"),
    [
        (ct.sso_user(), PERSON),
        (ct.sso_user(console=True), PERSON),
        (ct.iam_user_console(), PERSON),
        (ct.iam_user_cli(), PERSON),
        (ct.root_user(), PERSON),
        (ct.assumed_role_cli(), PERSON),
        (ct.events_rule(), AUTOMATION),
        (ct.step_functions(), AUTOMATION),
        (ct.scheduler(), AUTOMATION),
        (ct.github_actions(), AUTOMATION),
        (ct.github_actions(sdk="boto3"), AUTOMATION),
        (ct.codebuild(), AUTOMATION),
        (ct.ec2_instance_role(), AUTOMATION),
        (ct.ec2_instance_role(cli=True), AUTOMATION),
        (ct.application_autoscaling(), AWS),
        (ct.aws_service(), AWS),
    ],
)
def test_actor_kinds_and_reasons(actor, kind):
    record = ct.stop_task(actor, START, ct.task_id(), service="report")
    found = classify(record, ActorRules())
    assert found.kind == kind, found.reason
    assert found.reason and found.label


def test_configured_roles_win_either_way():
    record = ct.stop_task(
        ct.assumed_role_cli(role="ops-break-glass", session="ops"), START, ct.task_id()
    )
    assert classify(record, ActorRules()).kind == UNKNOWN
    assert classify(record, ActorRules(human=["ops-*"])).kind == PERSON
    sso = ct.stop_task(ct.sso_user(permission_set="Automation"), START, ct.task_id())
    assert classify(sso, ActorRules(automation=["AWSReservedSSO_Automation_*"])).kind == AUTOMATION


# --- service-stopped-manually -------------------------------------------------------------


def test_a_desired_count_1_service_stopped_by_hand_is_a_job(cli, tmp_path):
    alice, bob = ct.sso_user("alice"), ct.iam_user_console("bob")
    records = [created(), *service_stops(alice, 3), *service_stops(bob, 1)]
    code, report, _ = history(cli, tmp_path, records)
    assert code == 1
    [finding] = report["findings"]
    assert finding["name"] == "service-stopped-manually" and finding["resource"] == "prod/report"
    evidence = finding["evidence"]
    assert evidence["count"] == 4
    assert evidence["arn"] == "arn:aws:ecs:eu-west-1:123456789012:service/prod/report"
    assert {b["actor"] for b in evidence["by"]} == {
        "alice (SSO AdministratorAccess)",
        "IAM user bob",
    }
    assert evidence["first"] == "2026-10-01T02:00:00Z" and len(evidence["event_ids"]) == 4
    assert evidence["desired_count"] == 1 and finding["severity"] == "warning"
    assert "runs at desired count 1" in finding["message"]
    cost = finding["cost"]
    # eu-west-1, 0.5 vCPU x 0.04048 + 1 GB x 0.004445 = 0.024685 an hour;
    # always on: 730 h x 0.024685 = 18.02005
    assert cost["current_monthly_usd"] == pytest.approx(Decimal("18.02005"))
    # the records span 12 days (created 10 days before the first stop, last stop 2 days after)
    assert cost["assumptions"]["window_days"] == 12
    # The stopped tasks had been up 25 minutes: a service replaces its task at once, so that is
    # the age of a replacement, not how long the work runs. Nothing else tells the run length.
    assert cost["assumptions"]["run_seconds"] is None
    assert cost["alternative_monthly_usd"] is None
    assert cost["alternative_usd_per_run_hour"] == pytest.approx(Decimal("0.024685"))
    assert "pass --job-duration" in cost["reason"]
    assert "no run length known for the job, pass --job-duration" in finding["message"]


def service_self_exits(minutes, service="report"):
    """EventBridge task state changes of the service's tasks that ended on their own."""
    return [
        ct.task_state_change(
            START + n * DAY + timedelta(hours=6),
            ct.task_id(),
            family=service,
            group=f"service:{service}",
            started_by="ecs-svc/1234567890123456789",
            started_at=START + n * DAY + timedelta(hours=6, minutes=-length),
        )
        for n, length in enumerate(minutes)
    ]


def test_the_job_runs_as_long_as_the_services_tasks_that_ended_on_their_own(cli, tmp_path):
    records = [created(), *service_stops(ct.sso_user(), 4), *service_self_exits([20, 25, 40])]
    _, report, _ = history(cli, tmp_path, records)
    [finding] = report["findings"]
    cost = finding["cost"]
    assert cost["assumptions"]["run_seconds"] == 1500  # the median of 20, 25 and 40 minutes
    assert cost["assumptions"]["run_seconds_source"].startswith("median run of its tasks")
    # 4 runs / 13 days x 30.42 = 9.36 runs a month x 25 min = 3.9 h x 0.024685 = 0.0962715
    assert cost["alternative_monthly_usd"] == pytest.approx(
        Decimal("0.0962715"), rel=Decimal("1e-4")
    )
    assert finding["evidence"]["job_run_seconds"] == 1500
    assert "no run length known" not in finding["message"]


def test_a_job_duration_beats_the_observed_runs(cli, tmp_path):
    records = [created(), *service_stops(ct.sso_user(), 4), *service_self_exits([20, 25, 40])]
    _, report, _ = history(cli, tmp_path, records, "--job-duration", "5m")
    cost = report["findings"][0]["cost"]
    assert (cost["assumptions"]["run_seconds"], cost["assumptions"]["run_seconds_source"]) == (
        300,
        "--job-duration",
    )


def test_a_service_restarted_by_hand_is_still_reported(cli, tmp_path):
    # Stopped every day after running a day: the old "restart" suppression hid exactly this.
    records = [created(), *service_stops(ct.sso_user(), 6, started_hours_before=23)]
    assert names(history(cli, tmp_path, records)[1]) == ["service-stopped-manually"]


def test_without_a_known_desired_count_the_stops_are_reported_at_info(cli, tmp_path):
    code, report, _ = history(cli, tmp_path, service_stops(ct.sso_user(), 4))
    [finding] = report["findings"]
    assert finding["name"] == "service-stopped-manually" and finding["severity"] == "info"
    assert finding["evidence"]["desired_count"] is None
    assert "its desired count is not in the records" in finding["message"]
    assert "--services" in finding["message"]
    # always on at desired count 1 is assumed for the money, and said
    assert finding["cost"]["current_monthly_usd"] == pytest.approx(Decimal("18.02005"))
    assert "1 assumed" in finding["cost"]["assumptions"]["current"]
    assert code == 0  # info is below the default --fail-on warning


def test_stops_at_a_known_desired_count_above_1_never_count(cli, tmp_path):
    records = [created(desired=2), *service_stops(ct.sso_user(), 4)]
    assert names(history(cli, tmp_path, records)[1]) == []


def test_a_service_created_at_0_is_priced_for_the_hours_it_was_up(cli, tmp_path):
    alice = ct.sso_user()
    registered = ct.register_task_definition(
        ct.github_actions(), START - 20 * DAY, "report", 1, cpu="512", memory="1024"
    )
    records = [registered, created(desired=0)]
    for n in range(3):  # up 2 hours on days 0, 1 and 2, scaled down by hand each time
        records.append(
            ct.update_service(ct.github_actions(), START + n * DAY, "report", desired_count=1)
        )
        records.append(
            ct.update_service(alice, START + n * DAY + 2 * HOUR, "report", desired_count=0)
        )
    _, report, _ = history(cli, tmp_path, records)
    [finding] = report["findings"]
    cost = finding["cost"]
    # 6 task-hours in the 12.1 days it existed (created 10 days before the first run) ->
    # 6 / 290 h x 730 h = 15.103 task-hours a month x 0.024685 = 0.3728
    assert cost["current_monthly_usd"] == pytest.approx(Decimal("0.37283"), rel=Decimal("1e-3"))
    assert cost["assumptions"]["current"].startswith("6.0 task-hours up in the 12.1 days")


@pytest.mark.parametrize(
    "actor",
    [
        ct.events_rule(),
        ct.step_functions(),
        ct.scheduler(),
        ct.github_actions(),
        ct.application_autoscaling(),
    ],
)
def test_automation_stopping_a_service_never_counts(cli, tmp_path, actor):
    code, report, _ = history(cli, tmp_path, [created(), *service_stops(actor, 5)])
    assert (code, names(report)) == (0, [])


def test_below_the_threshold_and_busy_services_stay_quiet(cli, tmp_path):
    alice = ct.sso_user()
    assert names(history(cli, tmp_path, [created(), *service_stops(alice, 2)])[1]) == []
    big = [created(desired=4), *service_stops(alice, 6)]
    assert names(history(cli, tmp_path, big)[1]) == []


def test_threshold_is_configurable(cli, tmp_path):
    records = [created(), *service_stops(ct.sso_user(), 2)]
    assert names(history(cli, tmp_path, records, "--min-service-stops", "2")[1]) == [
        "service-stopped-manually"
    ]
    (tmp_path / "pyproject.toml").write_text("[tool.ecs-advisor]\nmin-service-stops = 2\n")
    assert names(history(cli, tmp_path, records)[1]) == ["service-stopped-manually"]


def test_scaling_1_to_0_by_hand_counts(cli, tmp_path):
    registered = ct.register_task_definition(
        ct.github_actions(), START - 20 * DAY, "report", 1, cpu="256", memory="512"
    )
    person, records = ct.sso_user(), [registered, created()]
    for n in range(3):
        up = START + n * DAY
        records.append(
            ct.update_service(ct.scheduler(), up, "report", desired_count=1, previous_desired=0)
        )
        records.append(
            ct.update_service(
                person, up + timedelta(hours=2), "report", desired_count=0, previous_desired=1
            )
        )
    _, report, _ = history(cli, tmp_path, records)
    [finding] = report["findings"]
    assert finding["evidence"]["how"] == ["scaled it to 0"]
    assert finding["cost"]["assumptions"]["run_seconds"] == 7200  # up at 02:00, down at 04:00
    assert finding["cost"]["assumptions"]["size_source"] == "RegisterTaskDefinition record"


def test_scheduled_scale_downs_are_automation(cli, tmp_path):
    records = [created()]
    for n in range(4):
        records.append(
            ct.update_service(
                ct.application_autoscaling(),
                START + n * DAY,
                "report",
                desired_count=0,
                previous_desired=1,
            )
        )
        records.append(
            ct.update_service(
                ct.github_actions(), START + n * DAY, "report", force_new_deployment=True
            )
        )
    assert names(history(cli, tmp_path, records)[1]) == []


def severities(report):
    return [(f["name"], f["severity"]) for f in report["findings"]]


def test_the_known_desired_count_decides_the_severity(cli, tmp_path):
    alice = ct.sso_user()
    unknown = history(cli, tmp_path, service_stops(alice, 4))[1]
    assert severities(unknown) == [("service-stopped-manually", "info")]
    later = ct.update_service(
        ct.github_actions(),
        START + 9 * DAY,
        "report",
        force_new_deployment=True,
        previous_desired=3,
    )
    assert names(history(cli, tmp_path, [*service_stops(alice, 4), later])[1]) == []
    reported = ct.update_service(
        ct.github_actions(),
        START + 9 * DAY,
        "report",
        force_new_deployment=True,
        previous_desired=1,
    )
    known = history(cli, tmp_path, [*service_stops(alice, 4), reported])[1]
    assert severities(known) == [("service-stopped-manually", "warning")]


@pytest.mark.parametrize(
    ("service_file", "severity"),
    [
        (
            {
                "cluster": ct.CLUSTER,
                "serviceName": "report",
                "taskDefinition": "report:3",
                "desiredCount": 1,
            },
            "warning",
        ),
        (
            {
                "cluster": ct.CLUSTER,
                "serviceName": "report",
                "taskDefinition": "report:3",
                "desiredCount": 2,
            },
            None,
        ),
        (
            {
                "cluster": "other",
                "serviceName": "report",
                "taskDefinition": "report:3",
                "desiredCount": 1,
            },
            "info",  # another cluster: still not known
        ),
        (
            {
                "services": [
                    {
                        "serviceArn": f"arn:aws:ecs:{ct.REGION}:{ct.ACCOUNT}:service/{ct.CLUSTER}/report",
                        "serviceName": "report",
                        "clusterArn": f"arn:aws:ecs:{ct.REGION}:{ct.ACCOUNT}:cluster/{ct.CLUSTER}",
                        "desiredCount": 1,
                    }
                ]
            },
            "warning",
        ),
        (
            {
                "services": [
                    {
                        "serviceArn": f"arn:aws:ecs:{ct.REGION}:210987654321:service/{ct.CLUSTER}/report",
                        "serviceName": "report",
                        "desiredCount": 1,
                    }
                ]
            },
            "info",  # the same name in another account: still not known
        ),
    ],
)
def test_a_services_file_tells_the_desired_count_the_records_do_not(
    cli, tmp_path, service_file, severity
):
    (tmp_path / "svc.json").write_text(json.dumps(service_file))
    records = service_stops(ct.sso_user(), 4)
    code, report, err = history(cli, tmp_path, records, "--services", str(tmp_path / "svc.json"))
    assert (code, err) == (1 if severity == "warning" else 0, "")
    expected = [("service-stopped-manually", severity)] if severity else []
    assert [(f["name"], f["severity"]) for f in report["findings"]] == expected


def test_a_services_file_without_a_service_is_an_error(cli, tmp_path):
    (tmp_path / "td.json").write_text(json.dumps(good_taskdef()))
    code, report, err = history(
        cli, tmp_path, service_stops(ct.sso_user(), 4), "--services", "td.json"
    )
    assert code == 2
    assert (
        err
        == "ecs-advisor: error: td.json: holds a task-definition: expected a service (--services)\n"
    )
    assert report["errors"][0]["path"] == "td.json"


# --- job-stopped-by-hand ------------------------------------------------------------------


def job_runs(stopper, times, hours=5, family="nightly-report", **stop_kwargs):
    records = []
    for n in range(times):
        started = START + n * DAY
        run = ct.run_task(ct.scheduler(), started, family=family, managed_tags=True)
        task = run["responseElements"]["tasks"][0]["taskArn"].rsplit("/", 1)[-1]
        records.append(run)
        records.append(
            ct.stop_task(
                stopper,
                started + timedelta(hours=hours),
                task,
                family=family,
                started_at=started,
                **stop_kwargs,
            )
        )
    return records


def test_jobs_a_person_keeps_stopping(cli, tmp_path):
    code, report, _ = history(cli, tmp_path, job_runs(ct.iam_user_console("carol"), 3))
    assert code == 1
    [finding] = report["findings"]
    assert finding["name"] == "job-stopped-by-hand"
    assert finding["resource"] == "prod/nightly-report"
    assert finding["evidence"]["median_runtime_seconds"] == 5 * 3600
    cost = finding["cost"]
    assert cost["assumptions"]["hand_stopped_runtime_hours"] == 15
    # the records span 2 days 5 hours (first run at START, last stop 2 days 5 h later) = 53/24 days
    assert cost["assumptions"]["window_days"] == Decimal("2.21")  # rounded to 2 places
    # eu-west-1, 0.5 vCPU x 0.04048 + 1 GB x 0.004445 = 0.024685 an hour;
    # 15 h / (53/24 days) x 30.42 = 206.6264 h a month x 0.024685 = 5.1005731
    assert cost["current_monthly_usd"] == pytest.approx(Decimal("5.1005731"), rel=Decimal("1e-3"))
    # always on: 730 h x 0.024685 = 18.02005
    assert cost["alternative_monthly_usd"] == pytest.approx(Decimal("18.02005"))


def test_jobs_stopped_by_automation_or_exiting_on_their_own_stay_quiet(cli, tmp_path):
    assert names(history(cli, tmp_path, job_runs(ct.step_functions(), 4))[1]) == []
    assert names(history(cli, tmp_path, job_runs(ct.sso_user(), 1))[1]) == []
    exits = [
        ct.task_state_change(
            START + n * DAY, ct.task_id(), started_at=START + n * DAY - timedelta(minutes=9)
        )
        for n in range(5)
    ]
    assert names(history(cli, tmp_path, exits)[1]) == []


def test_self_exits_are_noted_beside_the_hand_stops(cli, tmp_path):
    exits = [
        ct.task_state_change(
            START + n * DAY, ct.task_id(), started_at=START + n * DAY - timedelta(minutes=10)
        )
        for n in range(3)
    ]
    _, report, _ = history(cli, tmp_path, [*job_runs(ct.sso_user(), 2), *exits])
    [finding] = report["findings"]
    assert finding["cost"]["assumptions"]["median_self_exit_seconds"] == 600


# --- run-task-without-managed-tags --------------------------------------------------------


def test_only_untagged_calls_are_counted_and_aws_callers_are_left_alone(cli, tmp_path):
    rule = ct.events_rule()
    records = [
        ct.run_task(rule, START + n * DAY, family="mixed", managed_tags=n > 0) for n in range(3)
    ]
    _, report, _ = history(cli, tmp_path, records)
    assert report["findings"][0]["message"].startswith("1 RunTask call for task family mixed")
    batch = ct.run_task(ct.aws_service("batch.amazonaws.com"), START, family="batch-job")
    assert names(history(cli, tmp_path, [batch])[1]) == []


def test_untagged_run_task_calls_are_grouped_by_family_and_caller(cli, tmp_path):
    rule = ct.events_rule()
    records = [ct.run_task(rule, START + n * DAY, family="etl") for n in range(5)]
    records += [
        ct.run_task(ct.github_actions(), START + n * DAY, family="etl", managed_tags=True)
        for n in range(2)
    ]
    records += [ct.run_task(rule, START, family="etl", error_code="AccessDeniedException")]
    code, report, _ = history(cli, tmp_path, records)
    assert code == 0  # info does not fail the default gate
    [finding] = report["findings"]
    assert finding["name"] == "run-task-without-managed-tags"
    assert finding["message"].startswith("5 RunTask calls for task family etl")
    assert finding["evidence"]["caller"]["kind"] == AUTOMATION
    assert finding["severity"] == "info"


# --- inputs -------------------------------------------------------------------------------


def sample():
    return [created(), *service_stops(ct.sso_user(), 3)]


def test_trail_bucket_layouts_digests_and_noise(cli, tmp_path):
    noise = [ct.other_record(START + n * timedelta(minutes=7)) for n in range(200)]
    noise += [
        ct.iam_record(START),
        ct.iam_record(START, kind="CreateServiceLinkedRole"),
        ct.describe_record(ct.sso_user(), START),
    ]
    ct.write_trail(tmp_path / "bucket", [*sample(), *noise], per_file=40)
    ct.write_trail(tmp_path / "org", sample(), org_id="o-a1b2c3d4e5")
    code, out, err = cli("history", "--format", "json", str(tmp_path / "bucket"))
    assert code == 1 and err == ""
    assert names(json.loads(out)) == ["service-stopped-manually"]
    code, out, _ = cli("history", "--format", "json", str(tmp_path / "org"))
    assert names(json.loads(out)) == ["service-stopped-manually"]


def test_lookup_events_output(cli, tmp_path):
    (tmp_path / "lookup.json").write_text(json.dumps(ct.lookup_events_output(sample())))
    code, out, _ = cli("history", "--format", "json", str(tmp_path / "lookup.json"))
    assert code == 1 and names(json.loads(out)) == ["service-stopped-manually"]


def test_records_are_deduplicated_on_event_id(cli, tmp_path):
    records = [created(), *service_stops(ct.sso_user(), 2)]
    (tmp_path / "a.jsonl").write_text(ct.jsonl(records))
    (tmp_path / "b.json").write_text(json.dumps({"Records": list(reversed(records))}))
    code, out, _ = cli("history", "--format", "json", str(tmp_path))
    assert code == 0 and names(json.loads(out)) == []  # 2 stops, not 4


def test_a_damaged_file_is_one_error_and_the_rest_is_read(cli, tmp_path):
    ct.write_trail(tmp_path / "bucket", sample())
    (tmp_path / "bucket" / "broken.json.gz").write_bytes(gzip.compress(b'{"Records": [')[:-6])
    (tmp_path / "bucket" / "bad.json").write_text(
        '{"Records": [{"eventSource": "ecs.amazonaws.com",}]}'
    )
    code, out, err = cli("history", "--format", "json", str(tmp_path / "bucket"))
    assert code == 2
    assert err.count("ecs-advisor: error:") == 2 and "broken.json.gz" in err and "bad.json" in err
    assert "Traceback" not in err
    assert names(json.loads(out)) == ["service-stopped-manually"]


def test_aws_style_timestamps_give_run_lengths(cli, tmp_path):
    records = [
        ct.stop_task(
            ct.sso_user(),
            START + n * DAY,
            ct.task_id(),
            started_at=START + n * DAY - timedelta(minutes=40),
            time_style="aws",
        )
        for n in range(3)
    ]
    _, report, _ = history(cli, tmp_path, records)
    [finding] = report["findings"]
    assert finding["name"] == "job-stopped-by-hand"
    assert finding["evidence"]["median_runtime_seconds"] == 2400


def test_since_and_until_narrow_the_window(cli, tmp_path):
    records = sample()
    assert names(history(cli, tmp_path, records, "--since", "2026-10-02")[1]) == []
    assert names(history(cli, tmp_path, records, "--until", "2026-10-02")[1]) == []
    assert names(
        history(cli, tmp_path, records, "--since", "2026-09-01", "--until", "2026-10-05")[1]
    ) == ["service-stopped-manually"]
    code, out, err = cli("history", "--since", "last tuesday", str(tmp_path / "trail.jsonl"))
    assert (code, out) == (2, "") and err.count("\n") == 1 and "bad time 'last tuesday'" in err


def test_only_ecs_records_are_parsed(tmp_path, monkeypatch):
    from advisor.sources import cloudtrail

    noise = [ct.other_record(START + n * timedelta(seconds=30)) for n in range(300)]
    ct.write_trail(tmp_path, [*noise, *sample()], per_file=400)
    parsed = []
    real_loads = json.loads
    monkeypatch.setattr(
        cloudtrail.json,
        "loads",
        lambda text, *a, **k: parsed.append(1) or real_loads(text, *a, **k),
    )
    events = list(
        cloudtrail.read_events(cloudtrail.event_files([str(tmp_path)], []), ActorRules(), [])
    )
    assert len(events) == 4
    assert len(parsed) == 4  # the 300 other records were never parsed


# --- sizes and money ----------------------------------------------------------------------


def test_size_from_a_task_definition_file(cli, tmp_path):
    doc = good_taskdef(family="report", cpu="1024", memory="2048")
    doc["runtimePlatform"] = {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    (tmp_path / "td.json").write_text(json.dumps(doc))
    records = [created(), *service_stops(ct.sso_user(), 3, family="report")]
    _, report, _ = history(cli, tmp_path, records, "--task-definitions", str(tmp_path / "td.json"))
    assumptions = report["findings"][0]["cost"]["assumptions"]
    assert assumptions["architecture"] == "arm64" and assumptions["size"]["cpu"] == 1024
    assert assumptions["size_source"].startswith("task definition file")


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ('{"family": "report", "containerDefinitions": [', "invalid JSON"),
        ('{"a": 1, }', "not JSON either"),
        ('{"serviceName": "web", "taskDefinition": "report:1"}', "holds a service"),
    ],
)
def test_a_task_definitions_file_without_one_is_an_error(cli, tmp_path, content, why):
    (tmp_path / "td.json").write_text(content)
    records = [created(), *service_stops(ct.sso_user(), 3, family="report")]
    code, report, err = history(
        cli, tmp_path, records, "--task-definitions", str(tmp_path / "td.json")
    )
    assert code == 2
    assert f"{tmp_path / 'td.json'}" in err and why in err
    assert [e["path"] for e in report["errors"]] == [str(tmp_path / "td.json")]


def test_a_run_that_reads_no_records_is_an_error(cli, tmp_path):
    (tmp_path / "td.json").write_text(json.dumps(good_taskdef()))
    code, out, err = cli("history", str(tmp_path / "td.json"))
    assert code == 2
    assert err == f"ecs-advisor: error: no CloudTrail records in {tmp_path / 'td.json'}\n"
    assert out == (
        "History read: 0 CloudTrail records (0 ECS), 0 EventBridge task state changes.\n"
        f"Input error: no CloudTrail records in {tmp_path / 'td.json'}\n"
        "No history read: nothing to judge; 1 input could not be checked.\n"
    )


def test_a_named_file_without_records_is_a_note_when_others_hold_records(cli, tmp_path):
    (tmp_path / "td.json").write_text(json.dumps(good_taskdef()))
    (tmp_path / "other.jsonl").write_text(
        json.dumps({"eventVersion": "1.08", "eventSource": "s3.amazonaws.com"}) + "\n"
    )
    code, out, err = cli("history", str(tmp_path / "td.json"), str(tmp_path / "other.jsonl"))
    assert code == 0
    assert f"note: {tmp_path / 'td.json'}: no CloudTrail records or EventBridge events" in err
    assert "other.jsonl" not in err  # records of other services are read, and quiet
    assert "in 1 file" in out and "History read: 1 CloudTrail record (0 ECS)" in out


def test_unknown_size_is_said_not_guessed(cli, tmp_path):
    records = [created(), *service_stops(ct.sso_user(), 3, cpu=None, memory=None)]
    _, report, _ = history(cli, tmp_path, records)
    cost = report["findings"][0]["cost"]
    assert cost["current_monthly_usd"] is None and "task size unknown" in cost["reason"]


def test_job_duration_overrides_the_median(cli, tmp_path):
    records = [created(), *service_stops(ct.sso_user(), 3)]
    _, report, _ = history(cli, tmp_path, records, "--job-duration", "5m")
    assert report["findings"][0]["cost"]["assumptions"]["run_seconds"] == 300


def test_text_output_shows_evidence_and_money(cli, tmp_path):
    path = tmp_path / "trail.jsonl"
    path.write_text(ct.jsonl(sample()))
    code, out, _ = cli("history", str(path))
    lines = out.splitlines()
    assert code == 1 and "ECS601" in lines[0] and "/month now" in lines[0]
    assert lines[1].startswith("    by alice")
    assert lines[3].startswith("    events: ")


# --- what a reviewer found ----------------------------------------------------------------


def test_the_window_is_all_the_records_not_only_ecs(cli, tmp_path):
    noise = [ct.other_record(START - 40 * DAY + n * DAY) for n in range(90)]
    _, report, _ = history(cli, tmp_path, [*sample(), *noise])
    assumptions = report["findings"][0]["cost"]["assumptions"]
    assert assumptions["window_days"] == pytest.approx(89, abs=1)
    assert float(assumptions["runs_per_month"]) == pytest.approx(3 / 89 * 30.42, rel=0.05)


def test_the_hours_up_do_not_move_with_unrelated_records(cli, tmp_path):
    alice = ct.sso_user()
    registered = ct.register_task_definition(
        ct.github_actions(), START - 11 * DAY, "report", 1, cpu="512", memory="1024"
    )
    records = [registered, created(desired=0)]
    for n in range(3):  # up 2 hours on days 0, 1 and 2
        records.append(
            ct.update_service(ct.github_actions(), START + n * DAY, "report", desired_count=1)
        )
        records.append(
            ct.update_service(alice, START + n * DAY + 2 * HOUR, "report", desired_count=0)
        )
    noise = [ct.other_record(START - 40 * DAY + n * DAY) for n in range(30)]
    alone = history(cli, tmp_path, records)[1]["findings"][0]["cost"]
    with_noise = history(cli, tmp_path, [*records, *noise])[1]["findings"][0]["cost"]
    # 6 task-hours in the 290 hours since its creation: 6 / 290 x 730 x 0.024685 = 0.37283
    assert alone["current_monthly_usd"] == pytest.approx(Decimal("0.37283"), rel=Decimal("1e-3"))
    assert with_noise["current_monthly_usd"] == alone["current_monthly_usd"]
    assert with_noise["assumptions"]["window_days"] > alone["assumptions"]["window_days"]


def test_a_service_scaled_to_0_costs_its_hours_up_not_730(cli, tmp_path):
    registered = ct.register_task_definition(
        ct.github_actions(), START - DAY, "report", 1, cpu="1024", memory="2048"
    )
    records, person = [registered, created()], ct.sso_user()
    records.append(ct.update_service(person, START, "report", desired_count=0, previous_desired=1))
    for n in range(1, 4):
        up = START + n * 7 * DAY
        records.append(ct.update_service(person, up, "report", desired_count=1, previous_desired=0))
        records.append(
            ct.update_service(
                person, up + timedelta(hours=1), "report", desired_count=0, previous_desired=1
            )
        )
    _, report, _ = history(cli, tmp_path, records, "--since", "2026-09-30", "--until", "2026-10-30")
    cost = report["findings"][0]["cost"]
    assert "task-hours up in the" in cost["assumptions"]["current"]
    always_on = 730 * (Decimal("0.04048") + 2 * Decimal("0.004445"))
    assert cost["current_monthly_usd"] < always_on / 10  # up about a day a month, not 730 hours


def test_sizes_from_the_tasks_beat_a_registration_elsewhere(cli, tmp_path):
    elsewhere = ct.register_task_definition(
        ct.github_actions(), START, "report", 9, cpu="4096", memory="8192", region="us-east-1"
    )
    _, report, _ = history(cli, tmp_path, [elsewhere, *sample()])
    assert report["findings"][0]["cost"]["assumptions"]["size"]["cpu"] == 512


def test_ec2_tasks_are_not_priced_as_fargate(cli, tmp_path):
    records = [created(), *service_stops(ct.sso_user(), 3)]
    for record in records[1:]:
        record["responseElements"]["task"]["launchType"] = "EC2"
    _, report, _ = history(cli, tmp_path, records)
    cost = report["findings"][0]["cost"]
    assert cost["current_monthly_usd"] is None and "EC2" in cost["reason"]


def test_records_without_event_ids_are_all_kept(cli, tmp_path):
    records = sample()
    for record in records:
        del record["eventID"]
    assert names(history(cli, tmp_path, records)[1]) == ["service-stopped-manually"]


def test_lookup_events_elements_alone(cli, tmp_path):
    events = ct.lookup_events_output(sample())["Events"]
    (tmp_path / "elements.jsonl").write_text("\n".join(json.dumps(e) for e in events))
    (tmp_path / "array.json").write_text(json.dumps(events))
    for name in ("elements.jsonl", "array.json"):
        _, out, _ = cli("history", "--format", "json", str(tmp_path / name))
        assert names(json.loads(out)) == ["service-stopped-manually"], name


def test_utf16_and_concatenated_documents(cli, tmp_path):
    (tmp_path / "ps.json").write_bytes(
        json.dumps(ct.lookup_events_output(sample()), indent=2).encode("utf-16")
    )
    _, out, err = cli("history", "--format", "json", str(tmp_path / "ps.json"))
    assert err == "" and names(json.loads(out)) == ["service-stopped-manually"]
    records = sample()
    pretty = "".join(json.dumps({"Records": [r]}, indent=2) + "\n" for r in records)
    (tmp_path / "loop.json").write_text(pretty)
    _, out, err = cli("history", "--format", "json", str(tmp_path / "loop.json"))
    assert err == "" and names(json.loads(out)) == ["service-stopped-manually"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r["responseElements"]["task"].update(startedAt=1.7e12),
        lambda r: r.update(eventTime=1e20),
        lambda r: r.update(userIdentity="alice"),
    ],
)
def test_odd_values_never_stop_the_run(cli, tmp_path, damage):
    records = sample()
    damage(records[-1])
    (tmp_path / "odd.jsonl").write_text(ct.jsonl(records))
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000 + ' "ecs.amazonaws.com"')
    ct.write_trail(tmp_path / "good", sample())
    _, out, err = cli("history", "--format", "json", str(tmp_path))
    assert "internal error" not in err and "Traceback" not in err
    assert "service-stopped-manually" in names(json.loads(out))


def test_interactive_exec_tasks_are_not_jobs(cli, tmp_path):
    records = job_runs(ct.sso_user(), 3)
    for record in records:
        if record["eventName"] == "StopTask":
            record["responseElements"]["task"]["enableExecuteCommand"] = True
    assert names(history(cli, tmp_path, records)[1]) == []


def test_tools_are_automation_whoever_signed_in():
    agent = (
        "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) "
        "terraform-provider-aws/5.60.0"
    )
    for actor in (ct.iam_user_cli(), ct.sso_user()):
        record = ct.stop_task(actor, START, ct.task_id())
        record["userAgent"] = agent
        assert classify(record, ActorRules()).kind == AUTOMATION


def test_a_runtime_says_where_code_runs_and_the_identity_says_who():
    agent = ct.CLI_AGENT.replace("md/installer#exe", "exec-env/AWS_Lambda_python3.12")
    expected = ((ct.iam_user_cli(), AUTOMATION), (ct.sso_user(), PERSON))
    for actor, kind in expected:
        record = ct.stop_task(actor, START, ct.task_id())
        record["userAgent"] = agent
        assert classify(record, ActorRules()).kind == kind


def test_time_bounds(cli, tmp_path):
    records = sample()
    path = tmp_path / "trail.jsonl"
    path.write_text(ct.jsonl(records))
    code, _, err = cli("history", "--since", "2026-10-16", "--until", "2026-10-01", str(path))
    assert code == 2 and "is after --until" in err
    # a bare --until date includes that day: the stop at 02:00 on 10-03 counts
    assert names(history(cli, tmp_path, records, "--until", "2026-10-03")[1]) == [
        "service-stopped-manually"
    ]
    assert cli("history", "--since", "2w", str(path))[0] == 0
