"""Prices for every commercial region, and the region a lint --cost run prices in.

Expected figures are written by hand from advisor/cost/fargate-prices-2026.tsv (the research
notes of 2026-12, each figure with its source and date).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from conftest import good_service, good_taskdef
from test_cost import cost_json, no_user_cache  # noqa: F401 - the fixture applies here too

from advisor.cost.prices import PriceTable

# The 34 commercial regions of 2026 (China's are priced in CNY, GovCloud is not commercial).
COMMERCIAL = (
    "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1",
    "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1",
    "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
)  # fmt: skip


# --- the table ------------------------------------------------------------------------------


def test_every_commercial_region_has_linux_x86_arm_and_storage():
    table = PriceTable.load()
    assert len(COMMERCIAL) == 34
    for region in COMMERCIAL:
        groups = table.regions.get(region, {})
        assert {"linux/x86_64", "linux/arm64", "storage"} <= set(groups), region


def test_windows_wherever_fargate_sells_it():
    """Fargate has no Windows in ap-east-2 or ap-southeast-6; every other region has it."""
    table = PriceTable.load()
    without = {r for r in COMMERCIAL if "windows/x86_64" not in table.regions.get(r, {})}
    assert without == {"ap-east-2", "ap-southeast-6"}


def test_spot_only_where_a_dated_reading_exists():
    table = PriceTable.load()
    arm = {r for r, groups in table.regions.items() if "spot/arm64" in groups}
    # sa-east-1's ARM Spot figure was copied before 2025-08-25 on a day nobody wrote down.
    assert arm == {"us-east-1", "eu-west-1", "ap-south-2"}
    x86 = [r for r in COMMERCIAL if "spot/x86_64" in table.regions.get(r, {})]
    assert len(x86) == 21


def test_the_table_is_generated_from_the_tsv():
    from advisor.cost import build_prices

    table, left_out = build_prices.build(build_prices.TSV.read_text(encoding="utf-8"))
    assert build_prices.render(table) == build_prices.JSON.read_text(encoding="utf-8")
    assert left_out == [
        "sa-east-1 spot_arm_vcpu: no reading date (<=2025-08-25)",
        "sa-east-1 spot_arm_gb: no reading date (<=2025-08-25)",
    ]


def test_each_figure_keeps_its_source_and_date():
    regions = PriceTable.load().regions
    windows = regions["mx-central-1"]["windows/x86_64"]
    assert windows["license_vcpu_hour"] == "0.0483" and windows["as_of"] == "2025-10-27"
    assert "meteredUnitMaps/ecs/USD/current/ecs.json" in windows["source"]
    linux = regions["mx-central-1"]["linux/x86_64"]
    assert linux["as_of"] == "2026-07-29" and "read 2026-07-29" in linux["source"]
    # A month-only reading is dated to the month's first day, and says so.
    seoul = regions["ap-northeast-2"]["linux/arm64"]
    assert seoul["as_of"] == "2026-08-01" and "read in 2026-08, day not stated" in seoul["source"]
    # Figures of one group from different sources each keep theirs.
    spot = regions["us-east-1"]["spot/x86_64"]
    assert "vcpu_hour: " in spot["source"] and "0.01288871" in spot["source"]


# --- prices from it, by hand from the TSV ---------------------------------------------------

ONE_HOUR = ("--cpu", "1024", "--memory", "2048", "--duration", "1h")


def test_graviton_in_us_west_2_out_of_the_box(cli):
    result = cost_json(cli, *ONE_HOUR, "--arch", "arm64", "--region", "us-west-2")
    # 1 vCPU x 0.03238 + 2 GB x 0.00356 = 0.03950
    assert result["total_usd"] == Decimal("0.0395")
    assert result["prices"]["sources"][0]["as_of"] == "2025-10-27"


def test_arm_is_priced_per_region_not_as_a_ratio_of_x86(cli):
    result = cost_json(cli, *ONE_HOUR, "--arch", "arm64", "--region", "ap-south-1")
    # 1 x 0.02383 + 2 x 0.00261 = 0.02905 (0.8 x the x86 rates would give 0.041496)
    assert result["total_usd"] == Decimal("0.02905")


def test_windows_licence_per_vcpu_in_mx_central_1(cli):
    result = cost_json(cli, *ONE_HOUR, "--os", "windows", "--region", "mx-central-1")
    # 1 vCPU x 0.0488796 + 2 GB x 0.005367338 + 1 vCPU x 0.0483 (licence) = 0.107914276
    assert result["breakdown"]["windows_license"] == Decimal("0.0483")
    assert result["total_usd"] == Decimal("0.107914276")


def test_storage_in_eu_west_1(cli):
    result = cost_json(cli, *ONE_HOUR, "--ephemeral-storage", "30", "--region", "eu-west-1")
    # 10 GB above the 20 included x 0.000122 = 0.00122
    assert result["breakdown"]["ephemeral_storage"] == Decimal("0.00122")


def test_arm_spot_in_ap_south_2_and_none_in_sa_east_1(cli):
    result = cost_json(cli, *ONE_HOUR, "--arch", "arm64", "--spot", "--region", "ap-south-2")
    # 1 x 0.007149 + 2 x 0.000783 = 0.008715
    assert result["total_usd"] == Decimal("0.008715")
    code, _, err = cli("cost", *ONE_HOUR, "--arch", "arm64", "--spot", "--region", "sa-east-1")
    assert code == 2 and "no Fargate Spot arm64 price for sa-east-1" in err


def test_no_windows_where_fargate_has_none(cli):
    code, _, err = cli("cost", *ONE_HOUR, "--os", "windows", "--region", "ap-southeast-6")
    assert code == 2 and "no Fargate Windows price for ap-southeast-6" in err


# --- lint --cost: the region, and what could not be priced ---------------------------------


def _deploy(tmp_path, service: dict, taskdef: dict | None = None) -> None:
    (tmp_path / "deploy").mkdir(exist_ok=True)
    if taskdef is not None:
        (tmp_path / "deploy" / "td.json").write_text(json.dumps(taskdef, indent=2))
    (tmp_path / "deploy" / "svc.json").write_text(json.dumps(service, indent=2))


def _costs(cli, *args):
    code, out, err = cli("lint", "--cost", "--format", "json", *args, "deploy")
    assert code in (0, 1), err
    return json.loads(out, parse_float=Decimal)["costs"]


def graviton(**fields) -> dict:
    td = good_taskdef(cpu="1024", memory="2048", runtimePlatform={"cpuArchitecture": "ARM64"})
    td.update(fields)
    return td


def test_a_us_west_2_graviton_service_is_priced_where_its_arn_says(cli, tmp_path):
    service = good_service(
        taskDefinition="arn:aws:ecs:us-west-2:123456789012:task-definition/web:7", desiredCount=2
    )
    _deploy(tmp_path, service, graviton())
    [cost] = _costs(cli)
    # 2 tasks x 730 h x (1 vCPU x 0.03238 + 2 GB x 0.00356) = 1460 x 0.0395 = 57.67
    assert cost["monthly_usd"] == Decimal("57.67")
    assert (cost["region"], cost["architecture"]) == ("us-west-2", "arm64")
    assert cost["region_source"] == "the service's task definition ARN"
    _, text, _ = cli("lint", "--cost", "deploy")
    assert "region us-west-2 (from the service's task definition ARN)" in text
    assert "$57.67" in text


@pytest.mark.parametrize(
    ("where", "region", "said"),
    [
        ("awslogs", "eu-west-1", "awslogs-region of container 'web'"),
        ("ecr", "ap-south-1", "the ECR registry of container 'web'"),
        ("arn", "eu-west-2", "the task definition's ARN"),
    ],
)
def test_the_region_from_the_task_definition(cli, tmp_path, monkeypatch, where, region, said):
    monkeypatch.setenv("AWS_REGION", "us-east-1")  # the configuration says better
    td = good_taskdef(cpu="1024", memory="2048")
    container = td["containerDefinitions"][0]
    container["logConfiguration"]["options"].pop("awslogs-region", None)
    if where == "awslogs":
        container["logConfiguration"]["options"]["awslogs-region"] = region
    elif where == "ecr":
        container["image"] = f"123456789012.dkr.ecr.{region}.amazonaws.com/web:1.4.2"
    else:
        td["taskDefinitionArn"] = f"arn:aws:ecs:{region}:123456789012:task-definition/web:3"
    _deploy(tmp_path, good_service(taskDefinition="web"), td)
    [cost] = _costs(cli, "--ignore", "output-only-field")
    assert (cost["region"], cost["region_source"]) == (region, said)


def test_an_explicit_region_wins_and_the_environment_comes_before_the_default(
    cli, tmp_path, monkeypatch
):
    td = good_taskdef(cpu="1024", memory="2048")
    td["containerDefinitions"][0]["logConfiguration"]["options"].pop("awslogs-region", None)
    _deploy(tmp_path, good_service(taskDefinition="web"), td)
    [cost] = _costs(cli, "--region", "eu-west-2")
    assert (cost["region"], cost["region_source"]) == ("eu-west-2", "--region")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-north-1")
    [cost] = _costs(cli)
    assert (cost["region"], cost["region_source"]) == ("eu-north-1", "AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    [cost] = _costs(cli)
    assert cost["region"] == "us-east-1"
    assert cost["region_source"] == (
        "assumed: nothing in the configuration, AWS_REGION or AWS_DEFAULT_REGION says"
    )
    _, text, _ = cli("lint", "--cost", "deploy")
    assert "region us-east-1 (assumed: nothing in the configuration" in text


def test_services_in_two_regions_say_each_one(cli, tmp_path):
    west = good_service(
        serviceName="west",
        taskDefinition="arn:aws:ecs:us-west-2:123456789012:task-definition/web:7",
    )
    _deploy(tmp_path, west, graviton())
    east = good_service(
        serviceName="east",
        taskDefinition="arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7",
    )
    (tmp_path / "deploy" / "east.json").write_text(json.dumps(east, indent=2))
    costs = {c["resource"]: c for c in _costs(cli)}
    assert costs["prod/west"]["region"] == "us-west-2"
    assert costs["prod/east"]["region"] == "eu-west-1"
    _, text, _ = cli("lint", "--cost", "deploy")
    assert "regions as noted" in text
    assert "us-west-2 (from the service's task definition ARN)" in text
    assert "eu-west-1 (from the service's task definition ARN)" in text


def test_a_total_over_nothing_priced_is_na(cli, tmp_path):
    _deploy(tmp_path, good_service(taskDefinition="nowhere:1"))
    [cost] = _costs(cli, "--region", "us-west-2")
    assert cost["monthly_usd"] is None and cost["region"] == "us-west-2"
    assert cost["notes"] == ["task definition nowhere:1 is not in this run"]
    _, text, _ = cli("lint", "--cost", "--region", "us-west-2", "deploy")
    total = next(line for line in text.splitlines() if line.startswith("total"))
    assert "n/a" in total and "$0.00" not in text
    assert "region us-west-2 (from --region)" in text


def test_a_price_missing_from_the_table_is_a_reason_for_that_service(cli, tmp_path):
    windows = good_taskdef(
        cpu="1024",
        memory="2048",
        runtimePlatform={"operatingSystemFamily": "WINDOWS_SERVER_2022_CORE"},
    )
    _deploy(tmp_path, good_service(taskDefinition="web"), windows)
    [cost] = _costs(cli, "--region", "ap-east-2")
    assert cost["monthly_usd"] is None
    assert cost["notes"][-1].startswith(
        "not priced: no Fargate Windows price for ap-east-2 in the price table"
    )


# --- cost TASKDEF: the same, for one task definition ----------------------------------------


def test_cost_of_a_task_definition_prices_where_it_logs(cli, tmp_path):
    td = graviton()
    td["containerDefinitions"][0]["logConfiguration"]["options"]["awslogs-region"] = "us-west-2"
    (tmp_path / "td.json").write_text(json.dumps(td))
    result = cost_json(cli, "td.json", "--duration", "1h")
    assert result["region"] == "us-west-2"
    assert result["region_source"] == "awslogs-region of container 'web'"
    assert result["total_usd"] == Decimal("0.0395")  # 0.03238 + 2 x 0.00356
    _, text, _ = cli("cost", "td.json", "--duration", "1h")
    assert text.startswith(
        "Fargate on-demand in us-west-2 (from awslogs-region of container 'web'), Linux/arm64"
    )


def test_cost_says_when_the_region_is_assumed(cli):
    _, text, _ = cli("cost", *ONE_HOUR)
    first = text.splitlines()[0]
    assert first.startswith("Fargate on-demand in us-east-1 (assumed: nothing in the configuration")


# --- audit: a sum over nothing priced ---------------------------------------------------------


def test_an_audit_with_no_priced_service_has_no_monthly_total(cli, tmp_path, monkeypatch):
    import boto3
    import moto
    from conftest import fake_aws_environment

    fake_aws_environment(monkeypatch, tmp_path, "eu-west-1")
    with moto.mock_aws():
        ecs = boto3.client("ecs", region_name="eu-west-1")
        ecs.create_cluster(clusterName="prod")
        ecs.register_task_definition(
            family="batch",
            requiresCompatibilities=["EC2"],
            containerDefinitions=[{"name": "batch", "image": "busybox:1.36", "memory": 256}],
        )
        ecs.create_service(
            cluster="prod",
            serviceName="batch",
            taskDefinition="batch:1",
            desiredCount=1,
            launchType="EC2",
        )
        code, out, err = cli(
            "audit", "--region", "eu-west-1", "--cloudtrail", "none", "--format", "json"
        )
    assert code in (0, 1), err
    report = json.loads(out)
    [cost] = report["costs"]
    assert cost["monthly_usd"] is None and "not on Fargate" in cost["notes"][-1]
    assert report["summary"]["monthly_usd"] is None  # not 0: nothing was priced


def test_prices_from_one_source_and_day_are_listed_once(cli):
    args = (*ONE_HOUR, "--arch", "arm64", "--region", "us-west-2", "--ephemeral-storage", "30")
    _, text, _ = cli("cost", *args)
    prices = text[text.index("Prices:\n") :].splitlines()[1:]
    assert len(prices) == 1 and prices[0].startswith("  linux/arm64, storage as of 2025-10-27: ")


def test_a_china_region_says_why_it_has_no_prices(cli, tmp_path):
    code, _, err = cli("cost", *ONE_HOUR, "--region", "cn-north-1")
    assert code == 2 and "cn-north-1: China's regions bill in CNY" in err
    service = good_service(
        taskDefinition="arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/web:7"
    )
    _deploy(tmp_path, service, good_taskdef(cpu="1024", memory="2048"))
    [cost] = _costs(cli)
    assert cost["region"] == "cn-north-1" and cost["monthly_usd"] is None
    assert "China's regions bill in CNY" in cost["notes"][-1]
