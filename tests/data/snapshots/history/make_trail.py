"""How trail.jsonl was made (run once; the file is committed and the snapshots pin it).

    python tests/data/snapshots/history/make_trail.py > tests/data/snapshots/history/trail.jsonl

Four weeks of a small account: the report service (desired count 1) that alice stops by hand
and bob scales to 0 (ECS601), the etl job that carol keeps stopping (ECS602), RunTask calls
without managed tags from an EventBridge rule and from a person (ECS603), and automation noise
(deployments, Auto Scaling, a tagged scheduled job, read-only and non-ECS records).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # tests/, for the factory

import cloudtrail_factory as ct

START = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def records() -> list[dict]:
    ct.reset()
    deploy, alice, bob, carol = (
        ct.github_actions(),
        ct.sso_user("alice"),
        ct.iam_user_console("bob"),
        ct.iam_user_console("carol"),
    )
    rule, scheduler = ct.events_rule("nightly-etl-rule-role"), ct.scheduler()
    out = [
        ct.register_task_definition(deploy, START - 6 * DAY, "report", 4, "1024", "2048"),
        ct.create_service(deploy, START - 6 * DAY, "report", desired_count=1, revision=4),
        ct.update_service(ct.application_autoscaling(), START + 2 * DAY, "web", desired_count=4),
    ]
    for n in (0, 6, 12, 18):  # alice stops the report service's task after its work is done
        when = START + n * DAY + timedelta(hours=4, minutes=35)
        out.append(
            ct.stop_task(
                alice,
                when,
                ct.task_id(),
                family="report",
                revision=4,
                service="report",
                started_at=when - timedelta(minutes=40),
                cpu=None,
                memory=None,
            )
        )
    out.append(
        ct.update_service(bob, START + 21 * DAY, "report", desired_count=0, previous_desired=1)
    )
    out.append(ct.update_service(deploy, START + 22 * DAY, "report", desired_count=1))
    for n in range(14):  # the nightly etl job, started by an EventBridge rule, untagged
        when = START + n * DAY
        tid = ct.task_id()
        out.append(ct.run_task(rule, when, family="etl", revision=2, task_ids=[tid]))
        if n in (3, 7, 11):  # carol stops it when it hangs
            stop = when + timedelta(hours=2, minutes=30)
            out.append(
                ct.stop_task(
                    carol,
                    stop,
                    tid,
                    family="etl",
                    revision=2,
                    started_at=when + timedelta(minutes=1),
                )
            )
    for n in range(0, 28, 7):  # a weekly cleanup, tagged: no finding
        out.append(
            ct.run_task(
                scheduler,
                START + n * DAY + timedelta(hours=1),
                family="cleanup",
                managed_tags=True,
                propagate_tags="TASK_DEFINITION",
            )
        )
    out.append(ct.run_task(alice, START + 9 * DAY + timedelta(hours=8), family="migrate"))
    out.append(ct.describe_record(alice, START + 9 * DAY + timedelta(hours=8, minutes=5)))
    out.append(ct.other_record(START + 10 * DAY))
    return sorted(out, key=lambda r: r["eventTime"])


if __name__ == "__main__":
    sys.stdout.write(ct.jsonl(records()))
