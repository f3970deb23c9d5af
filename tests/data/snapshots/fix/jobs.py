import boto3

ecs = boto3.client("ecs")


def nightly(**extra):
    ecs.run_task(cluster="production", taskDefinition='report:4')  # quotes stay as they are
    ecs.run_task(
        cluster="production",  # the main cluster
        taskDefinition="etl:2",
    )
    ecs.run_task(taskDefinition="etl:3", **extra)  # not guessed at
