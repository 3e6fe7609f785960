"""Order statuses and coupons: small lists the shop sends whole, loaded as snapshots.

What vanished from the shop is marked (``is_active`` false, ``deleted_at`` set), never deleted:
orders and mappings still point at it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, distinct, func, select, update

from srpipeline.crm.schema import crm_coupons, crm_order_coupons, crm_orders, sr_order_statuses
from srpipeline.crm.upsert import LoadCounts, upsert
from srpipeline.shoprenter.records import Coupon, OrderStatus


def load_statuses(conn: Connection, statuses: Sequence[OrderStatus], *, now: datetime) -> LoadCounts:
    """Load the shop's whole status list; statuses no longer listed become inactive."""
    rows = {
        s.inner_id: {
            "sr_inner_id": s.inner_id,
            "sr_id": s.sr_id,
            "name": s.name,
            "color": s.color,
            "is_active": True,
        }
        for s in statuses
    }
    counts = _load_snapshot(conn, sr_order_statuses, "sr_inner_id", rows, now=now)
    gone = conn.execute(
        update(sr_order_statuses)
        .where(sr_order_statuses.c.sr_inner_id.not_in(rows), sr_order_statuses.c.is_active.is_(True))
        .values(is_active=False, synced_at=now)
    ).rowcount
    return LoadCounts(counts.inserted, counts.updated + gone, counts.unchanged)


def load_coupons(conn: Connection, coupons: Sequence[Coupon], *, now: datetime) -> LoadCounts:
    """Load the shop's whole coupon list; coupons no longer listed get ``deleted_at``."""
    rows = {
        c.sr_id: {
            "sr_coupon_id": c.sr_id,
            "code": c.code,
            "name": c.name,
            "discount_type": c.discount_type,
            "percent_discount": c.percent_discount,
            "fixed_discount": c.fixed_discount,
            "free_shipping": c.free_shipping,
            "date_start": c.date_start,
            "date_end": c.date_end,
            "status": c.status,
            "updated_at": c.updated_at or c.created_at,
            "deleted_at": None,
        }
        for c in coupons
    }
    counts = _load_snapshot(conn, crm_coupons, "sr_coupon_id", rows, now=now, newer_than="updated_at")
    gone = conn.execute(
        update(crm_coupons)
        .where(crm_coupons.c.sr_coupon_id.not_in(rows), crm_coupons.c.deleted_at.is_(None))
        .values(deleted_at=now, synced_at=now)
    ).rowcount
    return LoadCounts(counts.inserted, counts.updated + gone, counts.unchanged)


def _load_snapshot(
    conn: Connection,
    table: Table,
    key: str,
    rows: Mapping[Any, dict[str, Any]],
    *,
    now: datetime,
    newer_than: str | None = None,
) -> LoadCounts:
    """Upsert the rows that are new or differ from the stored ones; count what was what."""
    columns = list(next(iter(rows.values()), {}))
    stored = {row[key]: row for row in conn.execute(select(table)).mappings()}
    inserted = updated = unchanged = 0
    changed: list[dict[str, Any]] = []
    for row_key, row in rows.items():
        old = stored.get(row_key)
        if old is None:
            inserted += 1
        elif all(old[c] == row[c] for c in columns) or (
            newer_than and old[newer_than] and row[newer_than] and row[newer_than] < old[newer_than]
        ):
            unchanged += 1
            continue
        else:
            updated += 1
        changed.append({**row, "synced_at": now})
    if changed:
        conn.execute(upsert(conn, table, [key], [*columns, "synced_at"], newer_than=newer_than), changed)
    return LoadCounts(inserted, updated, unchanged)


def orders_naming_unknown_statuses(conn: Connection, *, since: datetime) -> int:
    """Orders written after ``since`` whose shop status the CRM does not hold (a status made after
    the statuses were last read): the statuses must be read again."""
    return conn.execute(
        select(func.count())
        .select_from(crm_orders)
        .where(
            crm_orders.c.synced_at > since,
            crm_orders.c.sr_status_id.is_not(None),
            crm_orders.c.sr_status_inner_id.is_(None),
        )
    ).scalar_one()


def orders_naming_unknown_coupons(conn: Connection, *, since: datetime) -> int:
    """Orders written after ``since`` that used a coupon the CRM does not hold: coupons must be read again."""
    return conn.execute(
        select(func.count(distinct(crm_order_coupons.c.order_id)))
        .select_from(
            crm_order_coupons.join(crm_orders, crm_orders.c.id == crm_order_coupons.c.order_id).outerjoin(
                crm_coupons, crm_coupons.c.sr_coupon_id == crm_order_coupons.c.sr_coupon_id
            )
        )
        .where(
            crm_orders.c.synced_at > since,
            crm_order_coupons.c.sr_coupon_id.is_not(None),
            crm_coupons.c.sr_coupon_id.is_(None),
        )
    ).scalar_one()
