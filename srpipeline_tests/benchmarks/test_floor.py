"""The request counts the efficiency and the extrapolations rest on."""

from __future__ import annotations

from benchmarks.contenders.dlt_load import dlt_requests
from benchmarks.contenders.naive import naive_requests
from benchmarks.floor import efficiency, fewest_requests


def test_fewest_requests_of_a_first_sync() -> None:
    # 96 full order pages + 96 id-only pages + 25 customer pages + 7 small reads
    assert fewest_requests(19_185, 5_000) == 224
    assert fewest_requests(200, 200) == 1 + 1 + 1 + 7
    assert fewest_requests(201, 1) == 2 + 2 + 1 + 7


def test_an_empty_window_still_takes_a_read_per_list() -> None:
    assert fewest_requests(0, 0) == 1 + 0 + 1 + 7


def test_efficiency_is_the_floor_time_over_the_wall_time() -> None:
    assert efficiency(300, 3.0, 100.0) == 1.0
    assert efficiency(300, 3.0, 200.0) == 0.5


def test_baselines_request_counts() -> None:
    assert naive_requests(400, 100) == 2 + 3 * 400 + 1 + 100
    assert dlt_requests(400, 100) == 2 + 1
