"""The Fargate cost model through the command line: AWS's own examples, billing rules, errors."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import good_taskdef

from advisor.cost.duration import parse_duration
from advisor.cost.estimate import billed_seconds, size_from_task_definition, smallest_fitting_size
from advisor.cost.prices import PriceTable


@pytest.fixture(autouse=True)
def no_user_cache(tmp_path, monkeypatch):
    """Tests price from the embedded table unless they write a cache of their own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)


def cost_json(cli, *args):
    code, out, err = cli("cost", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out, parse_float=Decimal)


# --- AWS's worked examples (aws.amazon.com/fargate/pricing, us-east-1), to the cent -------

EXAMPLE = (
    "--tasks",
    "5",
    "--duration",
    "10m",
    "--runs-per-day",
    "1",
    "--days",
    "30",
    "--region",
    "us-east-1",
)


def cost_lines(out: str) -> dict[str, str]:
    """The text table's rows: first column -> last column."""
    rows = {}
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[-1].startswith("$") and not line.startswith(("Note", "Usage")):
            label = line[: line.index("  ")].strip() if "  " in line else parts[0]
            rows[label] = parts[-1]
    return rows


def test_aws_example_linux_x86(cli):
    """5 tasks, 10 minutes a day for 30 days, 1 vCPU, 2 GB, 30 GB storage: $1.01 + $0.22 + $0.03."""
    args = ("--cpu", "1 vCPU", "--memory", "2 GB", "--ephemeral-storage", "30", *EXAMPLE)
    code, out, _ = cli("cost", *args)
    assert code == 0
    assert cost_lines(out) == {
        "vCPU": "$1.01", "memory": "$0.22", "ephemeral storage": "$0.03", "total": "$1.26",
    }  # fmt: skip
    result = cost_json(cli, *args)
    assert result["breakdown"]["vcpu"] == Decimal("1.012")  # 25 vCPU-hours
    assert result["breakdown"]["memory"] == Decimal("0.22225")  # 50 GB-hours
    assert result["breakdown"]["ephemeral_storage"] == Decimal("0.02775")  # 250 GB-hours
    assert result["total_usd"] == Decimal("1.26200")


def test_aws_example_linux_arm(cli):
    args = (
        "--cpu",
        "1024",
        "--memory",
        "2048",
        "--ephemeral-storage",
        "30",
        "--arch",
        "arm64",
        *EXAMPLE,
    )
    code, out, _ = cli("cost", *args)
    assert code == 0
    assert cost_lines(out) == {
        "vCPU": "$0.81", "memory": "$0.18", "ephemeral storage": "$0.03", "total": "$1.02",
    }  # fmt: skip
    assert cost_json(cli, *args)["breakdown"]["vcpu"] == Decimal("0.80950")  # exact: rounds up


def test_aws_example_pods_priced_as_tasks(cli):
    """The EKS example (10 x 0.25 vCPU / 1 GB, an hour a day, 30 days) at the same rates."""
    code, out, _ = cli(
        "cost",
        "--cpu",
        "256",
        "--memory",
        "1024",
        "--tasks",
        "10",
        "--duration",
        "1h",
        "--days",
        "30",
    )
    assert code == 0
    assert cost_lines(out) == {
        "vCPU": "$3.04", "memory": "$1.33", "ephemeral storage": "$0.00", "total": "$4.37",
    }  # fmt: skip


def write_cache(tmp_path, regions: dict, as_of: str = "2026-10-09") -> None:
    path = tmp_path / "cache" / "ecs-advisor" / "fargate-prices.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"as_of": as_of, "regions": regions}))


def test_aws_example_windows_with_the_pages_rates(cli, tmp_path):
    """The page's Windows example uses rates older than the 2026 price list (see the table's
    windows_note); given those rates as a price cache, the command reproduces it to the cent."""
    page = {"source": "aws.amazon.com/fargate/pricing, Windows example", "as_of": "2026-10-09"}
    per_second = {
        "vcpu_hour": "0.0000254167",
        "gb_hour": "0.0000027778",
        "license_vcpu_hour": "0.0000127778",
    }
    hourly = {k: str(Decimal(v) * 3600) for k, v in per_second.items()}
    write_cache(tmp_path, {"us-east-1": {"windows/x86_64": {**hourly, **page}}})
    args = (
        "--cpu",
        "1024",
        "--memory",
        "2048",
        "--os",
        "windows",
        "--tasks",
        "10",
        "--duration",
        "1h",
        "--days",
        "30",
    )
    code, out, _ = cli("cost", *args)
    assert code == 0
    assert cost_lines(out) == {
        "vCPU": "$27.45", "memory": "$6.00", "ephemeral storage": "$0.00", "Windows licence": "$13.80",
        "total": "$47.25",
    }  # fmt: skip
    assert cost_json(cli, *args)["breakdown"]["windows_license"] == Decimal("13.800024")


