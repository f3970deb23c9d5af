"""Prices for every commercial region, and the region a lint --cost run prices in.

Expected figures are written by hand from advisor/cost/fargate-prices-2026.tsv (the research
notes of 2026-12, each figure with its source and date).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

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


@pytest.fixture(autouse=True)
def no_user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)


def cost_json(cli, *args):
    code, out, err = cli("cost", *args, "--format", "json")
    assert code == 0, err
    return json.loads(out, parse_float=Decimal)


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
