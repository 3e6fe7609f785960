""" "The CRM equals the shop": one comparison that sync, Dagster and reliability tests all use.

The shop side is the sandbox's truth (its raw items, parsed with the product's own parser); the
CRM side is read with plain SQL. Differences are returned as readable lines, so a failing test says
which rows differ.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, select

from srpipeline.crm.schema import (
    crm_contacts,
    crm_coupons,
    crm_order_items,
    crm_orders,
    sr_order_statuses,
)
from srpipeline.sandbox import SandboxShop
from srpipeline.shoprenter.parse import parse_order, parse_order_status

Row = tuple[Any, ...]


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.0001"))


def shop_orders(shop: SandboxShop) -> dict[int, Row]:
    """Every order (storno included, abandoned carts left out) as the CRM should hold it."""
    store = shop.store
    status_inner = {status.sr_id: status.inner_id for status in map(parse_order_status, store.status_items())}
    storno = store.storno_ids()
    orders = {}
    for raw in store.order_items(include_storno=True, include_abandoned=False):
        order = parse_order(raw, store.tz)
        orders[order.inner_id] = (
            order.number,
            _money(order.total_gross),
            _money(order.total_of("COUPON")),
            order.inner_id in storno,
            status_inner.get(order.status_sr_id or ""),
            order.updated_at,
            frozenset((line.line_id, line.quantity) for line in order.lines),
        )
    return orders


def crm_orders_as_rows(engine: Engine) -> dict[int, Row]:
    with engine.connect() as conn:
        items: dict[int, set[tuple[str, Decimal]]] = {}
        for order_id, key, quantity in conn.execute(
            select(crm_order_items.c.order_id, crm_order_items.c.line_key, crm_order_items.c.quantity).where(
                crm_order_items.c.kind == "product"
            )
        ):
            items.setdefault(order_id, set()).add((key, Decimal(quantity)))
        rows = conn.execute(
            select(
                crm_orders.c.id,
                crm_orders.c.sr_order_inner_id,
                crm_orders.c.number,
                crm_orders.c.total_gross,
                crm_orders.c.discount_total,
                crm_orders.c.is_storno,
                crm_orders.c.sr_status_inner_id,
                crm_orders.c.updated_at,
            )
        ).all()
    return {
        row.sr_order_inner_id: (
            row.number,
            _money(row.total_gross),
            _money(row.discount_total),
            bool(row.is_storno),
            row.sr_status_inner_id,
            row.updated_at,
            frozenset((key, quantity.normalize()) for key, quantity in items.get(row.id, ())),
        )
        for row in rows
    }


def differences(engine: Engine, shop: SandboxShop, *, limit: int = 10) -> list[str]:
    """Where the CRM differs from the shop (empty when equal): orders with lines, totals, storno
    and status; registered customers and deletions; coupons; statuses."""
    found: list[str] = []
    expected = {
        key: (*row[:6], frozenset((k, q.normalize()) for k, q in row[6]))
        for key, row in shop_orders(shop).items()
    }
    actual = crm_orders_as_rows(engine)
    for inner_id in sorted(expected.keys() | actual.keys()):
        if expected.get(inner_id) != actual.get(inner_id):
            found.append(f"order {inner_id}: shop {expected.get(inner_id)} != crm {actual.get(inner_id)}")
    store = shop.store
    shop_customers = {int(raw["innerId"]): str(raw["email"]).lower() for raw in store.customer_items()}
    shop_coupons = {str(raw["id"]) for raw in store.coupon_items()}
    shop_statuses = {int(raw["innerId"]) for raw in store.status_items()}
    with engine.connect() as conn:
        crm_customers = dict(
            conn.execute(
                select(crm_contacts.c.sr_customer_inner_id, crm_contacts.c.email).where(
                    crm_contacts.c.sr_customer_inner_id.is_not(None), crm_contacts.c.deleted_at.is_(None)
                )
            ).all()
        )
        crm_coupons_live = set(
            conn.execute(
                select(crm_coupons.c.sr_coupon_id).where(crm_coupons.c.deleted_at.is_(None))
            ).scalars()
        )
        crm_statuses = set(
            conn.execute(
                select(sr_order_statuses.c.sr_inner_id).where(sr_order_statuses.c.is_active.is_(True))
            ).scalars()
        )
    if shop_customers != crm_customers:
        diff = set(shop_customers.items()) ^ set(crm_customers.items())
        found.append(f"customers differ: {sorted(diff, key=str)[:limit]}")
    if shop_coupons != crm_coupons_live:
        found.append(f"coupons differ: {sorted(shop_coupons ^ crm_coupons_live)[:limit]}")
    if shop_statuses != crm_statuses:
        found.append(f"statuses differ: shop {sorted(shop_statuses)} crm {sorted(crm_statuses)}")
    return found[:limit] + ([f"... and {len(found) - limit} more"] if len(found) > limit else [])


def assert_crm_equals_shop(engine: Engine, shop: SandboxShop) -> None:
    diff = differences(engine, shop)
    assert not diff, "CRM differs from the shop:\n" + "\n".join(diff)
