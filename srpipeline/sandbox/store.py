"""The sandbox shop's truth: every row it serves, behind one lock, with read methods for tests.

The read methods return the raw dicts exactly as the shop serves them with ``full=1`` (orders as
``/orderExtend`` items, customers as ``/customers`` items), rendered for :attr:`ShopStore.base_url`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from zoneinfo import ZoneInfo

import orjson

from srpipeline.sandbox import catalog
from srpipeline.sandbox.clock import ShopClock
from srpipeline.sandbox.fields import Json
from srpipeline.sandbox.generator import DataGenerator, initial_settings, initial_statuses
from srpipeline.sandbox.index import ColumnIndex
from srpipeline.sandbox.model import CouponRow, CustomerRow, OrderRow, StatusRow
from srpipeline.sandbox.render import Renderer

BASE_PLACEHOLDER = "@@SANDBOX_BASE@@"  # stands for the request's base URL in cached item JSON
ITEM_CACHE_SIZE = 10_000  # rendered orders/customers kept (about 8 KB each for orders)

ORDER_COLUMNS = {
    "inner_id": (lambda r: r.inner_id, "i8"),
    "created": (lambda r: r.created, "i8"),
    "updated": (lambda r: r.updated, "i8"),
    "status": (lambda r: r.status, "i4"),
    "storno": (lambda r: r.storno, "?"),
    "email": (lambda r: r.email.lower(), object),
    "shipping_mode": (lambda r: catalog.SHIPPING_MODES[r.shipping].inner_id, "i4"),
}
CUSTOMER_COLUMNS = {
    "inner_id": (lambda r: r.inner_id, "i8"),
    "created": (lambda r: r.created, "i8"),
    "updated": (lambda r: r.updated, "i8"),
    "email": (lambda r: r.email.lower(), object),
}


class ShopStore:
    """All data of one sandbox shop. Hold :attr:`lock` while reading several rows consistently."""

    def __init__(
        self,
        *,
        orders: int,
        customers: int,
        seed: int,
        timezone: str,
        start: datetime,
        clock: ShopClock,
        coupons: int = 20,
        as_of: datetime | None = None,
    ) -> None:
        """``as_of``: generate the history as it stood then (default: the clock's now)."""
        self.lock = threading.RLock()
        self.timezone = timezone
        self.tz = ZoneInfo(timezone)
        self.clock = clock
        self.base_url = "http://127.0.0.1"
        now_ts = int(as_of.timestamp()) if as_of else clock.timestamp()
        start_ts = min(int(start.timestamp()), now_ts)
        self.generator = DataGenerator(seed, start_ts)
        self.statuses: dict[int, StatusRow] = {s.inner_id: s for s in initial_statuses()}
        self.settings = initial_settings(timezone)
        coupon_rows = self.generator.coupons(coupons, now_ts)
        self.coupons: dict[int, CouponRow] = {c.inner_id: c for c in coupon_rows}
        customer_rows, buyers = self.generator.customers(customers, now_ts)
        order_rows = self.generator.orders(orders, now_ts, customer_rows, buyers, coupon_rows)
        self.customers: ColumnIndex[CustomerRow] = ColumnIndex(customer_rows, CUSTOMER_COLUMNS)
        self.orders: ColumnIndex[OrderRow] = ColumnIndex(order_rows, ORDER_COLUMNS)
        self.renderer_with_placeholder = Renderer(BASE_PLACEHOLDER, self.tz)
        self._items: OrderedDict[tuple[str, int], bytes] = OrderedDict()

    # -- rendering -------------------------------------------------------------------------
    @staticmethod
    def dump(item: Json) -> bytes:
        return orjson.dumps(item)

    def item_bytes(self, resource: str, row: OrderRow | CustomerRow) -> bytes:
        """The JSON of one order or customer item (``resource`` orders, orderExtend, customers or
        customerExtend), with :data:`BASE_PLACEHOLDER` for the base URL; cached until the row changes."""
        key = (resource, row.inner_id)
        with self.lock:
            cached = self._items.get(key)
            if cached is not None:
                self._items.move_to_end(key)
                return cached
            r = self.renderer_with_placeholder
            extend = resource.endswith("Extend")
            item = r.order(row, extend) if isinstance(row, OrderRow) else r.customer(row, extend)
            body = self._items[key] = orjson.dumps(item)
            if len(self._items) > ITEM_CACHE_SIZE:
                self._items.popitem(last=False)
            return body

    def _as_served(self, resource: str, row: OrderRow | CustomerRow) -> Json:
        return orjson.loads(
            self.item_bytes(resource, row).replace(BASE_PLACEHOLDER.encode(), self.base_url.encode())
        )

    def renderer(self) -> Renderer:
        return Renderer(self.base_url, self.tz)

    # -- changes (ShopControl calls these with the lock held) ------------------------------
    def order_changed(self, row: OrderRow) -> None:
        self.orders.refresh(row)
        for resource in ("orders", "orderExtend"):
            self._items.pop((resource, row.inner_id), None)

    def customer_changed(self, row: CustomerRow) -> None:
        self.customers.refresh(row)
        for resource in ("customers", "customerExtend"):
            self._items.pop((resource, row.inner_id), None)

    def customer_removed(self, inner_id: int) -> None:
        self.customers.remove(inner_id)
        for resource in ("customers", "customerExtend"):
            self._items.pop((resource, inner_id), None)

    # -- read methods for tests and benchmarks ---------------------------------------------
    def order_items(self, include_storno: bool = True, include_abandoned: bool = True) -> list[Json]:
        """Every order as its full ``/orderExtend`` item, ascending by inner id."""
        with self.lock:
            return [
                self._as_served("orderExtend", o)
                for o in self.orders.live()
                if (include_storno or not o.storno) and (include_abandoned or o.status != 0)
            ]

    def customer_items(self) -> list[Json]:
        """Every customer as its full ``/customers`` item (with the ``password`` hash, as served)."""
        with self.lock:
            return [self._as_served("customers", c) for c in self.customers.live()]

    def coupon_items(self) -> list[Json]:
        r = self.renderer()
        with self.lock:
            return [r.coupon(c) for c in self.coupons.values()]

    def status_items(self) -> list[Json]:
        r = self.renderer()
        with self.lock:
            return [r.status(s) for s in self.statuses.values()]

    def status_description_items(self) -> list[Json]:
        r = self.renderer()
        with self.lock:
            return [
                r.status_description(s, lang.inner_id)
                for s in self.statuses.values()
                for lang in catalog.LANGUAGES
            ]

    def order_ids(self) -> list[int]:
        with self.lock:
            return [o.inner_id for o in self.orders.live()]

    def storno_ids(self) -> set[int]:
        with self.lock:
            return {o.inner_id for o in self.orders.live() if o.storno}

    def abandoned_ids(self) -> set[int]:
        """Orders without a status (abandoned carts)."""
        with self.lock:
            return {o.inner_id for o in self.orders.live() if o.status == 0}

    def guest_order_ids(self) -> set[int]:
        """Orders placed with an e-mail only (no customer link)."""
        with self.lock:
            return {o.inner_id for o in self.orders.live() if o.customer == 0}

    def customer_ids(self) -> list[int]:
        with self.lock:
            return [c.inner_id for c in self.customers.live()]

    def order(self, inner_id: int) -> OrderRow:
        """The row behind an order (raises KeyError when there is none)."""
        row = self.orders.get(inner_id)
        if row is None:
            raise KeyError(f"no order {inner_id}")
        return row

    def customer(self, inner_id: int) -> CustomerRow:
        row = self.customers.get(inner_id)
        if row is None:
            raise KeyError(f"no customer {inner_id}")
        return row
