"""History: what CloudTrail (and EventBridge) say a team did to its ECS services and jobs."""
