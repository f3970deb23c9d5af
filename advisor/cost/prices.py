"""Fargate prices: the embedded, dated table, overridden by a cache that ``pricing update`` writes.

Each entry is one price group for one region, with its own ``source`` and ``as_of``:
``linux/x86_64``, ``linux/arm64``, ``windows/x86_64`` (vCPU, GB and the OS licence per vCPU),
``storage`` (ephemeral storage beyond the 20 GB included), ``spot/x86_64``, ``spot/arm64``.
A figure that could not be sourced is absent, never guessed; asking for it is an error that
says so.
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

EMBEDDED_TABLE = Path(__file__).with_name("fargate_prices.json")

# Commercial AWS regions (China's are priced in CNY and left out).
KNOWN_REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1",
    "mx-central-1", "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "il-central-1", "me-south-1",
    "me-central-1", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
    "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5",
    "ap-southeast-6", "ap-southeast-7", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "us-gov-east-1",
    "us-gov-west-1",
)  # fmt: skip


STALE_AFTER_DAYS = 90


def price_age_note(as_of: str) -> str | None:
    """A warning when the prices used are old enough to have changed."""
    import datetime

    age = (datetime.date.today() - datetime.date.fromisoformat(as_of)).days
    if age > STALE_AFTER_DAYS:
        return (
            f"the oldest price used is {age} days old ({as_of}); 'ecs-advisor pricing update' "
            "refreshes on-demand prices"
        )
    return None


class PriceError(Exception):
    """A price the table does not have, or a combination Fargate does not sell."""


def cache_path() -> Path:
    """Where ``ecs-advisor pricing update`` keeps what it fetched (per user)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ecs-advisor" / "fargate-prices.json"


class Rates:
    """The hourly rates that apply to one task, and where each came from."""

    __slots__ = ("gb_hour", "license_vcpu_hour", "sources", "storage_gb_hour", "vcpu_hour")

    def __init__(self) -> None:
        self.vcpu_hour = Decimal(0)
        self.gb_hour = Decimal(0)
        self.license_vcpu_hour = Decimal(0)
        self.storage_gb_hour = Decimal(0)
        self.sources: list[dict[str, str]] = []  # {"prices": ..., "source": ..., "as_of": ...}

    @property
    def as_of(self) -> str:
        """The oldest date among the figures used: the estimate is as old as its oldest part."""
        return min(s["as_of"] for s in self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "vcpu_hour": self.vcpu_hour,
            "gb_hour": self.gb_hour,
            "ephemeral_storage_gb_hour": self.storage_gb_hour,
            "windows_license_vcpu_hour": self.license_vcpu_hour,
            "sources": self.sources,
        }


class PriceTable:
    def __init__(self, regions: dict[str, dict[str, dict[str, str]]], as_of: str) -> None:
        self.regions = regions
        self.as_of = as_of

    @classmethod
    def load(cls, cache: Path | None = None) -> PriceTable:
        """The embedded table, with each cached entry taking precedence over its embedded one."""
        embedded = json.loads(EMBEDDED_TABLE.read_text(encoding="utf-8"))
        regions = {name: dict(groups) for name, groups in embedded["regions"].items()}
        as_of = embedded["as_of"]
        cache = cache_path() if cache is None else cache
        if cache.is_file():
            try:
                cached = json.loads(cache.read_text(encoding="utf-8"))
                for name, groups in cached["regions"].items():
                    regions.setdefault(name, {}).update(groups)
                as_of = max(as_of, cached["as_of"])
            except (ValueError, KeyError, TypeError, AttributeError):
                raise PriceError(
                    f"{cache}: not a price cache written by ecs-advisor; delete it or run "
                    "'ecs-advisor pricing update'"
                ) from None
        return cls(regions, as_of)

    def _group(self, region: str, group: str, what: str) -> dict[str, str]:
        found = self.regions.get(region, {}).get(group)
        if found is None:
            hint = (
                "Spot prices are not in the AWS Price List API, so only those read from AWS's "
                "pricing page are known"
                if group.startswith("spot/")
                else "'ecs-advisor pricing update' fetches current prices from the AWS Price List API"
            )
            raise PriceError(f"no {what} price for {region} in the price table; {hint}")
        return found

    def check_region(self, region: str) -> None:
        if region.startswith("cn-") and region not in self.regions:
            raise PriceError(
                f"{region}: China's regions bill in CNY, and this price table is in USD; "
                "AWS's China pricing pages have their prices"
            )
        if region not in KNOWN_REGIONS and region not in self.regions:
            from advisor.suggest import suggest

            guess = suggest(region, list(KNOWN_REGIONS))
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise PriceError(f"unknown region {region!r}{hint}")

    def rates(self, region: str, os_family: str, arch: str, spot: bool) -> Rates:
        self.check_region(region)
        if spot and os_family == "windows":
            raise PriceError("Fargate Spot runs Linux tasks only, not Windows")
        if os_family == "windows" and arch != "x86_64":
            raise PriceError("Windows on Fargate runs on x86_64 only")
        if spot:
            group = f"spot/{arch}"
            what = f"Fargate Spot {arch}"
        elif os_family == "windows":
            group, what = "windows/x86_64", "Fargate Windows"
        else:
            group, what = f"linux/{arch}", f"Fargate Linux/{arch}"
        compute = self._group(region, group, what)
        rates = Rates()
        rates.vcpu_hour = Decimal(compute["vcpu_hour"])
        rates.gb_hour = Decimal(compute["gb_hour"])
        rates.license_vcpu_hour = Decimal(compute.get("license_vcpu_hour", "0"))
        rates.sources.append(
            {"prices": group, "source": compute["source"], "as_of": compute["as_of"]}
        )
        return rates

    def with_storage(self, rates: Rates, region: str) -> Rates:
        """Add the ephemeral storage rate (needed only for tasks above the 20 GB included)."""
        storage = self._group(region, "storage", "Fargate ephemeral storage")
        rates.storage_gb_hour = Decimal(storage["gb_hour"])
        rates.sources.append(
            {"prices": "storage", "source": storage["source"], "as_of": storage["as_of"]}
        )
        return rates
