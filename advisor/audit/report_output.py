"""The audit's report in S3 (``--output s3://BUCKET/KEY``): one PutObject, from a client of its
own, and the IAM policy that allows just that.

Every client the audit reads with refuses writes (``aws_session.guarded``). Writing the report is
the one write ecs-advisor makes, so it has a separate, unguarded client and a separate policy
statement: the audit's policy stays read-only, and a team that does not want reports in S3 never
grants ``s3:PutObject``. The report also goes to standard output, where a scheduled task's log
(CloudWatch Logs) keeps it.
"""

from __future__ import annotations

from typing import Any

CONTENT_TYPES = {
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "json": "application/json",
    "sarif": "application/sarif+json",
    "github": "text/plain; charset=utf-8",
    "junit": "application/xml",
}
USAGE = "--output s3://BUCKET/KEY names a bucket and an object key"


def parse_s3_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/key`` -> (bucket, key); ValueError when either is missing."""
    bucket, _, key = url.removeprefix("s3://").partition("/")
    if not bucket or not key or key.endswith("/"):
        raise ValueError(f"{url}: {USAGE}")
    return bucket, key


def output_policy(url: str | None) -> dict[str, Any]:
    """The policy that lets the audit write its report there, and nothing else."""
    bucket, key = parse_s3_url(url) if url else ("YOUR-REPORT-BUCKET", "YOUR-REPORT-KEY")
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "WriteTheAuditReport",
                "Effect": "Allow",
                "Action": ["s3:PutObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{key}",
            }
        ],
    }


class OutputError(Exception):
    """The report could not be written to S3: one line for the user."""


def put_report(url: str, text: str, fmt: str, profile: str | None) -> None:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from advisor.audit.aws_session import CLIENT_CONFIG

    bucket, key = parse_s3_url(url)
    s3 = boto3.Session(profile_name=profile).client("s3", config=CLIENT_CONFIG)
    try:
        s3.put_object(
            Bucket=bucket, Key=key, Body=text.encode("utf-8"), ContentType=CONTENT_TYPES[fmt]
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "error")
        raise OutputError(f"could not write the report to {url}: {code}") from None
    except BotoCoreError as exc:
        raise OutputError(f"could not write the report to {url}: {exc}") from None
