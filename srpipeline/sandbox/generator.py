"""Seeded, deterministic shop data: customers, guests, coupons and orders whose totals add up.

Same seed, counts, start and clock -> the same shop, row for row. Orders are created in inner-id
order, spread from ``start`` to now; some are updated later; some are abandoned carts (no status),
some storno, some in EUR, some with a coupon; about a quarter are guests (e-mail only, no customer).
"""

from __future__ import annotations

import bisect
import hashlib
import random
import unicodedata
from dataclasses import dataclass

from srpipeline.sandbox import catalog
from srpipeline.sandbox.catalog import EUR, HUF, Currency
from srpipeline.sandbox.model import Address, CouponRow, CustomerRow, OrderLine, OrderRow, StatusRow

GUEST_SHARE = 0.25
ABANDONED_SHARE = 0.04
STORNO_SHARE = 0.02
COUPON_SHARE = 0.10
EUR_SHARE = 0.05
UPDATED_LATER_SHARE = 0.35
BUYER_SHARE = 0.8  # customers who ever order; the rest registered and never bought
LINE_COUNT_WEIGHTS = (40, 25, 15, 10, 6, 4)  # 1..6 product lines


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


@dataclass(frozen=True, slots=True)
class _Person:
    firstname: str
    lastname: str
    email: str
    phone: str
    address: Address


def initial_statuses() -> list[StatusRow]:
    return [StatusRow(i, {1: hu, 2: en}, color) for i, hu, en, color in catalog.STATUSES]


def initial_settings(timezone: str) -> list[tuple[int, str, str, str]]:
    """(inner id, group, key, value) rows of /settings."""
    rows = [
        ("config", "config_owner", "Sandbox Bolt Kft."),
        ("config", "config_email", "info@sandbox-bolt.hu"),
        ("config", "config_language", "hu"),
        ("config", "config_admin_language", "hu"),
        ("config", "config_timezone", timezone),
        ("config", "config_currency", "HUF"),
        ("config", "config_maintenance", "0"),
        ("config", "stock_countdown", "1"),
        ("config", "config_stock_count", "4"),
        ("config", "config_customer_group_id", str(catalog.DEFAULT_CUSTOMER_GROUP)),
        ("mail", "config_mail_protocol", "smtp"),
    ]
    return [(43616 + i, group, key, value) for i, (group, key, value) in enumerate(rows)]


