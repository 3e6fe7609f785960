"""The data-quality checks over the CRM tables (crm-model.md): each counts the rows that break one
rule and names the first few of them.

A sample names rows by their ids only (shop inner ids, CRM row ids), never by personal data such as
e-mails or names: it is shown in the Dagster UI, to people who may not see the CRM's contacts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    select,
    union_all,
)

from srpipeline.crm.contacts import SOURCE
from srpipeline.crm.mapping import unmapped_statuses_query
from srpipeline.crm.schema import crm_contacts, crm_coupons, crm_order_items, crm_orders, sr_order_statuses

#: How many offending rows a finding names.
SAMPLE = 20
#: Each product line's gross may be rounded by up to half a currency unit; one cent more for decimals.
ROUNDING_PER_LINE = Decimal("0.5")
ROUNDING_SLACK = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Finding:
    """How many rows break a rule, and the first ``SAMPLE`` of them, each as its ids in one line."""

    count: int
    sample: list[str]


def unmapped_active_statuses(conn: Connection) -> Finding:
    """Active shop statuses with no CRM status in the mapping, by inner id."""
    return _find(conn, unmapped_statuses_query().with_only_columns(sr_order_statuses.c.sr_inner_id))


def orders_without_items(conn: Connection) -> Finding:
    """Orders with a non-zero total and no product line, by inner id."""
    has_product = exists().where(
        crm_order_items.c.order_id == crm_orders.c.id, crm_order_items.c.kind == "product"
    )
    return _find(
        conn,
        select(crm_orders.c.sr_order_inner_id)
        .where(not_(has_product), func.coalesce(crm_orders.c.total_gross, 0) != 0)
        .order_by(crm_orders.c.sr_order_inner_id),
    )


def totals_not_adding_up(conn: Connection) -> Finding:
    """Orders whose lines (products + shipping + payment fee + coupon) differ from the gross total by
    more than rounding, by inner id."""
    lines = func.coalesce(func.sum(crm_order_items.c.line_total_gross), 0)
    product_lines = func.sum(case((crm_order_items.c.kind == "product", 1), else_=0))
    tolerance = product_lines * ROUNDING_PER_LINE + ROUNDING_SLACK
    total = func.coalesce(crm_orders.c.total_gross, 0)
    return _find(
        conn,
        select(crm_orders.c.sr_order_inner_id)
        .join(crm_order_items, crm_order_items.c.order_id == crm_orders.c.id)
        .group_by(crm_orders.c.id, crm_orders.c.sr_order_inner_id, crm_orders.c.total_gross)
        .having(func.abs(lines - total) > tolerance)
        .order_by(crm_orders.c.sr_order_inner_id),
    )


def orders_without_contact(conn: Connection) -> Finding:
    """Orders whose contact is missing (no link, or a link to no row): inner id and contact id."""
    return _find(
        conn,
        select(crm_orders.c.sr_order_inner_id, crm_orders.c.contact_id)
        .outerjoin(crm_contacts, crm_contacts.c.id == crm_orders.c.contact_id)
        .where(crm_contacts.c.id.is_(None))
        .order_by(crm_orders.c.sr_order_inner_id),
    )


def duplicate_natural_keys(conn: Connection) -> Finding:
    """Natural keys held by more than one row: orders, order lines, customers, guests' e-mails,
    coupon codes. A key that is an id is named itself; an e-mail or a code by the lowest id of a row
    holding it (``guest e-mail of contact 12``, ``coupon code of coupon <shop id>``)."""
    line_key = cast(crm_order_items.c.order_id, String) + ":" + crm_order_items.c.line_key
    guest = and_(crm_contacts.c.source == SOURCE, crm_contacts.c.sr_customer_inner_id.is_(None))
    union = union_all(
        _duplicates("order", crm_orders.c.sr_order_inner_id, crm_orders.c.sr_order_inner_id, crm_orders),
        _duplicates("order line", line_key, line_key, crm_order_items),
        _duplicates(
            "customer",
            crm_contacts.c.sr_customer_inner_id,
            crm_contacts.c.sr_customer_inner_id,
            crm_contacts,
            crm_contacts.c.sr_customer_inner_id.is_not(None),
        ),
        _duplicates(
            "guest e-mail of contact",
            func.lower(crm_contacts.c.email),
            func.min(crm_contacts.c.id),
            crm_contacts,
            guest,
        ),
        _duplicates(
            "coupon code of coupon",
            crm_coupons.c.code,
            func.min(crm_coupons.c.sr_coupon_id),
            crm_coupons,
            crm_coupons.c.deleted_at.is_(None),
        ),
    ).subquery()
    return _find(conn, select(union.c.what, union.c.key).order_by(union.c.what, union.c.key))


def _duplicates(
    what: str,
    key: ColumnElement[object],
    shown: ColumnElement[object],
    table: FromClause,
    *where: ColumnElement[bool],
) -> Select[tuple[str, str]]:
    """The values of ``key`` that more than one row of ``table`` holds, each named by ``shown``."""
    return (
        select(literal(what).label("what"), cast(shown, String).label("key"))
        .select_from(table)
        .where(*where)
        .group_by(key)
        .having(func.count() > 1)
    )


def _find(conn: Connection, query: Select) -> Finding:
    """How many rows ``query`` finds, and the first ``SAMPLE`` of them as text."""
    count = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.limit(SAMPLE)).all()
    return Finding(count, [" ".join(str(value) for value in row) for row in rows])
