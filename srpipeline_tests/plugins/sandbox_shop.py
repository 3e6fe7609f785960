"""Fixtures that start the sandbox shop (a real HTTP server on 127.0.0.1) and stop it afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from srpipeline.sandbox import SandboxShop


@pytest.fixture
def make_sandbox() -> Iterator[Callable[..., SandboxShop]]:
    """Factory: ``make_sandbox(**kwargs of SandboxShop.generate)`` -> a started shop, stopped at teardown."""
    shops: list[SandboxShop] = []

    def make(**kwargs: Any) -> SandboxShop:
        shop = SandboxShop.generate(**kwargs).start()
        shops.append(shop)
        return shop

    yield make
    for shop in shops:
        shop.stop()


@pytest.fixture
def sandbox_shop(make_sandbox: Callable[..., SandboxShop]) -> SandboxShop:
    """A small started shop on the real clock: 300 orders, 80 customers, no rate limit, seed 1."""
    return make_sandbox(orders=300, customers=80, rate=0, seed=1)
