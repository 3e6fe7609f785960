"""Small builders of shop records for the CRM tests and the CRM load benchmark, and one reader of
what the CRM made of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, select

from srpipeline.crm.schema import crm_orders
from srpipeline.shoprenter.records import (
    Coupon,
    Customer,
    Order,
    OrderCoupon,
    OrderLine,
    OrderStatus,
    OrderTotal,
)

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def line(line_id: str, qty: str = "2", price: str = "1000", tax: str = "27") -> OrderLine:
    q, p = Decimal(qty), Decimal(price)
    return OrderLine(
        line_id=line_id,
        name=f"Product {line_id}",
        sku=f"SKU-{line_id}",
        quantity=q,
        unit_price_net=p,
        line_total_net=q * p,
        tax_rate=Decimal(tax),
        unit_price_currency=p,
        unit_gross_price_currency=None,
    )


def order(
    inner_id: int,
    *,
    updated: datetime = T0,
    created: datetime | None = None,
    status: str | None = "status-1",
    customer: str | None = None,
    email: str | None = "buyer@example.com",
    lines: tuple[OrderLine, ...] | None = None,
    coupon: str | None = None,
    shipping: str | None = "990",
    total: str = "3530",
    **changes: object,
) -> Order:
    """An order of two product lines; ``changes`` replace any other field of the record."""
    lines = (line(f"{inner_id}-1"), line(f"{inner_id}-2", "1", "500")) if lines is None else lines
    totals = [OrderTotal(f"t{inner_id}-sub", "SUB_TOTAL", "Subtotal", Decimal("2500"), 1)]
    if shipping is not None:
        totals.append(OrderTotal(f"t{inner_id}-ship", "SHIPPING", "GLS", Decimal(shipping), 2))
    totals.append(OrderTotal(f"t{inner_id}-tax", "TAX", "VAT 27%", Decimal("675"), 3))
    if coupon is not None:
        totals.append(OrderTotal(f"t{inner_id}-cpn", "COUPON", coupon, Decimal("-100"), 4))
    totals.append(OrderTotal(f"t{inner_id}-tot", "TOTAL", "Total", Decimal(total), 5))
    record = Order(
        sr_id=f"order-{inner_id}",
        inner_id=inner_id,
        number=f"INV-{inner_id}",
        status_sr_id=status,
        customer_sr_id=customer,
        customer_group_sr_id=None,
        email=email,
        first_name="Anna",
        last_name="Kovács",
        phone="+3611234567",
        currency="HUF",
        currency_value=Decimal(1),
        payment_method="Cash",
        payment_method_code="COD",
        shipping_method="GLS",
        comment=None,
        total_gross=Decimal(total),
        created_at=created or updated - timedelta(hours=1),
        updated_at=updated,
        lines=lines,
        totals=tuple(totals),
        coupon=None
        if coupon is None
        else OrderCoupon(f"coupon-{coupon}", coupon, "FIXED", None, Decimal("100")),
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def customer(
    inner_id: int, *, email: str = "buyer@example.com", updated: datetime = T0, **changes
) -> Customer:
    record = Customer(
        sr_id=f"customer-{inner_id}",
        inner_id=inner_id,
        email=email,
        first_name="Anna",
        last_name="Kovács",
        phone="+3611234567",
        newsletter=True,
        status=1,
        approved=True,
        customer_group_sr_id="group-1",
        created_at=updated - timedelta(days=10),
        updated_at=updated,
    )
    return replace(record, **changes)


def status(inner_id: int, name: str) -> OrderStatus:
    return OrderStatus(sr_id=f"status-{inner_id}", inner_id=inner_id, name=name, color="#000000")


def coupon(sr_id: str, *, code: str = "SAVE10", updated: datetime = T0, **changes) -> Coupon:
    record = Coupon(
        sr_id=sr_id,
        code=code,
        discount_type="PERCENT",
        percent_discount=Decimal("10"),
        fixed_discount=None,
        free_shipping=False,
        date_start=None,
        date_end=None,
        status=1,
        created_at=updated,
        updated_at=updated,
        name="Ten percent",
    )
    return replace(record, **changes)


def order_status_links(conn: Connection) -> list[tuple[int, int | None, int | None]]:
    """Each stored order's (inner id, shop status inner id, CRM status id), sorted."""
    c = crm_orders.c
    rows = conn.execute(select(c.sr_order_inner_id, c.sr_status_inner_id, c.crm_order_status_id))
    return sorted((row[0], row[1], row[2]) for row in rows)
