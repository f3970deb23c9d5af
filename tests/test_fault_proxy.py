"""The fault proxy's own promises: which requests a fault picks (the e2e tests rely on them)."""

from __future__ import annotations

import pytest
from fault_proxy import Fault, FaultProxy, _s3_operation


def test_first_k_picks_exactly_the_first_k():
    fault = Fault("throttle", operation="ListServices", first=2)
    assert [fault.fires() for _ in range(5)] == [True, True, False, False, False]


def test_a_fraction_is_spread_evenly():
    half = Fault("throttle", fraction=0.5)
    assert [half.fires() for _ in range(6)] == [False, True, False, True, False, True]
    third = Fault("error500", fraction=1 / 3)
    assert sum(third.fires() for _ in range(30)) == 10


def test_a_fault_matches_by_operation_region_and_service():
    fault = Fault("deny", operation="ListClusters", region="us-east-1")
    request = {"operation": "ListClusters", "region": "us-east-1", "service": "ecs"}
    assert fault.matches(request)
    assert not fault.matches({**request, "region": "eu-west-1"})
    assert not fault.matches({**request, "operation": "ListServices"})


def test_s3_requests_are_named_as_their_operations():
    assert _s3_operation("GET", "/trail?list-type=2&prefix=logs%2F") == "ListObjectsV2"
    assert _s3_operation("GET", "/trail/logs/a.json.gz") == "GetObject"
    assert _s3_operation("PUT", "/trail/logs/a.json.gz") == "PutObject"
    assert _s3_operation("DELETE", "/trail/x") == "DeleteObject"


def test_the_proxy_forwards_to_loopback_only():
    with pytest.raises(AssertionError, match="loopback only"):
        FaultProxy("http://example.com:80")
    with pytest.raises(AssertionError):
        Fault("teleport")
