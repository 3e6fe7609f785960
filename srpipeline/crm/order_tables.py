"""Loading orders with their items and coupons, and marking storno orders.

A page is loaded with a handful of statements whatever its size: one lookup of the stored
copies, set-based contact and status resolution, one upsert of the orders, one insert of their
items and of their coupons, and a delete of the old ones only where stored orders changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Connection, delete, insert, select, update

from srpipeline.crm.contacts import resolve_order_contacts
from srpipeline.crm.maintenance import analyze_if_grown
from srpipeline.crm.schema import (
    crm_order_coupons,
    crm_order_items,
    crm_orders,
    crm_status_mapping,
    sr_order_statuses,
)
from srpipeline.crm.upsert import Loaded, Outcome, chunks, insert_rows, newest_copies, record_hash, upsert
from srpipeline.shoprenter.records import Order, OrderLine

CENT = Decimal("0.0001")
_NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)

ORDER_COLUMNS = [c.name for c in crm_orders.columns if c.name not in ("id", "is_storno")]


def load_orders(conn: Connection, orders: Sequence[Order], *, now: datetime) -> Loaded[Order]:
    """Load one page of orders inside the caller's transaction; returns each order's outcome.

    Abandoned carts are skipped; a stored order is replaced (with all its items and coupons) only
    by a copy with different data and the same or a newer ``dateUpdated``. The planner statistics
    of the tables it fills are refreshed first when they grew a lot (``maintenance``).
    """
    analyze_if_grown(conn)
    outcomes: list[Outcome] = ["skipped" if o.is_abandoned_cart else "unchanged" for o in orders]
    newest = newest_copies(orders, changed_at, keep=lambda o: not o.is_abandoned_cart)
    stored = {
        row.sr_order_inner_id: row
        for row in conn.execute(
            select(
                crm_orders.c.sr_order_inner_id,
                crm_orders.c.contact_id,
                crm_orders.c.updated_at,
                crm_orders.c.record_hash,
            ).where(crm_orders.c.sr_order_inner_id.in_(newest))
        )
    }
    to_write: list[tuple[Order, str]] = []
    for inner_id, index in newest.items():
        order, digest = orders[index], record_hash(orders[index])
        old = stored.get(inner_id)
        if old is None or (old.record_hash != digest and changed_at(order) >= old.updated_at):
            to_write.append((order, digest))
    if to_write:
        page = [order for order, _ in to_write]
        known = {inner_id: row.contact_id for inner_id, row in stored.items()}
        owners = resolve_order_contacts(conn, page, known, now=now)
        statuses = _status_ids(conn, {o.status_sr_id for o in page if o.status_sr_id})
        rows = [_order_row(o, digest, owners[o.inner_id], statuses, now) for o, digest in to_write]
        order_upsert = upsert(conn, crm_orders, ["sr_order_inner_id"], ORDER_COLUMNS, newer_than="updated_at")
        returning = order_upsert.returning(crm_orders.c.sr_order_inner_id, crm_orders.c.id)
        written = dict(insert_rows(conn, returning, rows).all())
        _replace_items(
            conn,
            [o for o in page if o.inner_id in written],
            written,
            replaced=[order_id for inner_id, order_id in written.items() if inner_id in stored],
        )
        for inner_id in written:
            outcomes[newest[inner_id]] = "updated" if inner_id in stored else "inserted"
    return list(zip(orders, outcomes, strict=True))


def mark_storno(conn: Connection, inner_ids: Iterable[int], is_storno: bool = True) -> int:
    """Set ``is_storno`` on the stored orders with these inner ids; returns how many changed."""
    changed = 0
    for batch in chunks(inner_ids):
        changed += conn.execute(
            update(crm_orders)
            .where(crm_orders.c.sr_order_inner_id.in_(batch), crm_orders.c.is_storno != is_storno)
            .values(is_storno=is_storno)
        ).rowcount
    return changed


def changed_at(order: Order) -> datetime:
    """The order's shop change time (``dateUpdated``, else ``dateCreated``), which guards overwrites."""
    return order.updated_at or order.created_at or _NO_DATE


def _status_ids(conn: Connection, sr_ids: set[str]) -> dict[str, tuple[int, int | None]]:
    """Shop status id -> (status inner id, mapped CRM status id or None)."""
    if not sr_ids:
        return {}
    rows = conn.execute(
        select(
            sr_order_statuses.c.sr_id,
            sr_order_statuses.c.sr_inner_id,
            crm_status_mapping.c.crm_order_status_id,
        )
        .outerjoin(
            crm_status_mapping, crm_status_mapping.c.sr_status_inner_id == sr_order_statuses.c.sr_inner_id
        )
        .where(sr_order_statuses.c.sr_id.in_(sr_ids))
    )
    return {sr_id: (inner_id, crm_id) for sr_id, inner_id, crm_id in rows}


