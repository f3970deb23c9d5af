"""The Fargate cost model: prices by region, billing rules, service-versus-job comparisons.

Any rule or report can use it; it imports no AWS SDK (``pricing_api`` does, and only
``ecs-advisor pricing update`` imports that).
"""
