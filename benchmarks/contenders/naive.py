"""The naive integration: list the ids, then fetch each order (and its lines, and its totals) and
each customer one request at a time, the way a simple connector does, into a SQLite file.

The sandbox does not serve the ``/orderProducts?orderId=`` and ``/orderTotals?orderId=`` lists, so
the lines and the totals are each fetched with ``/orderExtend/{id}`` instead: three real requests
per order, each through the shop's rate limit, as the real API would need.

It is given the best case: it paces itself at the shop's rate (so it waits rather than being
refused) and retries a 429 after a second.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from typing import Any

import requests

PAGE = 200
#: Requests per order: the order, its product lines, its totals.
REQUESTS_PER_ORDER = 3
#: Spacing a little over 1/rate keeps it inside the shop's sliding one-second window despite jitter.
PACING_SLACK = 1.02


def naive_requests(orders: int, customers: int) -> int:
    """Requests the naive integration makes: id pages, then one per customer and three per order."""
    return -(-orders // PAGE) + REQUESTS_PER_ORDER * orders + -(-customers // PAGE) + customers


class PacedSession:
    """A requests session that sends at most ``rate`` requests/s and waits out a 429."""

    def __init__(self, base: str, auth: tuple[str, str], rate: float) -> None:
        self.base = base
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers["Accept"] = "application/json"
        self.interval = PACING_SLACK / rate if rate > 0 else 0.0
        self._next = time.monotonic()

    def get(self, path: str, **params: Any) -> Any:
        while True:
            delay = self._next - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self._next = max(self._next, time.monotonic()) + self.interval
            response = self.session.get(self.base + path, params=params, timeout=60)
            if response.status_code == 429:
                time.sleep(1.0)
                continue
            response.raise_for_status()
            return response.json()


def _ids(shop: PacedSession, resource: str, **filters: Any) -> Iterator[str]:
    page = 0
    while True:
        body = shop.get(f"/{resource}", page=page, limit=PAGE, **filters)
        for item in body["items"]:
            yield item["href"].rsplit("/", 1)[1]
        if page >= int(body["pageCount"]) - 1:
            return
        page += 1


def run_naive(spec: dict[str, Any]) -> dict[str, Any]:
    started = time.perf_counter()
    shop = PacedSession(spec["api_url"], (spec["username"], spec["password"]), spec["rate"])
    db = sqlite3.connect(spec["db_path"])
    db.executescript(
        "CREATE TABLE orders (id TEXT PRIMARY KEY, body TEXT);"
        "CREATE TABLE order_lines (order_id TEXT, body TEXT);"
        "CREATE TABLE order_totals (order_id TEXT, body TEXT);"
        "CREATE TABLE customers (id TEXT PRIMARY KEY, body TEXT);"
    )
    for customer_id in list(_ids(shop, "customers")):
        customer = shop.get(f"/customers/{customer_id}")
        with db:
            db.execute("INSERT OR REPLACE INTO customers VALUES (?, ?)", (customer_id, json.dumps(customer)))
    for order_id in list(_ids(shop, "orders", excludeAbandonedCart=1)):
        order = shop.get(f"/orders/{order_id}")
        lines = shop.get(f"/orderExtend/{order_id}")["orderProducts"]
        totals = shop.get(f"/orderExtend/{order_id}")["orderTotals"]
        with db:
            db.execute("INSERT OR REPLACE INTO orders VALUES (?, ?)", (order_id, json.dumps(order)))
            db.executemany(
                "INSERT INTO order_lines VALUES (?, ?)", [(order_id, json.dumps(line)) for line in lines]
            )
            db.executemany(
                "INSERT INTO order_totals VALUES (?, ?)", [(order_id, json.dumps(t)) for t in totals]
            )
    wall = time.perf_counter() - started
    rows = {
        table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("orders", "order_lines", "customers")
    }
    db.close()
    return {
        "wall_s": wall,
        "rows": {
            "orders": rows["orders"],
            "order_items": rows["order_lines"],
            "customers": rows["customers"],
        },
    }