def test_windows_at_the_embedded_2026_rates(cli):
    result = cost_json(
        cli, "--cpu", "2048", "--memory", "4096", "--os", "windows", "--duration", "2m"
    )
    assert result["usage"]["billed_seconds_per_task"] == 300  # the 5-minute minimum
    # 300 s = 1/12 h at the us-east-1 Windows rates:
    # 2 vCPU x 0.046552 / 12 = 0.0077586667
    assert result["breakdown"]["vcpu"] == pytest.approx(Decimal("0.0077586667"))
    # 2 vCPU x 0.046 (licence) / 12 = 0.0076666667
    assert result["breakdown"]["windows_license"] == pytest.approx(Decimal("0.0076666667"))
    # 4 GB x 0.00511175 / 12 = 0.0017039167
    assert result["breakdown"]["memory"] == pytest.approx(Decimal("0.0017039167"))


def test_spot_prices_and_their_date(cli):
    result = cost_json(cli, "--cpu", "1024", "--memory", "2048", "--spot")
    assert result["capacity_provider"] == "FARGATE_SPOT"
    # us-east-1 Spot x86_64, 1 h: 1 vCPU x 0.01288561 + 2 GB x 0.00141493 = 0.01571547
    assert result["total_usd"] == Decimal("0.01571547")
    assert result["prices"]["sources"][0]["as_of"] == "2026-09-29"
    arm = cost_json(cli, "--cpu", "1024", "--memory", "2048", "--spot", "--arch", "arm64")
    # us-east-1 Spot arm64: 0.01030969 per vCPU-hour
    assert arm["prices"]["vcpu_hour"] == Decimal("0.01030969")


def test_an_unsourced_price_is_an_error_that_says_so(cli):
    code, _, err = cli(
        "cost", "--cpu", "1024", "--memory", "2048", "--os", "windows", "--region", "ap-east-2"
    )
    assert code == 2 and "no Fargate Windows price for ap-east-2 in the price table" in err
    assert "pricing update" in err


# --- billing rules ------------------------------------------------------------------------


def test_linux_minimum_is_one_minute(cli):
    result = cost_json(cli, "--cpu", "256", "--memory", "512", "--duration", "20s")
    assert result["usage"]["billed_seconds_per_task"] == 60
    # 60 s = 1/60 h x (0.25 vCPU x 0.04048 + 0.5 GB x 0.004445) = 0.0123425 / 60
    #   = 0.000205708333...
    expected = Decimal("0.000205708333333333333")
    assert result["total_usd"] == pytest.approx(expected, rel=Decimal("1e-12"))


def test_per_second_billing_rounds_up():
    assert billed_seconds(90.2, "linux") == 91
    assert billed_seconds(61, "linux") == 61
    assert billed_seconds(120, "windows") == 300
    assert billed_seconds(301, "windows") == 301


def test_ephemeral_storage_beyond_20_gb(cli):
    included = cost_json(cli, "--cpu", "1024", "--memory", "2048", "--ephemeral-storage", "20")
    assert included["breakdown"]["ephemeral_storage"] == 0
    result = cost_json(
        cli,
        "--cpu",
        "1024",
        "--memory",
        "2048",
        "--ephemeral-storage",
        "200",
        "--region",
        "eu-west-1",
    )
    # (200 - 20 included) GB x 1 h x 0.000122 (eu-west-1 storage) = 0.02196
    assert result["breakdown"]["ephemeral_storage"] == Decimal("0.02196")


def test_storage_limits(cli):
    code, _, err = cli("cost", "--cpu", "256", "--memory", "512", "--ephemeral-storage", "250")
    assert code == 2 and "--ephemeral-storage must be from 20 to 200, not 250" in err


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("10m", 600), ("1h30m", 5400), ("2h", 7200), ("1h0m30s", 3630), ("1.5h", 5400)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["10", "ten minutes", "1m1m", "0s", "-5m", ""])
def test_bad_durations_are_one_line_exit_2(cli, text):
    code, out, err = cli("cost", "--cpu", "256", "--memory", "512", f"--duration={text}")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "bad duration" in err