class DataGenerator:
    """Makes rows from one seeded random stream; kept by the store so later additions stay seeded."""

    def __init__(self, seed: int, start_ts: int) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.start_ts = start_ts
        self.next_order_id = 1
        self.next_line_id = 1
        self.next_invoice_id = 1
        self.next_customer_id = 1
        self.next_coupon_id = 1
        self._guest_pool = 1
        self._guests: dict[int, _Person] = {}
        self._status_ids = list(catalog.STATUS_WEIGHTS)
        self._status_weights = list(catalog.STATUS_WEIGHTS.values())
        self._first_ascii = [_ascii(n) for n in catalog.FIRST_NAMES]
        self._last_ascii = [_ascii(n) for n in catalog.LAST_NAMES]

    # -- people ----------------------------------------------------------------------------
    def _person(self, tag: str) -> _Person:
        rng = self.rng
        fi = rng.randrange(len(catalog.FIRST_NAMES))
        li = rng.randrange(len(catalog.LAST_NAMES))
        city, postcode = rng.choice(catalog.CITIES)
        domain = rng.choice(catalog.MAIL_DOMAINS)
        firstname, lastname = catalog.FIRST_NAMES[fi], catalog.LAST_NAMES[li]
        return _Person(
            firstname=firstname,
            lastname=lastname,
            email=f"{self._first_ascii[fi]}.{self._last_ascii[li]}.{tag}@{domain}",
            phone=f"+3620{rng.randrange(10**7):07d}",
            address=Address(
                firstname=firstname,
                lastname=lastname,
                company="",
                street=f"{rng.choice(catalog.STREETS)} {rng.randrange(1, 120)}.",
                city=city,
                postcode=postcode,
            ),
        )

    def _guest(self, index: int) -> _Person:
        guest = self._guests.get(index)
        if guest is None:
            guest = self._guests[index] = self._person(f"g{index}")
        return guest

    def customers(self, n: int, now_ts: int) -> tuple[list[CustomerRow], list[bool]]:
        """``n`` customers created in id order between start and now, and whether each ever buys."""
        rng = self.rng
        created = sorted(rng.randint(self.start_ts, now_ts) for _ in range(n))
        rows, buyers = [], []
        for ts in created:
            inner_id = self.next_customer_id
            self.next_customer_id += 1
            rows.append(self.customer_row(inner_id, self._person(f"c{inner_id}"), ts, now_ts))
            buyers.append(rng.random() < BUYER_SHARE)
        return rows, buyers

    def customer_row(self, inner_id: int, person: _Person, created: int, now_ts: int) -> CustomerRow:
        rng = self.rng
        updated = created
        if rng.random() < UPDATED_LATER_SHARE and now_ts > created:
            updated = rng.randint(created, now_ts)
        digest = hashlib.sha256(f"{self.seed}:{inner_id}".encode()).hexdigest()
        return CustomerRow(
            inner_id=inner_id,
            firstname=person.firstname,
            lastname=person.lastname,
            email=person.email,
            telephone=person.phone,
            newsletter=int(rng.random() < 0.4),
            status=1 if rng.random() < 0.97 else 0,
            approved=1,
            group=rng.choices((8, 6, 9), (85, 10, 5))[0],
            created=created,
            updated=updated,
            password_hash="$2y$10$" + digest[:53],
            address=person.address,
        )

    # -- coupons ---------------------------------------------------------------------------
    def coupons(self, n: int, now_ts: int) -> list[CouponRow]:
        rows = []
        for _ in range(n):
            rng = self.rng
            inner_id = self.next_coupon_id
            self.next_coupon_id += 1
            percent_type = rng.random() < 0.6
            percent = rng.choice((5, 10, 15, 20)) if percent_type else 0
            fixed = 0 if percent_type else rng.choice((500, 1000, 2000, 5000))
            created = rng.randint(self.start_ts - 86400 * 30, self.start_ts)
            label_hu = f"{percent}% kedvezmény" if percent_type else f"{fixed} Ft kedvezmény"
            label_en = f"{percent}% off" if percent_type else f"{fixed} HUF off"
            rows.append(
                CouponRow(
                    inner_id=inner_id,
                    code=f"SANDBOX{inner_id:03d}{'P' if percent_type else 'F'}",
                    discount_type="PERCENT" if percent_type else "FIXED",
                    percent=percent,
                    fixed=fixed,
                    free_shipping=False,
                    date_start="0000-00-00" if inner_id % 3 else "2023-12-01",
                    date_end="0000-00-00" if inner_id % 3 else "2030-12-31",
                    total_number=rng.choice((10, 100, 1000)),
                    per_customer=1,
                    status=1 if rng.random() < 0.9 else 0,
                    created=created,
                    updated=0 if rng.random() < 0.5 else rng.randint(created, now_ts),
                    names={1: label_hu, 2: label_en},
                    descriptions={1: f"Kupon: {label_hu}", 2: f"Coupon: {label_en}"},
                )
            )
        return rows

    # -- orders ----------------------------------------------------------------------------
    def orders(
        self,
        n: int,
        now_ts: int,
        customers: list[CustomerRow],
        buyers: list[bool],
        coupons: list[CouponRow],
    ) -> list[OrderRow]:
        """``n`` orders created in id order between start and now."""
        rng = self.rng
        self._guest_pool = max(1, n // 5)
        buyer_rows = [c for c, b in zip(customers, buyers, strict=True) if b]
        buyer_created = [c.created for c in buyer_rows]
        created = sorted(rng.randint(self.start_ts, now_ts) for _ in range(n))
        rows = []
        for ts in created:
            known = bisect.bisect_right(buyer_created, ts)
            customer = None
            if known and rng.random() >= GUEST_SHARE:
                customer = buyer_rows[rng.randrange(known)]
            rows.append(self.order(ts, now_ts, customer=customer, coupons=coupons))
        return rows

    def order(
        self,
        created: int,
        now_ts: int,
        *,
        customer: CustomerRow | None,
        coupons: list[CouponRow],
        status: int | None = None,
        abandoned: bool | None = None,
        currency: Currency | None = None,
        coupon: CouponRow | None = None,
        email: str | None = None,
    ) -> OrderRow:
        """One order; anything not given is drawn from the seeded stream."""
        rng = self.rng
        if abandoned is None:
            abandoned = status is None and rng.random() < ABANDONED_SHARE
        if status is None and not abandoned:
            status = rng.choices(self._status_ids, self._status_weights)[0]
        storno = not abandoned and rng.random() < STORNO_SHARE
        if currency is None:
            currency = EUR if rng.random() < EUR_SHARE else HUF
        if coupon is None and coupons and rng.random() < COUPON_SHARE:
            coupon = rng.choice(coupons)
        if customer is not None:
            person = _Person(
                customer.firstname, customer.lastname, customer.email, customer.telephone, customer.address
            )
        else:
            person = self._guest(rng.randrange(self._guest_pool))
            if email is not None:
                person = _Person(person.firstname, person.lastname, email, person.phone, person.address)
        updated = created
        if rng.random() < UPDATED_LATER_SHARE and now_ts > created:
            updated = rng.randint(created, min(now_ts, created + 86400 * 30))
        inner_id = self.next_order_id
        self.next_order_id += 1
        invoice_id = 0
        if not abandoned:
            invoice_id = self.next_invoice_id
            self.next_invoice_id += 1
        return OrderRow(
            inner_id=inner_id,
            created=created,
            updated=updated,
            customer=customer.inner_id if customer else 0,
            group=customer.group if customer else catalog.DEFAULT_CUSTOMER_GROUP,
            firstname=person.firstname,
            lastname=person.lastname,
            email=person.email,
            phone=person.phone,
            address=person.address,
            status=0 if abandoned else (status or 1),
            storno=storno,
            currency=currency,
            shipping=rng.randrange(len(catalog.SHIPPING_MODES)),
            payment=rng.randrange(len(catalog.PAYMENT_METHODS)),
            coupon=coupon,
            invoice_id=invoice_id,
            comment=rng.choice(catalog.COMMENTS),
            ip=f"84.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            lines=[self._line(currency) for _ in range(rng.choices(range(1, 7), LINE_COUNT_WEIGHTS)[0])],
        )

    def _line(self, currency: Currency) -> OrderLine:
        rng = self.rng
        index = rng.randrange(len(catalog.PRODUCTS))
        product = catalog.PRODUCTS[index]
        quantity = 1 if rng.random() < 0.75 else rng.randint(2, 5)
        if quantity > 1 and rng.random() < 0.3:
            first = rng.randint(1, quantity - 1)
            other = rng.randint(1, 3)
            stocks = [first, 0, 0, 0]
            stocks[other] = quantity - first
        else:
            stocks = [quantity, 0, 0, 0]
        if currency.decimals:
            unit_currency = round(product.price_net / currency.cents_to_huf)  # whole cents
            unit_net = unit_currency * currency.cents_to_huf
        else:
            unit_net = unit_currency = product.price_net
        line_id = self.next_line_id
        self.next_line_id += 1
        return OrderLine(
            line_id, index, (stocks[0], stocks[1], stocks[2], stocks[3]), unit_net, unit_currency
        )
