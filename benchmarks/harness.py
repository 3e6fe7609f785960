"""What every scenario shares: the sizes it runs at, a measured run of one contender against a shop
process, and printing.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.child import run_in_child
from benchmarks.floor import efficiency, fewest_requests
from benchmarks.shop_process import ShopProcess


@dataclass(frozen=True)
class Settings:
    """How big to run: the full sizes of issue 6, or tiny ones (``smoke``) for CI."""

    work_dir: Path
    smoke: bool = False
    orders: int | None = None  # overrides every scenario's order count (customers: a quarter of it)
    pg_url: str = ""  # the PostgreSQL server of scenario 3

    def sized(self, full: int, smoke: int) -> int:
        return self.orders if self.orders is not None else (smoke if self.smoke else full)

    @property
    def rate(self) -> float:
        """The shop's limit: 3/s; 10/s in the smoke run (still throttled, so no read-ahead)."""
        return 10.0 if self.smoke else 3.0

    def scratch(self, name: str) -> Path:
        path = self.work_dir / f"{name}-{secrets.token_hex(3)}"
        path.mkdir(parents=True)
        return path


def customers_for(orders: int) -> int:
    """Customers in a shop of ``orders`` orders: a quarter, as in issue 6 (20,000 + 5,000)."""
    return max(1, orders // 4)


def shop_counts(shop: ShopProcess) -> tuple[int, int]:
    """The orders (abandoned carts excluded) and customers the shop holds, as a first sync reads them."""
    return shop.count("orderExtend", excludeAbandonedCart=1), shop.count("customers")


def spec_for(shop: ShopProcess, rate: float, **extra: Any) -> dict[str, Any]:
    return {
        "api_url": shop.url,
        "username": shop.username,
        "password": shop.password,
        "rate": rate,
        **extra,
    }


def measure(
    shop: ShopProcess, contender: str, spec: dict[str, Any], log_path: Path | None = None
) -> dict[str, Any]:
    """Run ``contender`` in a child process; add the shop's own request count, 429s and reads."""
    time.sleep(1.1)  # let the shop's one-second window empty, so the run starts as a fresh client would
    shop.clear_log()
    figures = run_in_child(contender, spec, log_path)
    tally = shop.tally()
    figures.update(requests=tally.requests, throttled=tally.throttled, reads=tally.by_kind)
    return figures


def with_floor(figures: dict[str, Any], orders: int, customers: int, rate: float) -> dict[str, Any]:
    """Add the fewest requests for ``orders`` + ``customers``, its time at ``rate``, and the efficiency."""
    fewest = fewest_requests(orders, customers)
    figures.update(
        fewest_requests=fewest,
        floor_s=round(fewest / rate, 2),
        efficiency=round(efficiency(fewest, rate, figures["wall_s"]), 3),
    )
    return figures


def say(line: str) -> None:
    print(line, flush=True)


def run_line(label: str, figures: dict[str, Any]) -> str:
    """``label: 75.3 s, 227 requests, 0 429s, 19,185 orders + 5,000 customers, peak 180 MB``."""
    rows = figures.get("rows", {})
    return (
        f"  {label}: {figures['wall_s']:,.1f} s, {figures['requests']:,} requests, "
        f"{figures['throttled']:,} 429s, {rows.get('orders', 0):,} orders "
        f"({rows.get('order_items', 0):,} items) + {rows.get('customers', 0):,} customers, "
        f"peak RSS {figures['peak_rss_mb']:,.0f} MB"
    )


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 4)
