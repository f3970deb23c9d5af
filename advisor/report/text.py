"""Text for a person: ``path:line:col: CODE severity: message [name]``, one line per finding
(the severity is the finding's own), then a summary; the audit's tables; a cost estimate."""

from __future__ import annotations

import io
import os
from typing import Any, TextIO

from advisor.engine import Result
from advisor.model import ERROR, INFO, WARNING
from advisor.report.escape import markdown_cell, terminal

_COLOURS = {ERROR: "31", WARNING: "33", INFO: "36"}


def use_colour(stream: TextIO, mode: str = "auto") -> bool:
    """``--color always|never`` decides; else ``NO_COLOR`` (any non-empty value,
    https://no-color.org) turns colour off, ``FORCE_COLOR`` (https://force-color.org) on even in
    a pipe, and otherwise only a terminal that is not ``TERM=dumb`` gets it."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _paint(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def render(result: Result, colour: bool = False) -> str:
    if result.estimate is not None:
        from advisor.report.cost_report import render_text

        stream = io.StringIO()
        render_text(result.estimate, stream)
        return stream.getvalue()
    if result.scope is not None:
        from advisor.report.audit_tables import tables

        return tables(result, "simple")
    stream = io.StringIO()
    _findings(result, stream, colour)
    return stream.getvalue()


def _findings(result: Result, stream: TextIO, colour: bool) -> None:
    for f in result.findings:
        path = terminal(f.location.path)
        where = _paint(f"{path}:{f.location.line}:{f.location.column}:", "1", colour)
        code = _paint(f"{f.code} {f.severity}", _COLOURS[f.severity], colour)
        stream.write(f"{where} {code}: {terminal(f.message)} [{f.name}]\n")
        if f.evidence is not None:
            stream.write(_evidence_lines(f.evidence, f.cost))
    if result.costs:
        stream.write(cost_table(result.costs))
    if result.history is not None:
        stream.write(history_line(result.history) + "\n")
    for error in result.errors:  # also on stderr; here so that a report file says it too
        stream.write(f"Input error: {terminal(str(error))}\n")
    stream.write(summary_line(result) + "\n")


def history_line(history: dict[str, Any]) -> str:
    """What ``history`` read, so that "no problems" is never said of records it did not see."""
    start, end = history["window"]["start"], history["window"]["end"]
    if start and end:
        span = f", {start} to {end}"
    else:
        span = f", from {start} on" if start else f", up to {end}" if end else ""
    records, changes = history["records"], history["eventbridge_events"]
    return (
        f"History read: {records:,} CloudTrail record{'' if records == 1 else 's'} "
        f"({history['ecs_records']:,} ECS), {changes:,} EventBridge task state "
        f"change{'' if changes == 1 else 's'}{span}."
    )


SHOWN_EVENT_IDS = 5


def _event_ids(ids: list[str]) -> str:
    """The latest few event ids; JSON keeps them all."""
    shown = ", ".join(ids[-SHOWN_EVENT_IDS:])
    if len(ids) <= SHOWN_EVENT_IDS:
        return shown
    return f"{shown} (the {SHOWN_EVENT_IDS} latest of {len(ids)}; --format json lists all)"


def _evidence_lines(evidence: dict[str, Any], cost: dict[str, Any] | None) -> str:
    """History findings: the evidence and the money, indented under the finding."""
    lines = []
    if "by" in evidence:
        people = ", ".join(f"{b['actor']} x{b['times']}" for b in evidence["by"])
        lines.append(f"by {people}; {evidence['first']} to {evidence['last']}")
    elif "caller" in evidence:
        caller = evidence["caller"]
        lines.append(
            f"by {caller['label']} ({caller['reason']}); {evidence['first']} to {evidence['last']}"
        )
    if evidence.get("arn"):
        lines.append(evidence["arn"])
    if evidence.get("event_ids"):
        lines.append("events: " + _event_ids(evidence["event_ids"]))
    if cost and cost.get("assumptions"):
        a = cost["assumptions"]
        lines.append(
            f"priced in {a['region']}, {a['os']}/{a['architecture']}, "
            f"{a['size']['vcpu']:g} vCPU / {a['size']['memory_gb']:g} GB from {a['size_source']}, "
            f"prices as of {a['as_of']}"
        )
    return "".join(f"    {line}\n" for line in lines)


def _place(region: str, source: str) -> str:
    said = source if source.startswith("assumed") else f"from {source}"
    return f"{region} ({said})"


def cost_table(costs: list[dict], markdown: bool = False) -> str:
    """Monthly cost of each service, what it assumed, and the services that could not be priced.

    The heading names the region the prices are from and what said so; services priced in
    different regions each say theirs. A total over no priced service is "n/a", not $0.00.
    ``markdown``: a GitHub table under a heading, its cells unwrapped."""
    from decimal import Decimal

    from tabulate import tabulate

    from advisor.cost.estimate import cents, to_cents

    places = {(c.get("region"), c.get("region_source")) for c in costs}
    one_place = len(places) == 1
    rows: list[tuple[str, ...]] = []
    total = Decimal(0)
    for cost in costs:
        notes = list(cost["notes"])
        if not one_place and cost.get("region"):
            notes.insert(0, _place(cost["region"], cost["region_source"]))
        if cost["monthly_usd"] is None:
            rows.append((cost["resource"], "", "", "not priced", "; ".join(notes)))
            continue
        size = cost["size"]
        storage = (
            f", {size['ephemeral_storage_gib']} GB" if size["ephemeral_storage_gib"] > 20 else ""
        )
        rows.append(
            (
                cost["resource"],
                f"{cost['desired_count']} x {size['vcpu']:g} vCPU/{size['memory_gb']:g} GB{storage}",
                f"{cost['os']}/{cost['architecture']} {cost['capacity_provider']}",
                cents(cost["monthly_usd"]),
                "; ".join(notes),
            )
        )
        total += to_cents(cost["monthly_usd"])
    priced = [c for c in costs if c["monthly_usd"] is not None]
    if not priced:
        rows.append(("total", "", "", "n/a", "no service could be priced"))
    elif len(priced) < len(costs):
        rows.append(
            ("total", "", "", cents(total), f"{len(priced)} of {len(costs)} services priced")
        )
    else:
        rows.append(("total", "", "", cents(total), "services priced above"))
    headers = ("service", "tasks", "platform", "per month", "notes")
    if markdown:
        rows = [tuple(markdown_cell(str(cell)) for cell in row) for row in rows]
        table = tabulate(rows, headers=headers, tablefmt="github")
    else:
        rows = [tuple(terminal(str(cell)) for cell in row) for row in rows]
        table = tabulate(rows, headers=headers, maxcolwidths=[None, None, None, None, 60])
    if one_place:
        region, source = next(iter(places))
        where = f"region {_place(region, source or '')}" if region else "no region"
    else:
        where = "regions as noted"
    as_of = min((c["as_of"] for c in priced), default=None)
    dated = f", prices as of {as_of}" if as_of else ""
    heading = f"Monthly cost of services (730 hours, {where}{dated})"
    if markdown:
        return f"### {heading}\n\n{table}\n"
    return f"\n{heading}:\n{table}\n\n"


def nothing_read(result: Result) -> bool:
    """``history`` that read no record and no event: it may never say "no problems"."""
    history = result.history
    return history is not None and not (history["records"] or history["eventbridge_events"])


def summary_line(result: Result) -> str:
    checked = _plural(result.files_checked, "file")
    unreadable = len({e.path for e in result.errors})
    tail = f"; {_plural(unreadable, 'input')} could not be checked" if unreadable else ""
    if getattr(result, "baselined", 0):
        tail += f"; {_plural(result.baselined, 'finding')} in the baseline not shown"
    if not result.findings and nothing_read(result):
        return f"No history read: nothing to judge{tail}."
    if not result.findings and result.errors:  # a run that failed is never reported as clean
        return f"{tail[2:]}; nothing found in the {checked} that could be read."
    if not result.findings:
        return f"No problems found in {checked}{tail}."
    counts = {s: 0 for s in (ERROR, WARNING, INFO)}
    for f in result.findings:
        counts[f.severity] += 1
    parts = ", ".join(_plural(n, s) for s, n in counts.items() if n)
    files = len({f.location.path for f in result.findings})
    return (
        f"Found {_plural(len(result.findings), 'problem')} ({parts}) "
        f"in {_plural(files, 'file')}; {checked} checked{tail}."
    )
