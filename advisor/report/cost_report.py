"""Cost estimates for people (a small table) and for programs (JSON, unrounded)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TextIO

from advisor.cost.estimate import cents, to_cents


def _number(value: Decimal | float) -> str:
    """A quantity without trailing zeros: 25, 0.5, 12.1667."""
    rounded = Decimal(str(value)).quantize(Decimal("0.0001")).normalize()
    return f"{rounded:f}"


def _rate(value: Decimal) -> str:
    return f"${value.normalize():f}"


def _where(result: dict[str, Any]) -> str:
    """The region, and what said so: a default is never passed off as the service's region."""
    source = result.get("region_source")
    if not source:
        return result["region"]
    said = source if source.startswith("assumed") else f"from {source}"
    return f"{result['region']} ({said})"


def _header(result: dict[str, Any]) -> list[str]:
    size = result["size"]
    provider = result["capacity_provider"]
    kind = "Spot" if provider == "FARGATE_SPOT" else "on-demand"
    lines = [
        f"Fargate {kind} in {_where(result)}, {result['os'].capitalize()}/{result['architecture']}: "
        f"{_number(size['vcpu'])} vCPU, {_number(size['memory_gb'])} GB, "
        f"{size['ephemeral_storage_gib']} GB storage"
    ]
    lines += [f"Note: {note}" for note in result.get("notes", [])]
    return lines


def _footer(result: dict[str, Any]) -> str:
    lines = [
        f"Billing {result['billing']}. An estimate: Savings Plans and taxes are not included.",
        "Prices:",
    ]
    # Price groups read from one source on one day are listed together: sources are long.
    groups: dict[tuple[str, str], list[str]] = {}
    for s in result["prices"]["sources"]:
        groups.setdefault((s["as_of"], s["source"]), []).append(s["prices"])
    lines += [
        f"  {', '.join(prices)} as of {as_of}: {source}"
        for (as_of, source), prices in groups.items()
    ]
    return "\n".join(lines)


def render_text(result: dict[str, Any], stream: TextIO) -> None:
    from tabulate import tabulate

    if result["mode"] == "compare":
        _render_compare(result, stream, tabulate)
        return
    usage, prices, breakdown = result["usage"], result["prices"], result["breakdown"]
    size = result["size"]
    hours = Decimal(str(usage["task_hours"]))
    vcpu_hours = hours * Decimal(str(size["vcpu"]))
    gb_hours = hours * Decimal(str(size["memory_gb"]))
    storage_hours = hours * max(0, size["ephemeral_storage_gib"] - 20)
    rows = [
        (
            "vCPU",
            f"{_number(vcpu_hours)} vCPU-hours",
            _rate(prices["vcpu_hour"]),
            cents(breakdown["vcpu"]),
        ),
        (
            "memory",
            f"{_number(gb_hours)} GB-hours",
            _rate(prices["gb_hour"]),
            cents(breakdown["memory"]),
        ),
        (
            "ephemeral storage",
            f"{_number(storage_hours)} GB-hours above 20 GB" if storage_hours else "20 GB included",
            _rate(prices["ephemeral_storage_gb_hour"]) if storage_hours else "-",
            cents(breakdown["ephemeral_storage"]),
        ),
    ]
    if result["os"] == "windows":
        rows.append(
            (
                "Windows licence",
                f"{_number(vcpu_hours)} vCPU-hours",
                _rate(prices["windows_license_vcpu_hour"]),
                cents(breakdown["windows_license"]),
            )
        )
    # AWS's examples round each line to the cent and add the lines; so does this table.
    total = sum(
        (to_cents(Decimal(row[3].replace("$", "").replace(",", ""))) for row in rows), Decimal(0)
    )
    rows.append(("total", "", "", cents(total)))
    runs = _number(usage["runs_per_day"])
    usage_line = (
        f"Usage: {usage['tasks']} task(s) x {usage['duration']} "
        f"({usage['billed_seconds_per_task']} s billed each), {runs} run(s) a day, "
        f"{_number(usage['days'])} day(s) = {_number(hours)} task-hours"
    )
    table = tabulate(
        rows, headers=("", "usage", "rate", "cost"), colalign=("left", "left", "right", "right")
    )
    stream.write("\n".join([*_header(result), usage_line, "", table, "", _footer(result)]) + "\n")


def _render_compare(result: dict[str, Any], stream: TextIO, tabulate: Any) -> None:
    service, job, assumptions = result["service"], result["job"], result["assumptions"]
    saving = result["savings_usd"]
    share = ""
    if service["monthly_usd"] and saving >= 0:
        percent = saving / service["monthly_usd"] * 100
        share = (
            f"{percent:.1f}% less" if 99 < percent < 100 or percent < 1 else f"{percent:.0f}% less"
        )
    rows = [
        (
            "always-on service",
            cents(service["monthly_usd"]),
            f"{service['desired_count']} task(s) x {_number(service['hours_per_month'])} hours",
        ),
        (
            "scheduled job",
            cents(job["monthly_usd"]),
            f"{job['tasks']} task(s) x {job['duration']} ({job['billed_seconds_per_task']} s billed), "
            f"{_number(job['runs_per_day'])} run(s) a day x {_number(job['days_per_month'])} days",
        ),
        (
            "difference",
            cents(abs(saving)),
            share if saving >= 0 else f"the job costs {cents(-saving)} more",
        ),
    ]
    table = tabulate(
        rows, headers=("per month", "cost", "assuming"), colalign=("left", "right", "left")
    )
    lines = [*_header({**assumptions, "notes": result.get("notes", [])}), "", table, ""]
    lines.append(_footer(assumptions))
    stream.write("\n".join(lines) + "\n")


def render_coverage(table: Any, cache: Any, stream: TextIO) -> None:
    """Which price groups the table has for which regions, and how old they are."""
    from tabulate import tabulate

    groups: dict[str, list[tuple[str, str]]] = {}
    for region, entries in sorted(table.regions.items()):
        for group, entry in entries.items():
            groups.setdefault(group, []).append((region, entry["as_of"]))
    rows = [
        (group, len(found), min(a for _, a in found), ", ".join(r for r, _ in found))
        for group, found in sorted(groups.items())
    ]
    state = "in use" if cache.is_file() else "none yet: 'ecs-advisor pricing update' writes it"
    stream.write(
        tabulate(
            rows,
            headers=("prices", "regions", "oldest", "where"),
            maxcolwidths=[None, None, None, 70],
        )
        + f"\n\nTable as of {table.as_of}. Cache: {cache} ({state}).\n"
        "Absent regions and groups could not be sourced; they are not guessed.\n"
    )