# --- sizes --------------------------------------------------------------------------------


def test_invalid_pair_lists_the_valid_memory(cli):
    code, _, err = cli("cost", "--cpu", "2048", "--memory", "2048")
    assert code == 2
    assert err.strip() == (
        "ecs-advisor: error: 2 vCPU with 2 GB is not a Fargate size; "
        "valid memory for 2 vCPU: 4 GB to 16 GB in 1 GB steps"
    )


def test_size_comes_from_the_task_definition(cli, tmp_path):
    path = tmp_path / "td.json"
    doc = good_taskdef(cpu="1 vCPU", memory="3 GB", ephemeralStorage={"sizeInGiB": 25})
    doc["runtimePlatform"] = {"cpuArchitecture": "ARM64", "operatingSystemFamily": "LINUX"}
    path.write_text(json.dumps(doc))
    result = cost_json(cli, str(path))
    assert result["size"]["cpu"] == 1024 and result["size"]["memory"] == 3072
    assert result["size"]["ephemeral_storage_gib"] == 25
    assert result["architecture"] == "arm64"
    overridden = cost_json(cli, str(path), "--memory", "4096", "--arch", "x86_64")
    assert overridden["size"]["memory"] == 4096 and overridden["architecture"] == "x86_64"


def test_ec2_task_definition_is_priced_at_the_smallest_fitting_size(cli, tmp_path):
    doc = {
        "family": "worker",
        "requiresCompatibilities": ["EC2"],
        "containerDefinitions": [
            {"name": "a", "image": "a:1", "cpu": 300, "memory": 700},
            {"name": "b", "image": "b:1", "cpu": 100, "memoryReservation": 900},
        ],
    }
    path = tmp_path / "ec2.json"
    path.write_text(json.dumps(doc))
    result = cost_json(cli, str(path))
    assert (result["size"]["cpu"], result["size"]["memory"]) == (512, 2048)
    assert "smallest Fargate size that fits" in result["notes"][0]
    _, out, _ = cli("cost", str(path))
    assert "Note: the task definition has no valid Fargate size" in out


def test_smallest_fitting_size():
    assert smallest_fitting_size(1, 1, "linux") == (256, 512)
    assert smallest_fitting_size(256, 6 * 1024, "linux") == (1024, 6144)
    assert smallest_fitting_size(256, 512, "windows") == (1024, 2048)


def test_windows_size_and_minimum_from_a_task_definition():
    doc = good_taskdef(
        cpu="1024",
        memory="2048",
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
    )
    size = size_from_task_definition(doc)
    assert (size.os, size.arch, size.note) == ("windows", "x86_64", None)


# --- service against job ------------------------------------------------------------------


def test_compare_service_and_job(cli):
    result = cost_json(
        cli, "--cpu", "1024", "--memory", "2048", "--compare", "--duration", "10m",
        "--runs-per-day", "2",
    )  # fmt: skip
    # us-east-1, 1 vCPU x 0.04048 + 2 GB x 0.004445 = 0.04937 an hour
    # service: 730 h x 0.04937 = 36.0401
    assert result["service"]["monthly_usd"] == Decimal("36.0401")
    # job: 10 min x 2 runs x 30.42 days = 10.14 h x 0.04937 = 0.5006118
    assert result["job"]["monthly_usd"] == pytest.approx(Decimal("0.5006118"), rel=Decimal("1e-12"))
    # 36.0401 - 0.5006118 = 35.5394882
    assert result["savings_usd"] == pytest.approx(Decimal("35.5394882"))
    assert result["assumptions"]["region"] == "us-east-1"
    assert result["assumptions"]["as_of"] == "2026-09-29"
    assert result["assumptions"]["table_as_of"] == "2026-10-06"  # eu-west-2's newest reading


def test_compare_text_is_a_small_table(cli):
    code, out, _ = cli(
        "cost",
        "--cpu",
        "256",
        "--memory",
        "512",
        "--compare",
        "--desired-count",
        "2",
        "--duration",
        "5m",
    )
    assert code == 0
    assert "always-on service" in out and "scheduled job" in out and "difference" in out
    assert "2 task(s) x 730 hours" in out


# --- regions and prices -------------------------------------------------------------------


