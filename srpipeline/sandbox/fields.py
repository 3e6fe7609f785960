"""How the shop writes values and links: amounts, local times, opaque ids, ``href`` links.

Every scalar is a string; empties are ``""``, ``null`` or ``{}`` as the fixtures have them; times are
the shop's local time without a zone. Links name the base URL the request came in on.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from srpipeline.sandbox.catalog import Currency
from srpipeline.sandbox.ids import encode_id, encode_simple_id
from srpipeline.sandbox.totals import round_half_up

ZERO_DATETIME = "0000-00-00 00:00:00"
ZERO_DATETIME_T = "-0001-11-30T00:00:00"
Json = dict[str, Any]


@lru_cache(maxsize=131072)
def local_time(ts: int, tz: ZoneInfo, sep: str = "T") -> str:
    return datetime.fromtimestamp(ts, tz).strftime(f"%Y-%m-%d{sep}%H:%M:%S")


def money(value: int, decimals: int = 0) -> str:
    """An amount in minor units (``decimals`` places) as the shop's 4-decimal string."""
    if not decimals:
        return f"{value}.0000"
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 10**decimals)
    return f"{sign}{whole}.{frac:0{decimals}d}{'0' * (4 - decimals)}"


def value_text(huf: int, currency: Currency) -> str:
    """The human text of an amount, in the order's currency (``6.400 Huf``)."""
    if currency.decimals == 0:
        return f"{huf:,}".replace(",", ".") + currency.symbol_right
    cents = round_half_up(huf, currency.cents_to_huf)
    return f"{cents / 100:,.2f}".replace(",", " ") + currency.symbol_right


@lru_cache(maxsize=4096)
def group_id(inner_id: int) -> str:
    return encode_simple_id("customerGroup", "customer_group_id", inner_id)


@lru_cache(maxsize=4096)
def status_id(inner_id: int) -> str:
    return encode_simple_id("orderStatus", "order_status_id", inner_id)


@lru_cache(maxsize=4096)
def language_id(inner_id: int) -> str:
    return encode_simple_id("language", "language_id", inner_id)


@lru_cache(maxsize=4096)
def coupon_id(inner_id: int) -> str:
    return encode_simple_id("coupon", "coupon_id", inner_id)


def order_id(inner_id: int) -> str:
    return encode_simple_id("order", "order_id", inner_id)


def customer_id(inner_id: int) -> str:
    return encode_simple_id("customer", "customer_id", inner_id)


COUNTRY_ID = encode_id("country", country_id=97)


def currency_id(currency: Currency) -> str:
    return encode_id("currency", currency_id=currency.inner_id)


def empty_link(inner_id: int) -> Any:
    """The shop is not consistent about empty links: ``null`` for some rows, ``{}`` for others."""
    return None if inner_id % 2 else {}


class Links:
    """Links and times for one base URL (classic host or ``.../api``) and the shop's time zone."""

    def __init__(self, base: str, tz: ZoneInfo) -> None:
        self.base = base
        self.tz = tz

    def href(self, resource: str, opaque_id: str) -> str:
        return f"{self.base}/{resource}/{opaque_id}"

    def link(self, resource: str, opaque_id: str) -> Json:
        return {"href": self.href(resource, opaque_id)}

    def query_link(self, resource: str, key: str, opaque_id: str) -> Json:
        return {"href": f"{self.base}/{resource}?{key}={opaque_id}"}

    def t(self, ts: int) -> str:
        return local_time(ts, self.tz)
