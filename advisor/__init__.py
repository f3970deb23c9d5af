"""ecs-advisor: a linter and cost advisor for AWS ECS services and jobs."""

__version__ = "0.1.0"
