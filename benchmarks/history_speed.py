"""How fast ``ecs-advisor history`` reads a trail, against ``gzip -dc`` over the same files.

Generates a trail in the S3 layout (default: 1,000,000 records, 1% of them ECS calls, 500 records
a file, gzip), then times:
- ``gzip -dc`` of every file (the floor: decompression alone, in C);
- ``python -m advisor history DIR --format json`` (the whole command: read, filter, judge).
Prints records per second and the ratio. The target is under 2x. Run:

    python benchmarks/history_speed.py [--records N] [--ecs-share 0.01] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACCOUNT = "123456789012"
REGION = "eu-west-1"


def _noise(rng: random.Random, when: str) -> dict:
    """A typical non-ECS management event (S3, EC2, IAM, STS)."""
    source, name = rng.choice(
        [
            ("s3.amazonaws.com", "GetBucketAcl"),
            ("ec2.amazonaws.com", "DescribeInstances"),
            ("sts.amazonaws.com", "AssumeRole"),
            ("iam.amazonaws.com", "PassRole"),
            ("kms.amazonaws.com", "Decrypt"),
        ]
    )
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": "AROAEXAMPLE:i-0123456789abcdef0",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/app-role/i-0123456789abcdef0",
            "accountId": ACCOUNT,
            "sessionContext": {"attributes": {"creationDate": when, "mfaAuthenticated": "false"}},
        },
        "eventTime": when,
        "eventSource": source,
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": "10.0.1.23",
        "userAgent": "aws-sdk-java/2.25.0 Linux/6.1 OpenJDK_64-Bit_Server_VM/17",
        "requestParameters": {
            "roleArn": f"arn:aws:iam::{ACCOUNT}:role/ecs-tasks",
            "service": "ecs-tasks.amazonaws.com",
        },
        "responseElements": None,
        "requestID": f"{rng.getrandbits(64):016x}-req",
        "eventID": f"{rng.getrandbits(128):032x}",
        "readOnly": True,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
        "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256"},
    }


def _ecs(rng: random.Random, when: str) -> dict:
    """A StopTask by a person on a service task, or a RunTask by EventBridge."""
    task_id = f"{rng.getrandbits(128):032x}"
    if rng.random() < 0.5:
        identity = {
            "type": "AssumedRole",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/alice",
            "accountId": ACCOUNT,
        }
        name = "StopTask"
        request = {"cluster": "prod", "task": task_id}
        response = {
            "task": {
                "taskArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/prod/{task_id}",
                "group": f"service:svc-{rng.randrange(50)}",
                "startedBy": "ecs-svc/1234567890123456789",
                "cpu": "512",
                "memory": "1024",
                "taskDefinitionArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/report:4",
                "startedAt": when,
            }
        }
    else:
        identity = {
            "type": "AssumedRole",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/ecs-events/rule",
            "accountId": ACCOUNT,
            "invokedBy": "events.amazonaws.com",
        }
        name = "RunTask"
        request = {"cluster": "prod", "taskDefinition": f"job-{rng.randrange(20)}:1", "count": 1}
        response = {"tasks": [{"taskArn": f"arn:aws:ecs:{REGION}:{ACCOUNT}:task/prod/{task_id}"}]}
    record = _noise(rng, when)
    record.update(
        userIdentity=identity,
        eventSource="ecs.amazonaws.com",
        eventName=name,
        requestParameters=request,
        responseElements=response,
        readOnly=False,
    )
    return record


def generate(root: Path, records: int, ecs_share: float, per_file: int) -> list[Path]:
    rng = random.Random(7)
    paths = []
    folder = root / "AWSLogs" / ACCOUNT / "CloudTrail" / REGION / "2026" / "10"
    for start in range(0, records, per_file):
        day = 1 + (start // per_file) % 28
        when = f"2026-10-{day:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        batch = [
            _ecs(rng, when) if rng.random() < ecs_share else _noise(rng, when)
            for _ in range(min(per_file, records - start))
        ]
        path = folder / f"{day:02d}" / f"{ACCOUNT}_CloudTrail_{REGION}_{start:09d}.json.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({"Records": batch}, separators=(",", ":")).encode()
        path.write_bytes(gzip.compress(payload, compresslevel=6))
        paths.append(path)
    return paths


def best_of(runs: int, command: list[str], **kwargs) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, check=False, **kwargs)
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--ecs-share", type=float, default=0.01)
    parser.add_argument("--per-file", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", help="write the trail here and keep it")
    args = parser.parse_args()

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="trail-"))
    try:
        began = time.perf_counter()
        paths = generate(root, args.records, args.ecs_share, args.per_file)
        size = sum(p.stat().st_size for p in paths)
        print(
            f"generated {args.records:,} records ({args.ecs_share:.1%} ECS) in {len(paths):,} files, "
            f"{size / 2**20:.1f} MiB gzip, in {time.perf_counter() - began:.1f} s"
        )
        file_list = root / "files.txt"
        file_list.write_text("\n".join(str(p) for p in paths))
        floor = best_of(args.repeat, ["sh", "-c", f"xargs gzip -dc < {file_list}"])
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": ""}
        command = [
            sys.executable,
            "-m",
            "advisor",
            "history",
            str(root / "AWSLogs"),
            "--format",
            "json",
        ]
        ours = best_of(args.repeat, command, env=env)
        print(f"gzip -dc (all files)      {floor:7.2f} s  {args.records / floor:12,.0f} records/s")
        print(f"ecs-advisor history       {ours:7.2f} s  {args.records / ours:12,.0f} records/s")
        print(f"ratio {ours / floor:.2f}x (target under 2x); best of {args.repeat}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
