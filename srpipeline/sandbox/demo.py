"""The demo's sandbox shop: the same shop every time on one Dagster home.

`srpipeline demo` binds its CRM to this shop; `srpipeline ui` and `sync --now --sandbox` start the
same shop again: same URL (the port is recorded), same credentials and the same data (generated as
it stood when the demo first ran). So the CRM's one-shop guard recognises it, and a sync after the
demo reads only what changed. The record is ``demo_shop.json`` in the Dagster home.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from srpipeline.sandbox.shop import SandboxShop

RECORD_NAME = "demo_shop.json"
SEED = 1
DEFAULT_ORDERS = 5000


class DemoShopError(RuntimeError):
    """The demo's shop cannot be started as recorded (one line: why, and what to do)."""


@dataclass(frozen=True)
class DemoShop:
    """What makes the demo's shop the same shop again."""

    orders: int
    customers: int
    generated_at: str  # ISO time the generated history ends at
    port: int = 0  # 0 until the shop first listened

    @classmethod
    def new(cls, orders: int) -> DemoShop:
        return cls(orders, max(orders // 4, 10), datetime.now(UTC).isoformat(timespec="seconds"))

    def start(self, rate: float) -> SandboxShop:
        shop = SandboxShop.generate(
            orders=self.orders,
            customers=self.customers,
            seed=SEED,
            rate=rate,
            as_of=datetime.fromisoformat(self.generated_at),
        )
        try:
            return shop.start(port=self.port)
        except OSError as exc:
            raise DemoShopError(
                f"the demo's sandbox shop cannot listen on 127.0.0.1:{self.port} again ({exc.strerror}): "
                "stop the other `srpipeline ui` or demo that holds it, then try again"
            ) from None


def start_demo_shop(home: Path, orders: int | None, rate: float) -> SandboxShop:
    """Start this home's demo shop (a new one of ``orders`` orders on its first start)."""
    record = home / RECORD_NAME
    if record.exists():
        recorded = DemoShop(**json.loads(record.read_text()))
        if orders is not None and orders != recorded.orders:
            raise DemoShopError(
                f"the demo in {home} was made with {recorded.orders} orders, not {orders}: "
                "to try another size, set DAGSTER_HOME to a new folder"
            )
        return recorded.start(rate)
    recorded = DemoShop.new(orders or DEFAULT_ORDERS)
    shop = recorded.start(rate)
    home.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps(asdict(replace(recorded, port=shop.port)), indent=2) + "\n")
    return shop
