"""Fargate sizes and the unit strings the ECS API accepts for CPU and memory."""

from __future__ import annotations

import pytest

from advisor.fargate import FARGATE_SIZES, is_valid_size, parse_cpu, parse_memory


@pytest.mark.parametrize(
    ("raw", "units"),
    [
        ("256", 256),
        (512, 512),
        ("1 vCPU", 1024),
        ("0.25 vcpu", 256),
        (".25 vcpu", 256),  # as the Fargate pricing and task-size pages write it
        ("2vcpu", 2048),
        (" 4 VCPU ", 4096),
        ("0.3 vcpu", None),
        ("1.5", None),
        ("lots", None),
        (True, None),
        (None, None),
    ],
)
def test_parse_cpu(raw, units):
    assert parse_cpu(raw) == units


@pytest.mark.parametrize(
    ("raw", "mib"),
    [
        ("512", 512),
        (2048, 2048),
        ("2 GB", 2048),
        ("0.5GB", 512),
        (".5 gb", 512),
        ("1 gb", 1024),
        ("3GiB", 3072),
        ("512 MiB", 512),
        ("0.3 GB", None),
        ("big", None),
        (False, None),
    ],
)
def test_parse_memory(raw, mib):
    assert parse_memory(raw) == mib


def test_size_table_matches_the_documented_ranges():
    assert FARGATE_SIZES[256] == (512, 1024, 2048)
    assert FARGATE_SIZES[4096][0] == 8192 and FARGATE_SIZES[4096][-1] == 30720
    assert len(FARGATE_SIZES[4096]) == 23  # 8-30 GB in 1 GB steps
    assert FARGATE_SIZES[8192] == tuple(range(16384, 61441, 4096))
    assert FARGATE_SIZES[16384] == tuple(range(32768, 122881, 8192))
    assert FARGATE_SIZES[32768] == (61440, 122880, 249856)
    assert is_valid_size(1024, 8192) and not is_valid_size(1024, 9216)
