"""Nightly jobs, started from a cron host."""

import time

import boto3

ecs = boto3.client("ecs", region_name="eu-west-1")


def nightly_report():
    response = ecs.run_task(
        cluster="production",
        taskDefinition="report:4",
        launchType="FARGATE",
    )
    arn = response["tasks"][0]["taskArn"]
    time.sleep(3600)  # the report never exits on its own
    ecs.stop_task(cluster="production", task=arn, reason="nightly window over")


def backfill():
    ecs.run_task(
        cluster="production",
        taskDefinition="backfill:2",
        enableECSManagedTags=True,
        propagateTags="TASK_DEFINITION",
    )
