"""``ecs-advisor audit``: the lint rules on live configuration, the history rules on CloudTrail,
with money, for one account or many, region by region in a bounded pool of threads."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from advisor.audit import aws_session
from advisor.audit.account_reader import Options, read_region
from advisor.audit.region_data import RegionData, describe_error
from advisor.config import ConfigError, Settings
from advisor.engine import ReadContext, Result, judge
from advisor.enrich import Pricing, price_history, price_services
from advisor.model import Finding
from advisor.sources.registry import source


def _audit_result() -> Result:
    result = Result()
    result.scope = {"accounts": set(), "regions": set(), "services": 0, "task_definitions": 0}
    return result


def _targets(args: Any) -> list[tuple[str | None, Any]]:
    """(role ARN or None, session) for each account to audit."""
    if args.role_name and not args.accounts:
        raise ConfigError("--role-name goes with --accounts FILE")
    try:
        base = aws_session.base_session(args.profile)
    except BotoCoreError as exc:
        raise ConfigError(describe_error(exc)) from None
    if args.role_arn:
        return [(args.role_arn, base)]
    if args.accounts:
        try:
            with open(args.accounts, encoding="utf-8") as handle:
                accounts = [line.split("#")[0].strip() for line in handle]
        except OSError as exc:
            raise ConfigError(f"{args.accounts}: cannot read: {exc.strerror}") from None
        accounts = [a for a in accounts if a]
        if not args.role_name:
            raise ConfigError("--accounts needs --role-name, the role to assume in each account")
        bad = [a for a in accounts if not (a.isdigit() and len(a) == 12)]
        if bad:
            raise ConfigError(f"{args.accounts}: not 12-digit account ids: {', '.join(bad[:3])}")
        return [(f"arn:aws:iam::{a}:role/{args.role_name}", base) for a in accounts]
    return [(None, base)]


def _home_region(session: Any) -> str:
    """Where to ask STS and EC2: as the AWS CLI chooses, AWS_REGION first (boto3's own region
    is AWS_DEFAULT_REGION or the profile's, and boto3 does not read AWS_REGION)."""
    return os.environ.get("AWS_REGION") or session.region_name or "us-east-1"


def _regions(args: Any, session: Any) -> list[str]:
    if args.all_regions:
        # The regions enabled for the account (opt-in regions that are not would fail).
        try:
            ec2 = aws_session.client(session, "ec2", _home_region(session))
            return sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
        except (ClientError, BotoCoreError) as exc:
            raise ConfigError(
                f"--all-regions: ec2:DescribeRegions: {describe_error(exc)}"
            ) from None
    if args.region:
        return args.region
    region = os.environ.get("AWS_REGION") or session.region_name
    if not region:
        raise ConfigError("no region: pass --region, --all-regions, or set AWS_REGION")
    return [region]


def _open_account(role_arn: str | None, base: Any, region: str) -> tuple[Any, str]:
    """The session for one account (assuming its role if asked), and the account's id."""
    session = aws_session.assumed_session(base, role_arn, region) if role_arn else base
    identity = aws_session.client(session, "sts", region).get_caller_identity()
    return session, identity["Account"]


def _read(session: Any, account: str, region: str, options: Options) -> RegionData:
    if options.progress is not None:
        options.progress.stage(f"ecs-advisor audit: reading {account} {region}")
    return read_region(
        lambda service: aws_session.client(session, service, region), account, region, options
    )


def run_audit(args: Any, settings: Settings, options: Options) -> Result:
    result = _audit_result()
    targets = _targets(args)
    regions = _regions(args, targets[0][1])
    accounts = []
    for role, base in targets:
        home = _home_region(base)
        call = "sts:AssumeRole, sts:GetCallerIdentity" if role else "sts:GetCallerIdentity"
        try:
            accounts.append(_open_account(role, base, home))
        except NoCredentialsError:
            result.audit_errors.append(
                {
                    "account": role or "",
                    "region": home,
                    "source": "credentials",
                    "message": "no AWS credentials found",
                }
            )
        except Exception as exc:  # a malformed answer too: this account's error, not the run's
            result.audit_errors.append(
                {
                    "account": role or "",
                    "region": home,
                    "source": call,
                    "message": describe_error(exc),
                }
            )
    # Every (account, region) pair is read in a bounded pool: regions run in parallel.
    gathered: list[RegionData] = []
    with ThreadPoolExecutor(max_workers=max(1, args.max_workers)) as pool:
        futures = {
            (account, region): pool.submit(_read, session, account, region, options)
            for session, account in accounts
            for region in regions
        }
        for (account, region), future in futures.items():
            try:
                gathered.append(future.result())
            except Exception as exc:  # whatever one region raised, the others are reported
                result.audit_errors.append(
                    {
                        "account": account,
                        "region": region,
                        "source": "reading the region",
                        "message": describe_error(exc),
                    }
                )
                result.unknown.append(
                    f"{account} {region}: nothing could be read; every rule is unknown there"
                )
    for data in gathered:
        result.audit_errors.extend(data.errors)
        _judge(data, settings, result)
    skipped = [u for u in result.unknown if "--cloudtrail none" in u]
    if skipped:  # one line for a choice, not one a region
        result.unknown = [u for u in result.unknown if u not in skipped]
        result.unknown.append("history rules not evaluated (--cloudtrail none)")
    if not accounts:  # no account opened: a usage or credentials problem, one line
        first = (
            result.audit_errors[0]["message"] if result.audit_errors else "nothing could be read"
        )
        raise ConfigError(f"the audit could not read the account: {first}")
    result.findings.sort(key=Finding.sort_key)
    return result


@contextmanager
def _without_collector_pauses() -> Iterator[None]:
    """Judging makes hundreds of thousands of small objects, freed by reference counting; the
    cyclic collector's passes over all that was read cost a quarter of the judging time (16,000
    services), so it waits until the region is judged."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _judge(data: RegionData, settings: Settings, result: Result) -> None:
    """The rules on one region's live configuration and history, through the live source."""
    with _without_collector_pauses():
        _judge_region(data, settings, result)


def _judge_region(data: RegionData, settings: Settings, result: Result) -> None:
    region = _audit_result()
    resources = list(source("live").read([data], ReadContext(settings, region)))
    judge(region, resources, settings)
    pricing = Pricing(data.region, settings.job_duration, region_source="the audited region")
    for cost in price_services(region.findings, resources, pricing):
        where = {"resource": cost["resource"], "path": cost["path"], "line": 1}
        result.costs.append({**where, "account": data.account, **cost})
    price_history(region.findings, pricing)
    scope = result.scope
    assert scope is not None
    scope["accounts"].add(data.account)
    scope["regions"].add(data.region)
    scope["services"] += len(data.services)
    scope["task_definitions"] += len(data.task_definitions)
    for error in data.errors:
        if not error["source"].startswith("s3://"):
            result.unknown.append(
                f"{data.account} {data.region}: {error['source']} could not be read; "
                "findings that need it are unknown"
            )
    if not data.history_read:
        result.unknown.append(
            f"{data.account} {data.region}: history rules not evaluated ({data.history_note})"
        )
    for finding in region.findings:
        finding.account, finding.region = data.account, data.region
    result.findings.extend(region.findings)
