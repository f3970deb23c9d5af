"""``ecs-advisor pricing update`` against a stubbed AWS Price List API (moto has no Pricing API).

The stubbed responses have the shape of real ``get_products`` output: each PriceList element a
JSON string with ``product.attributes`` (usagetype, regionCode, ...) and
``terms.OnDemand.<sku>.<offer>.priceDimensions.<rate>.pricePerUnit.USD``.
"""

from __future__ import annotations

import json
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber

from advisor.cost import pricing_api
from advisor.cost.prices import PriceTable, cache_path

OFFER = "JRTCKXETXF"
RATE = "6YS6EN2CT7"


def price_list_item(region: str, usagetype: str, usd: str, sku: str, **attributes: str) -> str:
    product_attributes = {
        "regionCode": region,
        "servicecode": "AmazonECS",
        "usagetype": usagetype,
        "locationType": "AWS Region",
        "servicename": "Amazon Elastic Container Service",
        "operation": "",
        **attributes,
    }
    term = f"{sku}.{OFFER}"
    item = {
        "product": {"productFamily": "Compute", "attributes": product_attributes, "sku": sku},
        "serviceCode": "AmazonECS",
        "terms": {
            "OnDemand": {
                term: {
                    "priceDimensions": {
                        f"{term}.{RATE}": {
                            "unit": "hours",
                            "endRange": "Inf",
                            "description": f"AWS Fargate - {usagetype}",
                            "appliesTo": [],
                            "rateCode": f"{term}.{RATE}",
                            "beginRange": "0",
                            "pricePerUnit": {"USD": usd},
                        }
                    },
                    "sku": sku,
                    "effectiveDate": "2026-11-01T00:00:00Z",
                    "offerTermCode": OFFER,
                    "termAttributes": {},
                }
            }
        },
        "version": "20261101000000",
        "publicationDate": "2026-11-01T00:00:00Z",
    }
    return json.dumps(item)


PAGE_1 = [
    price_list_item(
        "us-east-1", "USE1-Fargate-vCPU-Hours:perCPU", "0.0404800000", "SKU1", cputype="perCPU"
    ),
    price_list_item("us-east-1", "USE1-Fargate-GB-Hours", "0.0044450000", "SKU2"),
    price_list_item(
        "us-east-1",
        "USE1-Fargate-ARM-vCPU-Hours:perCPU",
        "0.0323800000",
        "SKU3",
        cpuArchitecture="ARM",
    ),
    price_list_item(
        "us-east-1", "USE1-Fargate-ARM-GB-Hours", "0.0035600000", "SKU4", cpuArchitecture="ARM"
    ),
    price_list_item("us-east-1", "USE1-ECS-EC2-vCPU-Hours", "0.0000000000", "SKU5"),  # not Fargate
]
PAGE_2 = [
    price_list_item(
        "us-east-1",
        "USE1-Fargate-Windows-vCPU-Hours:perCPU",
        "0.0465520000",
        "SKU6",
        operatingSystem="Windows",
    ),
    price_list_item(
        "us-east-1",
        "USE1-Fargate-Windows-GB-Hours",
        "0.0051117500",
        "SKU7",
        operatingSystem="Windows",
    ),
    price_list_item(
        "us-east-1",
        "USE1-Fargate-Windows-OS-Hours:perCPU",
        "0.0460000000",
        "SKU8",
        operatingSystem="Windows",
    ),
    price_list_item(
        "us-east-1",
        "USE1-Fargate-EphemeralStorage-GB-Hours",
        "0.0001110000",
        "SKU9",
        storagetype="default",
    ),
    price_list_item("eu-west-1", "EU-Fargate-vCPU-Hours:perCPU", "0.0410000000", "SKUA"),
    price_list_item("eu-west-1", "EU-Fargate-GB-Hours", "0.0045000000", "SKUB"),
    price_list_item(
        "ap-south-2", "APS5-Fargate-vCPU-Hours:perCPU", "0.0400000000", "SKUC"
    ),  # no GB line
]
REQUEST = {"ServiceCode": "AmazonECS", "FormatVersion": "aws_v1"}


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def stubbed(monkeypatch):
    """A real pricing client whose calls are answered by a Stubber; the CLI gets this client."""
    client = boto3.client("pricing", region_name="us-east-1")
    stubber = Stubber(client)

    class Session:
        def __init__(self, profile_name=None):
            self.profile_name = profile_name

        def client(self, service, region_name=None, config=None):
            assert (service, region_name) == ("pricing", "us-east-1")
            return client

    monkeypatch.setattr(boto3, "Session", Session)
    with stubber:
        yield stubber
    stubber.assert_no_pending_responses()


