"""A client of a sandbox shop for tests: Basic auth, unthrottled, retries in milliseconds."""

from __future__ import annotations

from srpipeline.sandbox import SandboxShop
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.config import ShopConfig

#: Short backoffs and timeouts so a test's retries cost milliseconds, not minutes.
FAST_RETRIES: dict[str, object] = {"backoff_base": 0.01, "backoff_cap": 0.5, "timeout": (2.0, 5.0)}


def client_for(shop: SandboxShop, **overrides: object) -> ShoprenterClient:
    """A Basic-auth client of ``shop``, unthrottled, with fast retries (``overrides`` win)."""
    config = ShopConfig(
        api_url=shop.classic_url,
        username=shop.username,
        password=shop.password,
        rate=0,
        **{**FAST_RETRIES, **overrides},  # type: ignore[arg-type]
    )
    return ShoprenterClient(config)
