"""The sandbox shop's rows, kept compact (slots, ints, shared strings) so 200,000 orders fit in memory.

Times are whole epoch seconds (UTC); money is whole HUF, or whole cents for EUR unit prices.
The JSON a client sees is rendered from these rows on request (render.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from srpipeline.sandbox.catalog import Currency


@dataclass(slots=True)
class OrderLine:
    line_id: int
    product: int  # index into catalog.PRODUCTS
    stocks: tuple[int, int, int, int]  # quantity taken from each of the four warehouses
    unit_net: int  # HUF
    unit_net_currency: int  # in the order currency's minor unit (HUF, or EUR cents)

    @property
    def quantity(self) -> int:
        return sum(self.stocks)


@dataclass(slots=True)
class CouponRow:
    inner_id: int
    code: str
    discount_type: str  # PERCENT | FIXED
    percent: int
    fixed: int  # HUF, gross
    free_shipping: bool
    date_start: str
    date_end: str
    total_number: int
    per_customer: int
    status: int
    created: int
    updated: int  # 0 = never (rendered as the zero date)
    names: dict[int, str]  # language inner id -> name
    descriptions: dict[int, str]


@dataclass(slots=True)
class StatusRow:
    inner_id: int
    names: dict[int, str]  # language inner id -> name
    color: str


@dataclass(slots=True)
class Address:
    firstname: str
    lastname: str
    company: str
    street: str
    city: str
    postcode: str


@dataclass(slots=True)
class CustomerRow:
    inner_id: int
    firstname: str
    lastname: str
    email: str
    telephone: str
    newsletter: int
    status: int
    approved: int
    group: int
    created: int
    updated: int
    password_hash: str
    address: Address


@dataclass(slots=True)
class OrderRow:
    inner_id: int
    created: int
    updated: int
    customer: int  # customer inner id; 0 = guest (e-mail only)
    group: int
    firstname: str
    lastname: str
    email: str
    phone: str
    address: Address
    status: int  # order status inner id; 0 = abandoned cart
    storno: bool
    currency: Currency
    shipping: int  # index into catalog.SHIPPING_MODES
    payment: int  # index into catalog.PAYMENT_METHODS
    coupon: CouponRow | None  # kept even if the coupon is deleted later: the order used it
    invoice_id: int
    comment: str
    ip: str
    lines: list[OrderLine] = field(default_factory=list)