def test_region_from_the_environment(cli, monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    result = cost_json(cli, "--cpu", "1024", "--memory", "2048", "--duration", "1h")
    assert result["region"] == "eu-west-2"
    # eu-west-2, 1 h: 1 vCPU x 0.04656 + 2 GB x 0.00511 = 0.05678
    assert result["total_usd"] == Decimal("0.05678")
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    assert cost_json(cli, "--cpu", "1024", "--memory", "2048")["region"] == "us-west-2"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "eu-wst-1"], "unknown region 'eu-wst-1'; did you mean 'eu-west-1'?"),
        (["--arch", "sparc"], "unknown architecture 'sparc'; use x86_64 or arm64"),
        (["--os", "macos"], "unknown operating system 'macos'"),
        (
            ["--os", "windows", "--cpu", "1024", "--memory", "2048", "--spot"],
            "Fargate Spot runs Linux tasks only",
        ),
        (["--tasks", "0"], "--tasks must be from 1 to 1,000,000, not 0"),
        (["--tasks", "1.5"], "--tasks '1.5' is not a whole number"),
        (["--runs-per-day", "1e999999999"], "--runs-per-day 1e999999999 is more than 86,400"),
        (["--duration", "1" + "0" * 40 + "h"], "bad duration"),
        (["--compare", "--days", "3"], "--days does not apply to --compare"),
        (["--runs-per-day", "often"], "--runs-per-day 'often' is not a number"),
    ],
)
def test_bad_options_are_one_line_exit_2(cli, args, message):
    base = ["--cpu", "256", "--memory", "512"] if "--cpu" not in args else []
    code, out, err = cli("cost", *base, *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err


def test_every_price_entry_states_source_and_date():
    table = PriceTable.load()
    assert table.as_of
    for region, groups in table.regions.items():
        for group, entry in groups.items():
            assert entry["source"] and len(entry["as_of"]) == 10, (region, group)
            for field in ("vcpu_hour", "gb_hour", "license_vcpu_hour"):
                if field in entry:
                    assert Decimal(entry[field]) > 0, (region, group, field)


# --- lint --cost --------------------------------------------------------------------------


def test_lint_cost_prices_services_whose_task_definition_is_in_the_run(cli, tmp_path):
    from conftest import good_service

    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "td.json").write_text(
        json.dumps(good_taskdef(cpu="1024", memory="2048"), indent=2)
    )
    service = good_service(
        taskDefinition="arn:aws:ecs:us-east-1:123456789012:task-definition/web:7", desiredCount=3
    )
    service.pop("enableECSManagedTags")
    (tmp_path / "deploy" / "svc.json").write_text(json.dumps(service, indent=2))
    orphan = good_service(serviceName="lonely", taskDefinition="nowhere:1")
    (tmp_path / "deploy" / "orphan.json").write_text(json.dumps(orphan, indent=2))

    code, out, _ = cli("lint", "--cost", "--region", "us-east-1", "--format", "json", "deploy")
    assert code == 1  # the service's finding still fails the run
    report = json.loads(out, parse_float=Decimal)
    # 3 tasks x 730 h x (1 vCPU x 0.04048 + 2 GB x 0.004445) = 2190 x 0.04937 = 108.1203
    monthly = Decimal("108.1203")
    cost, orphan = sorted(report["costs"], key=lambda c: c["resource"] != "prod/web")
    assert cost["resource"] == "prod/web" and cost["monthly_usd"] == monthly
    assert orphan["monthly_usd"] is None and "nowhere:1 is not in this run" in orphan["notes"][0]
    assert cost["desired_count"] == 3 and cost["region"] == "us-east-1" and cost["as_of"]
    [finding] = report["findings"]
    assert finding["name"] == "service-without-managed-tags"
    assert finding["cost"]["monthly_usd"] == monthly
    _, text, _ = cli("lint", "--cost", "deploy")
    assert "Monthly cost of services" in text and "prod/web" in text
    assert "not priced" in text and "total" in text


def test_lint_without_cost_says_nothing_about_money(cli, tmp_path):
    (tmp_path / "td.json").write_text(json.dumps(good_taskdef()))
    _, out, _ = cli("lint", "--format", "json", ".")
    assert "costs" not in json.loads(out)


# --- details a FinOps reviewer checked ----------------------------------------------------


def test_decimal_durations_are_exact(cli):
    result = cost_json(cli, "--cpu", "256", "--memory", "512", "--duration", "8.3m")
    assert result["usage"]["billed_seconds_per_task"] == 498
    assert result["usage"]["duration_seconds"] == Decimal("498")


