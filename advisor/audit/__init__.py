"""The account audit: read live ECS configuration and history with boto3, read-only."""
