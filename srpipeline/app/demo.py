"""The demo's sandbox shop standing in for the configured shop while a command runs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from srpipeline.sandbox.demo import start_demo_shop
from srpipeline.settings import Settings, ShopSettings

#: Like a real shop: the demo shows the sync at the rate a real shop allows.
DEMO_RATE = 3.0


@contextmanager
def demo_shop_settings(settings: Settings, orders: int | None = None) -> Iterator[Settings]:
    """``settings`` with the Dagster home's demo shop as the shop, while the shop runs."""
    with start_demo_shop(settings.dagster_home, orders, rate=DEMO_RATE) as shop:
        yield settings.with_shop(
            ShopSettings(api_url=shop.classic_url, username=shop.username, password=shop.password)
        )
