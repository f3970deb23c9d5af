"""``ecs-advisor pricing update``: Fargate prices from the AWS Price List API into the user cache.

The only module of the cost model that imports boto3; nothing on the lint path imports it.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from advisor.config import ConfigError
from advisor.cost.prices import cache_path

SOURCE = "AWS Price List API (pricing:GetProducts, ServiceCode AmazonECS)"

# Usage type suffix (after the region prefix such as USE1- or EUW2-) -> (price group, field).
USAGE_TYPES = {
    "Fargate-vCPU-Hours:perCPU": ("linux/x86_64", "vcpu_hour"),
    "Fargate-GB-Hours": ("linux/x86_64", "gb_hour"),
    "Fargate-ARM-vCPU-Hours:perCPU": ("linux/arm64", "vcpu_hour"),
    "Fargate-ARM-GB-Hours": ("linux/arm64", "gb_hour"),
    "Fargate-Windows-vCPU-Hours:perCPU": ("windows/x86_64", "vcpu_hour"),
    "Fargate-Windows-GB-Hours": ("windows/x86_64", "gb_hour"),
    "Fargate-Windows-OS-Hours:perCPU": ("windows/x86_64", "license_vcpu_hour"),
    "Fargate-EphemeralStorage-GB-Hours": ("storage", "gb_hour"),
}
REQUIRED_FIELDS = {
    "linux/x86_64": {"vcpu_hour", "gb_hour"},
    "linux/arm64": {"vcpu_hour", "gb_hour"},
    "windows/x86_64": {"vcpu_hour", "gb_hour", "license_vcpu_hour"},
    "storage": {"gb_hour"},
}
_PREFIXED = re.compile(r"^(?:[A-Z0-9]+-)?(Fargate-[A-Za-z]+(?:-[A-Za-z]+)*-Hours(?::perCPU)?)$")


def _on_demand_usd(item: dict[str, Any]) -> str | None:
    for offer in item.get("terms", {}).get("OnDemand", {}).values():
        for dimension in offer.get("priceDimensions", {}).values():
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is not None:
                return usd
    return None


def prices_from_items(items: Iterable[str], today: str) -> dict[str, dict[str, dict[str, str]]]:
    """Price groups by region from PriceList items (each a JSON string), complete groups only."""
    found: dict[str, dict[str, dict[str, str]]] = {}
    for raw in items:
        item = json.loads(raw)
        attributes = item.get("product", {}).get("attributes", {})
        match = _PREFIXED.match(attributes.get("usagetype", ""))
        region = attributes.get("regionCode")
        if not match or not region or match.group(1) not in USAGE_TYPES:
            continue
        usd = _on_demand_usd(item)
        if usd is None or float(usd) <= 0:
            continue
        group, field = USAGE_TYPES[match.group(1)]
        published = str(item.get("publicationDate", ""))[:10] or today
        entry = found.setdefault(region, {}).setdefault(
            group, {"source": SOURCE, "as_of": published}
        )
        entry[field] = str(float(usd)) if "E" in usd.upper() else usd.rstrip("0").rstrip(".")
        entry["as_of"] = max(entry["as_of"], published)
    complete = {
        region: {g: e for g, e in groups.items() if REQUIRED_FIELDS[g] <= set(e)}
        for region, groups in found.items()
    }
    return {region: groups for region, groups in complete.items() if groups}


def fetch_items(client: Any) -> Iterable[str]:
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(ServiceCode="AmazonECS", FormatVersion="aws_v1"):
        yield from page.get("PriceList", [])


def write_cache(regions: dict[str, Any], today: str, path: Path) -> None:
    """Write the cache atomically: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {"as_of": today, "source": SOURCE, "regions": regions}
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".fargate-prices.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, indent=1, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def update_cache(profile: str | None, endpoint_region: str, client: Any = None) -> int:
    try:
        import boto3
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        raise ConfigError(
            "pricing update needs the AWS SDK: pip install 'ecs-advisor[aws]'"
        ) from None

    today = datetime.date.today().isoformat()
    try:
        if client is None:
            session = boto3.Session(profile_name=profile)
            config = Config(retries={"mode": "standard", "max_attempts": 8})
            client = session.client("pricing", region_name=endpoint_region, config=config)
        regions = prices_from_items(fetch_items(client), today)
    except (BotoCoreError, ClientError) as exc:
        raise ConfigError(f"AWS Price List API: {exc}") from None
    if not regions:
        raise ConfigError(
            "the AWS Price List API returned no Fargate prices; the cache is unchanged"
        )
    path = cache_path()
    write_cache(regions, today, path)
    groups = sum(len(g) for g in regions.values())
    print(f"wrote {groups} price groups for {len(regions)} regions to {path}", file=sys.stderr)
    return 0
