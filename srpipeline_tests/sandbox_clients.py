"""Reaching a sandbox shop from tests: a client (Basic auth, unthrottled, retries in milliseconds),
and the CLI's environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from srpipeline.sandbox import SandboxShop
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.config import ShopConfig

#: Short backoffs and timeouts so a test's retries cost milliseconds, not minutes.
FAST_RETRIES: dict[str, object] = {"backoff_base": 0.01, "backoff_cap": 0.5, "timeout": (2.0, 5.0)}


def client_for(shop: SandboxShop, **overrides: object) -> ShoprenterClient:
    """A Basic-auth client of ``shop``, unthrottled, with fast retries (``overrides`` win)."""
    fields = {"api_url": shop.classic_url, "username": shop.username, "password": shop.password, "rate": 0}
    config = ShopConfig(**{**fields, **FAST_RETRIES, **overrides})  # type: ignore[arg-type]
    return ShoprenterClient(config)


def point_cli_at(
    monkeypatch: pytest.MonkeyPatch, shop: SandboxShop, home: Path, *, api_url: str | None = None
) -> None:
    """The `srpipeline` command's environment: ``shop`` over Basic auth, unthrottled, and a Dagster
    home (with the default SQLite CRM) at ``home``; ``api_url`` replaces the shop's URL."""
    for key in (
        "SHOPRENTER_CLIENT_ID",
        "SHOPRENTER_CLIENT_SECRET",
        "SHOPRENTER_TOKEN_URL",
        "CRM_DATABASE_URL",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("SHOPRENTER_API_URL", api_url or shop.classic_url)
    monkeypatch.setenv("SHOPRENTER_USERNAME", shop.username)
    monkeypatch.setenv("SHOPRENTER_PASSWORD", shop.password)
    monkeypatch.setenv("SHOPRENTER_RATE", "0")