def _order_row(
    order: Order,
    digest: str,
    owner: tuple[int, int],
    statuses: dict[str, tuple[int, int | None]],
    now: datetime,
) -> dict[str, object]:
    status_inner_id, crm_status_id = statuses.get(order.status_sr_id or "", (None, None))
    discount = order.total_of("COUPON")
    return {
        "sr_order_inner_id": order.inner_id,
        "sr_order_id": order.sr_id,
        "number": order.number or str(order.inner_id),
        "contact_id": owner[0],
        "webshop_card_id": owner[1],
        "sr_customer_id": order.customer_sr_id,
        "sr_status_id": order.status_sr_id,
        "sr_status_inner_id": status_inner_id,
        "crm_order_status_id": crm_status_id,
        "currency": order.currency,
        "payment_method": order.payment_method,
        "payment_method_code": order.payment_method_code,
        "shipping_method": order.shipping_method,
        "subtotal_net": order.total_of("SUB_TOTAL"),
        "tax_total": order.total_of("TAX"),
        "shipping_total": order.total_of("SHIPPING"),
        "discount_total": None if discount is None else -abs(discount),
        "total_gross": order.total_of("TOTAL") if order.total_of("TOTAL") is not None else order.total_gross,
        "comment": order.comment,
        "record_hash": digest,
        "created_at": order.created_at,
        "updated_at": changed_at(order),
        "synced_at": now,
    }


def _replace_items(
    conn: Connection, orders: Sequence[Order], order_ids: dict[int, int], *, replaced: Sequence[int]
) -> None:
    """Write the items and coupons of ``orders`` as a whole; those of the ``replaced`` order ids
    (orders stored before this page) are deleted first, so a removed line disappears."""
    if replaced:
        conn.execute(delete(crm_order_items).where(crm_order_items.c.order_id.in_(replaced)))
        conn.execute(delete(crm_order_coupons).where(crm_order_coupons.c.order_id.in_(replaced)))
    items: list[dict[str, object]] = []
    coupons: list[dict[str, object]] = []
    for order in orders:
        order_id = order_ids[order.inner_id]
        items.extend(_product_item(order_id, line) for line in order.lines)
        for kind, total in (("shipping", "SHIPPING"), ("payment", "PAYMENT")):
            amount = order.total_of(total)
            if amount is not None:
                name = next(t.name for t in order.totals if t.kind == total)
                items.append(_amount_item(order_id, kind, kind, name, amount))
        if order.coupon is not None:
            amount = -abs(order.total_of("COUPON") or Decimal(0))
            code = order.coupon.code
            items.append(_amount_item(order_id, f"coupon:{code}", "coupon", code, amount))
            coupons.append(
                {
                    "order_id": order_id,
                    "code": code,
                    "sr_coupon_id": order.coupon.sr_coupon_id,
                    "discount_type": order.coupon.discount_type,
                    "discount_amount": amount,
                }
            )
    if items:
        insert_rows(conn, insert(crm_order_items), items)
    if coupons:
        insert_rows(conn, insert(crm_order_coupons), coupons)


def _product_item(order_id: int, line: OrderLine) -> dict[str, object]:
    net = line.line_total_net
    if net is None and line.unit_price_net is not None:
        net = line.unit_price_net * line.quantity
    rate = line.tax_rate if line.tax_rate is not None else Decimal(0)
    gross = None if net is None else (net * (1 + rate / 100)).quantize(CENT)
    return {
        "order_id": order_id,
        "line_key": line.line_id,
        "kind": "product",
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price_net": line.unit_price_net,
        "vat_rate": line.tax_rate,
        "line_total_net": net,
        "line_total_gross": gross,
    }


def _amount_item(order_id: int, key: str, kind: str, name: str | None, amount: Decimal) -> dict[str, object]:
    """A shipping, payment-fee or coupon line: the shop gives one amount, stored as net and gross."""
    return {
        "order_id": order_id,
        "line_key": key,
        "kind": kind,
        "sku": None,
        "name": name,
        "quantity": Decimal(1),
        "unit_price_net": amount,
        "vat_rate": None,
        "line_total_net": amount,
        "line_total_gross": amount,
    }