def test_a_flag_replaces_the_files_value_not_a_fitted_one(cli, tmp_path):
    path = tmp_path / "td.json"
    path.write_text(json.dumps(good_taskdef(cpu="1024", memory="1024")))  # not a Fargate pair
    result = cost_json(cli, str(path), "--cpu", "512")
    assert (result["size"]["cpu"], result["size"]["memory"]) == (512, 1024)


def test_a_task_too_big_for_fargate_is_one_line(cli, tmp_path):
    doc = {
        "family": "big",
        "containerDefinitions": [{"name": "a", "image": "a:1", "cpu": 40000, "memory": 300000}],
    }
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    code, _, err = cli("cost", str(path))
    assert code == 2 and err.count("\n") == 1 and "no Fargate size holds" in err


def test_compare_says_when_the_job_costs_more(cli):
    code, out, _ = cli("cost", "--cpu", "256", "--memory", "512", "--compare", "--duration", "24h")
    assert code == 0 and "the job costs $0.00 more" in out  # 30.42 x 24 h is a little over 730 h


def test_old_prices_are_flagged(cli):
    result = cost_json(
        cli, "--cpu", "1024", "--memory", "2048", "--os", "windows", "--region", "eu-west-1"
    )
    assert any("days old" in note for note in result["notes"])  # eu-west-1 Windows: 2025-10-27


def test_lint_cost_rejects_an_unknown_region(cli, tmp_path):
    (tmp_path / "td.json").write_text(json.dumps(good_taskdef()))
    code, _, err = cli("lint", "--cost", "--region", "mars-1", ".")
    assert code == 2 and "unknown region 'mars-1'" in err


def _priced(cli, tmp_path, **service_fields):
    from conftest import good_service

    (tmp_path / "td.json").write_text(json.dumps(good_taskdef(cpu="1024", memory="2048")))
    service = good_service(**service_fields)
    for key, value in list(service.items()):
        if value is None:
            del service[key]
    (tmp_path / "svc.json").write_text(json.dumps(service))
    _, out, _ = cli("lint", "--cost", "--format", "json", "--region", "us-east-1", ".")
    [cost] = json.loads(out, parse_float=Decimal)["costs"]
    return cost


def test_capacity_provider_strategies_split_tasks_by_base_and_weight(cli, tmp_path):
    strategy = [
        {"capacityProvider": "FARGATE", "base": 1, "weight": 1},
        {"capacityProvider": "FARGATE_SPOT", "weight": 4},
    ]
    cost = _priced(
        cli, tmp_path, launchType=None, capacityProviderStrategy=strategy, desiredCount=11
    )
    assert cost["tasks_by_capacity_provider"] == {"FARGATE": 3, "FARGATE_SPOT": 8}
    # on demand, 1 vCPU x 0.04048 + 2 GB x 0.004445 = 0.04937 an hour;
    # Spot, 1 vCPU x 0.01288561 + 2 GB x 0.00141493 = 0.01571547 an hour;
    # 730 h x (3 x 0.04937 + 8 x 0.01571547) = 730 x 0.27383376 = 199.8986448
    assert cost["monthly_usd"] == pytest.approx(Decimal("199.8986448"))
    assert any("Fargate Spot" in note for note in cost["notes"])


def test_services_not_on_fargate_or_without_a_launch_type(cli, tmp_path):
    ec2 = _priced(cli, tmp_path, launchType="EC2")
    assert ec2["monthly_usd"] is None and "not on Fargate" in ec2["notes"][0]
    unset = _priced(cli, tmp_path, launchType=None)
    assert unset["monthly_usd"] is not None and "assumed Fargate" in unset["notes"][0]


def test_the_revision_a_service_names_is_preferred(cli, tmp_path):
    from conftest import good_service

    for revision, cpu, memory in ((3, "256", "512"), (4, "1024", "2048")):
        folder = tmp_path / f"rev{revision}"
        folder.mkdir()
        (folder / "td.json").write_text(
            json.dumps(good_taskdef(cpu=cpu, memory=memory, revision=revision))
        )
    (tmp_path / "svc.json").write_text(json.dumps(good_service(taskDefinition="web:4")))
    _, out, _ = cli("lint", "--cost", "--format", "json", "--ignore", "output-only-field", ".")
    [cost] = json.loads(out)["costs"]
    assert cost["size"]["cpu"] == 1024
