"""The demo's shop is the same shop on every start of one Dagster home: URL, credentials, data."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from srpipeline.sandbox.demo import DemoShopError, start_demo_shop


def first_orders(url: str, auth: tuple[str, str]) -> list[dict]:
    response = requests.get(
        f"{url}/orderExtend",
        params={"full": 1, "limit": 5},
        auth=auth,
        headers={"Accept": "application/json"},
    )
    response.raise_for_status()
    return response.json()["items"]


def test_the_demo_shop_comes_back_as_the_same_shop(tmp_path: Path) -> None:
    with start_demo_shop(tmp_path, 40, rate=0) as shop:
        url, auth = shop.classic_url, (shop.username, shop.password)
        before = first_orders(url, auth)
    with start_demo_shop(tmp_path, None, rate=0) as again:  # `srpipeline ui` gives no size
        assert (again.classic_url, again.username, again.password) == (url, *auth)
        assert first_orders(url, auth) == before


def test_a_demo_shop_that_cannot_come_back_says_why_in_one_line(tmp_path: Path) -> None:
    with start_demo_shop(tmp_path, 40, rate=0) as shop:
        with pytest.raises(DemoShopError, match=r"cannot listen on 127\.0\.0\.1:.*stop the other"):
            start_demo_shop(tmp_path, None, rate=0)  # its port is still held
        assert shop.port
    with pytest.raises(DemoShopError, match=r"made with 40 orders, not 80: .*new folder"):
        start_demo_shop(tmp_path, 80, rate=0)
