"""The least-privilege IAM policy the audit needs (``audit --print-iam-policy``).

Kept apart from the boto3 sessions so printing it needs no AWS SDK: people ask for the policy
before they install anything else.
"""

from __future__ import annotations

from typing import Any

IAM_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadEcsConfiguration",
            "Effect": "Allow",
            "Action": [
                "ecs:ListClusters",
                "ecs:ListServices",
                "ecs:DescribeServices",
                "ecs:DescribeTaskDefinition",
                "ecs:ListTasks",
                "ecs:DescribeTasks",
            ],
            "Resource": "*",
        },
        {
            "Sid": "ReadEcsHistory",
            "Effect": "Allow",
            "Action": ["cloudtrail:LookupEvents"],
            "Resource": "*",
        },
        {
            "Sid": "ReadStoppedTasksLogStreams",
            "Effect": "Allow",
            "Action": ["logs:DescribeLogStreams"],
            "Resource": "*",
        },
        {
            "Sid": "ReadTrailBucket",
            "Effect": "Allow",
            "Action": ["s3:ListBucket", "s3:GetObject"],
            "Resource": ["arn:aws:s3:::YOUR-TRAIL-BUCKET", "arn:aws:s3:::YOUR-TRAIL-BUCKET/*"],
        },
        {
            "Sid": "ReadEncryptedTrail",
            "Effect": "Allow",
            "Action": ["kms:Decrypt"],
            "Resource": "arn:aws:kms:REGION:ACCOUNT:key/YOUR-TRAIL-KEY-ID",
        },
        {
            "Sid": "KnowTheAccountAndItsRegions",
            "Effect": "Allow",
            "Action": ["sts:GetCallerIdentity", "ec2:DescribeRegions"],
            "Resource": "*",
        },
    ],
}
