"""A read-only shop on a frozen clock shared by a test module, and a JSON client for it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from srpipeline.sandbox import SandboxShop, ShopClock

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


class Api:
    """requests against one shop, Basic auth, ``Accept: application/json``."""

    def __init__(self, shop: SandboxShop) -> None:
        self.shop = shop
        self.session = requests.Session()
        self.session.auth = (shop.username, shop.password)
        self.session.headers["Accept"] = "application/json"

    def get(self, path: str, **params: Any) -> requests.Response:
        return self.session.get(self.shop.classic_url + path, params=params, timeout=10)

    def ok(self, path: str, **params: Any) -> dict[str, Any]:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def all_items(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every full item of a list, page by page."""
        items, page = [], 0
        while True:
            body = self.ok(path, full=1, limit=200, page=page, **params)
            items += body["items"]
            if body["next"] is None:
                return items
            page += 1


@pytest.fixture(scope="module")
def frozen_shop() -> Iterator[SandboxShop]:
    shop = SandboxShop.generate(orders=300, customers=80, seed=1, rate=0, clock=ShopClock(NOW)).start()
    yield shop
    shop.stop()


@pytest.fixture(scope="module")
def api(frozen_shop: SandboxShop) -> Api:
    return Api(frozen_shop)
