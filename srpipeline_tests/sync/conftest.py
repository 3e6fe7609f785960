"""A sandbox shop on a frozen clock and a way to build a sync context against it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from srpipeline.sandbox import SandboxShop, ShopClock
from srpipeline.sync import SyncContext
from srpipeline_tests.sandbox_clients import client_for

SHOP_NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def shop(make_sandbox: Callable[..., SandboxShop]) -> SandboxShop:
    """400 orders and 100 customers, the shop clock frozen at SHOP_NOW (moved by the tests)."""
    return make_sandbox(orders=400, customers=100, seed=7, rate=0, clock=ShopClock(SHOP_NOW))


@pytest.fixture
def make_context(tmp_path: Path) -> Callable[..., SyncContext]:
    def make(shop: SandboxShop, engine: Engine, run_id: str = "test-run", **kwargs: object) -> SyncContext:
        return SyncContext(
            client=client_for(shop),
            engine=engine,
            run_id=run_id,
            mapping_path=tmp_path / "status_mapping.yaml",
            now=shop.clock.now,
            **kwargs,  # type: ignore[arg-type]
        )

    return make