def test_update_writes_complete_groups_and_the_cost_command_uses_them(stubbed, cli):
    stubbed.add_response(
        "get_products", {"FormatVersion": "aws_v1", "PriceList": PAGE_1, "NextToken": "p2"}, REQUEST
    )
    stubbed.add_response(
        "get_products",
        {"FormatVersion": "aws_v1", "PriceList": PAGE_2},
        {**REQUEST, "NextToken": "p2"},
    )
    code, _, err = cli("pricing", "update")
    assert code == 0 and "wrote 5 price groups for 2 regions" in err

    cached = json.loads(cache_path().read_text())
    us = cached["regions"]["us-east-1"]
    assert us["linux/x86_64"]["vcpu_hour"] == "0.04048"
    assert us["windows/x86_64"] == {
        "vcpu_hour": "0.046552",
        "gb_hour": "0.00511175",
        "license_vcpu_hour": "0.046",
        "source": pricing_api.SOURCE,
        "as_of": "2026-11-01",
    }
    assert us["storage"]["gb_hour"] == "0.000111"
    assert "ap-south-2" not in cached["regions"]  # a vCPU price without its GB price is no group

    code, out, _ = cli(
        "cost", "--cpu", "1024", "--memory", "2048", "--region", "eu-west-1", "--format", "json"
    )
    result = json.loads(out, parse_float=Decimal)
    assert result["total_usd"] == Decimal("0.041") + 2 * Decimal("0.0045")
    assert result["prices"]["sources"][0] == {
        "prices": "linux/x86_64",
        "source": pricing_api.SOURCE,
        "as_of": "2026-11-01",
    }
    # What the cache does not hold still comes from the embedded table.
    embedded_spot = PriceTable.load(cache=cache_path().with_name("absent.json")).regions[
        "eu-west-1"
    ]["spot/x86_64"]
    assert PriceTable.load().regions["eu-west-1"]["spot/x86_64"] == embedded_spot


def test_an_api_error_is_one_line_and_keeps_the_old_cache(stubbed, cli):
    path = cache_path()
    path.parent.mkdir(parents=True)
    path.write_text('{"as_of": "2026-01-01", "regions": {}}')
    stubbed.add_client_error(
        "get_products",
        "AccessDeniedException",
        "User is not authorized to perform: pricing:GetProducts",
    )
    code, out, err = cli("pricing", "update")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "AccessDeniedException" in err and "Traceback" not in err
    assert path.read_text() == '{"as_of": "2026-01-01", "regions": {}}'


def test_an_empty_answer_changes_nothing(stubbed, cli):
    stubbed.add_response("get_products", {"FormatVersion": "aws_v1", "PriceList": []}, REQUEST)
    code, _, err = cli("pricing", "update")
    assert code == 2 and "returned no Fargate prices" in err
    assert not cache_path().exists()


def test_a_damaged_cache_is_reported_not_trusted(cli):
    path = cache_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    code, _, err = cli("cost", "--cpu", "256", "--memory", "512")
    assert code == 2 and "not a price cache written by ecs-advisor" in err


def test_usage_types_are_matched_by_suffix_whatever_the_prefix():
    items = [
        price_list_item("eu-west-1", "EU-Fargate-ARM-vCPU-Hours:perCPU", "0.03238", "A"),
        price_list_item("eu-west-1", "EU-Fargate-ARM-GB-Hours", "0.00356", "B"),
        price_list_item("eu-west-1", "EU-SpotUsage-Fargate-vCPU-Hours:perCPU", "0.012", "C"),
    ]
    regions = pricing_api.prices_from_items(items, "2026-11-28")
    assert set(regions["eu-west-1"]) == {"linux/arm64"}
