"""The Shoprenter API client: typed reads of one shop (its facts, statuses, coupons, orders, customers).

Sending, retries and errors live in transport.py (what an answer means in answers.py), the paging
algorithms in paging.py, the parsing rules in parse.py. Everything handed out here is typed.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests

from srpipeline.shoprenter import parse
from srpipeline.shoprenter.config import DEFAULT_TIMEZONE, ShopConfig
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.shoprenter.paging import (
    KeysetRead,
    ListPage,
    RecordPage,
    ReverseCursor,
    Window,
    list_page,
    lists_any,
    read_all,
    read_envelope,
    reverse_pages,
)
from srpipeline.shoprenter.records import Coupon, Customer, Language, Order, OrderStatus, Parsed
from srpipeline.shoprenter.throttle import Clock, Sleep
from srpipeline.shoprenter.transport import Params, Transport

T = TypeVar("T")
ORDERS = "orderExtend"
CUSTOMERS = "customers"
#: Abandoned carts are not orders (crm-model.md): the shop leaves them out of both order reads.
ORDER_FILTERS = MappingProxyType({"excludeAbandonedCart": 1})
NOT_STORNO = MappingProxyType({"excludeStorno": 1})
#: The windowed streams' resources and the filters every read of them takes.
WINDOWED_RESOURCES = MappingProxyType({"customers": (CUSTOMERS, {}), "orders": (ORDERS, ORDER_FILTERS)})


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str


class ShoprenterClient:
    """One shop, one throttle. Thread-safe: threads may share a client (and its rate limit).

    Build one per run and pass it down: the throttle, the OAuth2 token and the shop facts (time
    zone, language order, read once) are this client's own.
    """

    def __init__(
        self,
        config: ShopConfig,
        *,
        session: requests.Session | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self.config = config
        self._log = logger or logging.getLogger(__name__)
        self._transport = Transport(
            config, session=session, clock=clock, sleep=sleep, rng=rng or random.Random(), logger=self._log
        )
        self.stats = self._transport.stats
        self._facts_lock = threading.Lock()  # guards _tz and _language_ids
        self._tz: ZoneInfo | None = None
        self._language_ids: list[str] | None = None

    def __repr__(self) -> str:
        return f"ShoprenterClient({self.config.normalized_url!r}, auth={self.config.auth_mode})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ShoprenterClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: Params | None = None) -> Any:
        """One GET; returns the JSON body. A missing single item raises ResourceNotFound."""
        return self._transport.send("GET", path, params=params)

    def test_connection(self) -> ConnectionResult:
        """``Connection successful!`` or ``Connection failed: <one-line reason>``."""
        try:
            read_envelope(self.get("orderStatuses", {"limit": 1}), "orderStatuses", page=0, limit=1)
        except ShoprenterError as exc:
            return ConnectionResult(ok=False, message=f"Connection failed: {exc.reason}")
        return ConnectionResult(ok=True, message="Connection successful!")

    # ----------------------------------------------------------------- shop facts

    def setting(self, key: str) -> str | None:
        """One shop setting's value (``/settings?key=...``), None when the shop has no such key."""
        for item in list_page(self._transport, "settings", params={"key": key}).items:
            if item.get("key") == key:
                return parse.text(item.get("value"))
        return None

    def shop_timezone(self) -> ZoneInfo:
        """The shop's ``config_timezone`` (read once); Europe/Budapest when the shop does not say."""
        with self._facts_lock:
            if self._tz is None:
                name = self.setting("config_timezone") or DEFAULT_TIMEZONE
                try:
                    self._tz = ZoneInfo(name)
                except (ZoneInfoNotFoundError, ValueError):
                    self._log.warning("Shoprenter time zone %r is unknown; using %s", name, DEFAULT_TIMEZONE)
                    self._tz = ZoneInfo(DEFAULT_TIMEZONE)
            return self._tz

    def adopt_timezone(self, tz: ZoneInfo) -> None:
        """Take ``tz`` as the shop's time zone without asking (a recent read the caller kept)."""
        with self._facts_lock:
            self._tz = tz

    def languages(self) -> Parsed[Language]:
        return parse.parse_page(read_all(self._transport, "languages"), parse.parse_language, "languages")

    def _language_order(self) -> list[str]:
        """Language ids, the shop's default first: the language whose code is the ``config_language``
        setting, else the lowest sort order (see parse.default_language); then by sort order.
        Read once, like the time zone: a shop's languages change rarely."""
        with self._facts_lock:
            if self._language_ids is None:
                languages = self.languages().records
                default = parse.default_language(languages, self.setting("config_language"))
                ranked = sorted(languages, key=lambda x: (x is not default, x.sort_order or 0, x.inner_id))
                self._language_ids = [language.sr_id for language in ranked]
            return self._language_ids

    # ----------------------------------------------------------------- small lists, read whole

    def order_statuses(self) -> Parsed[OrderStatus]:
        """Every order status, named by its description in the shop's default language."""
        order = self._language_order()
        described = parse.parse_page(
            read_all(self._transport, "orderStatusDescriptions"),
            parse.parse_order_status_description,
            "orderStatusDescriptions",
        )
        by_status = parse.describe_in(
            described.records, lambda d: d.status_sr_id, lambda d: d.language_sr_id, order
        )
        statuses = parse.parse_page(
            read_all(self._transport, "orderStatuses"),
            lambda raw: parse.parse_order_status(raw, by_status.get(str(raw.get("id")))),
            "orderStatuses",
        )
        statuses.bad.extend(described.bad)
        return statuses

    def coupons(self) -> Parsed[Coupon]:
        """Every coupon, named by its description in the shop's default language."""
        order = self._language_order()
        tz = self.shop_timezone()
        described = parse.parse_page(
            read_all(self._transport, "couponDescriptions"),
            parse.parse_coupon_description,
            "couponDescriptions",
        )
        by_coupon = parse.describe_in(
            described.records, lambda d: d.coupon_sr_id, lambda d: d.language_sr_id, order
        )
        names = {coupon_id: d.name for coupon_id, d in by_coupon.items() if d.name is not None}
        coupons = parse.parse_page(
            read_all(self._transport, "coupons"), lambda raw: parse.parse_coupon(raw, tz, names), "coupons"
        )
        coupons.bad.extend(described.bad)
        return coupons

    # ----------------------------------------------------------------- windowed reads

    def changed_in(self, stream: str, window: Window) -> bool:
        """Whether the shop changed any customer or order (``stream``) in ``window``, abandoned carts
        aside: one id-only request for one item, the change probe's question."""
        resource, filters = WINDOWED_RESOURCES[stream]
        return lists_any(self._transport, resource, {**filters, **window.params(self.shop_timezone())})

    def order_pages(self, window: Window, *, inner_id_min: int = 0) -> Iterator[RecordPage[Order]]:
        """The orders changed in ``window`` from ``inner_id_min`` on (``/orderExtend`` by keyset, 200
        whole orders a request: lines, totals, coupon), each page with its storno orders' inner ids.

        Storno orders have no marker in the data: they are the orders that vanish when
        ``excludeStorno=1`` is added. Each full page is paired with an id-only read of the same keyset
        position with ``excludeStorno=1``, taken just *before* it: nothing can enter a frozen window,
        and an order made storno in between changes, so it leaves the window and is not in the full
        page either. Pairing per page keeps the cost at one id-only read of the window and keeps a
        crash's loss at one page.
        """
        tz = self.shop_timezone()
        query = {**ORDER_FILTERS, **window.params(tz)}
        read = KeysetRead(self._transport, ORDERS, query, inner_id_min=inner_id_min)
        while not read.done:
            not_storno = read.ids(NOT_STORNO)
            page = read.next_page()
            parsed = parse.parse_page(page.items, lambda raw: parse.parse_order(raw, tz), ORDERS)
            storno = frozenset(order.inner_id for order in parsed.records if order.sr_id not in not_storno)
            yield _record_page(page, parsed, storno)

    def customer_pages(
        self, window: Window, *, resume: ReverseCursor | None = None
    ) -> Iterator[RecordPage[Customer]]:
        """The customers changed in ``window`` (``/customers`` in reverse page order, see paging.py),
        from ``resume`` on (None: from the start)."""
        tz = self.shop_timezone()
        for page in reverse_pages(self._transport, CUSTOMERS, params=window.params(tz), resume=resume):
            yield _record_page(
                page, parse.parse_page(page.items, lambda raw: parse.parse_customer(raw, tz), CUSTOMERS)
            )

    def customer_ids(self) -> set[str]:
        """Every customer's opaque id (an id-only reverse read, 200 a request): the deletion check."""
        pages = reverse_pages(self._transport, CUSTOMERS, params={}, full=False)
        return {sr_id for page in pages for item in page.items if (sr_id := parse.link_id(item)) is not None}


def _record_page(page: ListPage, parsed: Parsed[T], storno: frozenset[int] = frozenset()) -> RecordPage[T]:
    """The parsed page with how many pages are left: a reverse read knows from its cursor; a keyset
    read from the page count at its position (None when the shop sent no count)."""
    if page.resume is not None:
        pages_left = page.resume.end // page.limit if page.limit else None
    elif page.last:
        pages_left = 0
    else:
        pages_left = page.page_count - 1 if page.page_count > 1 else None
    return RecordPage(
        records=parsed.records,
        bad=parsed.bad,
        rows=len(page.items),
        last=page.last,
        pages_left=pages_left,
        next_inner_id_min=page.next_inner_id_min,
        resume=page.resume,
        storno_inner_ids=storno,
    )
