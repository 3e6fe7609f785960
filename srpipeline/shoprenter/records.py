"""Typed records: what the client hands to the CRM loaders.

Every value is already converted once, here in the shop layer: money is ``Decimal``, counts are
``int``, times are aware UTC ``datetime`` (converted from the shop's local time zone), and an empty
shop value (``""``, ``null``, ``{}``, a zero date) is ``None``. Links to other resources are kept as
the shop's opaque id (the last path segment of the link), never as a built URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Language:
    sr_id: str
    inner_id: int
    code: str | None
    name: str | None
    sort_order: int | None = None  # the admin's order; the lowest is the default language fallback


@dataclass(frozen=True, slots=True)
class OrderStatusDescription:
    sr_id: str
    status_sr_id: str | None
    language_sr_id: str | None
    name: str | None
    color: str | None


@dataclass(frozen=True, slots=True)
class OrderStatus:
    """A shop order status; ``name``/``color`` come from its description in the default language."""

    sr_id: str
    inner_id: int
    name: str | None = None
    color: str | None = None


@dataclass(frozen=True, slots=True)
class OrderLine:
    """One product line of an order (``orderProducts[]``).

    ``line_id`` is the line's ``innerId`` when the shop sends one, else its opaque ``id``.
    ``quantity`` is the sum of the four stock fields (the shop has no quantity field).
    """

    line_id: str
    name: str | None
    sku: str | None
    quantity: Decimal
    unit_price_net: Decimal | None
    line_total_net: Decimal | None
    tax_rate: Decimal | None
    unit_price_currency: Decimal | None
    unit_gross_price_currency: Decimal | None


@dataclass(frozen=True, slots=True)
class OrderTotal:
    """One ``orderTotals[]`` row: ``kind`` is the shop's ``type`` (SUB_TOTAL, TAX, SHIPPING, ...)."""

    sr_id: str
    kind: str
    name: str | None
    value: Decimal
    sort_order: int | None


@dataclass(frozen=True, slots=True)
class OrderCoupon:
    """The coupon embedded in an order (``coupon{}``); the amount is the order's COUPON total."""

    sr_coupon_id: str
    code: str
    discount_type: str | None
    percent_discount: Decimal | None
    fixed_discount: Decimal | None


@dataclass(frozen=True, slots=True)
class Order:
    sr_id: str
    inner_id: int
    number: str
    status_sr_id: str | None  # None on abandoned carts
    customer_sr_id: str | None  # None for guests
    customer_group_sr_id: str | None
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    currency: str | None
    currency_value: Decimal | None
    payment_method: str | None
    payment_method_code: str | None
    shipping_method: str | None
    comment: str | None
    total_gross: Decimal | None  # the order's ``total``, in the shop's default currency
    created_at: datetime | None
    updated_at: datetime | None
    lines: tuple[OrderLine, ...] = ()
    totals: tuple[OrderTotal, ...] = ()
    coupon: OrderCoupon | None = None

    @property
    def is_abandoned_cart(self) -> bool:
        return self.status_sr_id is None

    def total_of(self, kind: str) -> Decimal | None:
        """Sum of the order totals of one ``kind`` (e.g. ``TAX``); None when the order has none."""
        values = [t.value for t in self.totals if t.kind == kind]
        return sum(values, Decimal(0)) if values else None


@dataclass(frozen=True, slots=True)
class Customer:
    """A registered customer. The shop's ``password`` hash is dropped at parse time, by design."""

    sr_id: str
    inner_id: int
    email: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    newsletter: bool
    status: int | None
    approved: bool
    customer_group_sr_id: str | None
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class CouponDescription:
    sr_id: str
    coupon_sr_id: str | None
    language_sr_id: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class Coupon:
    """A shop coupon; ``name`` comes from its description in the default language."""

    sr_id: str
    code: str
    discount_type: str | None
    percent_discount: Decimal | None
    fixed_discount: Decimal | None
    free_shipping: bool
    date_start: date | None
    date_end: date | None
    status: int | None
    created_at: datetime | None
    updated_at: datetime | None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that could not be parsed: quarantined (counted and logged by id), never loaded."""

    resource: str
    sr_id: str | None
    reason: str


@dataclass(slots=True)
class Parsed(Generic[T]):
    """The records of one page that parsed, and the ones that did not."""

    records: list[T] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
