"""Asset checks over the CRM tables (names from crm-model.md): mapping, items, totals, contacts, keys."""

from decimal import Decimal

from dagster import AssetCheckResult, AssetCheckSeverity, asset_check
from sqlalchemy import (
    Connection,
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

from srpipeline.crm.schema import (
    crm_contacts,
    crm_coupons,
    crm_order_items,
    crm_orders,
    crm_status_mapping,
    sr_order_statuses,
)
from srpipeline.defs.resources import CrmDatabaseResource

#: How many offending rows a failed check lists in its metadata.
SAMPLE = 20
#: Each product line's gross may be rounded by up to half a currency unit; one cent more for decimals.
ROUNDING_PER_LINE = Decimal("0.5")
ROUNDING_SLACK = Decimal("0.01")


def _sample(conn: Connection, query: Select) -> tuple[int, list[str]]:
    """How many rows ``query`` finds, and the first few of them as text."""
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = conn.execute(query.limit(SAMPLE)).all()
    return total, [" ".join(str(value) for value in row) for row in rows]


def _result(crm: CrmDatabaseResource, query: Select, what: str, **kwargs: object) -> AssetCheckResult:
    with crm.get_engine().connect() as conn:
        count, sample = _sample(conn, query)
    return AssetCheckResult(
        passed=count == 0,
        description=f"{count} {what}" if count else f"no {what}",
        metadata={"count": count, "sample": sample},
        **kwargs,  # type: ignore[arg-type]
    )


def unmapped_statuses_query() -> Select:
    """Active shop statuses with no CRM status in the mapping."""
    return (
        select(sr_order_statuses.c.sr_inner_id, sr_order_statuses.c.name)
        .outerjoin(
            crm_status_mapping, crm_status_mapping.c.sr_status_inner_id == sr_order_statuses.c.sr_inner_id
        )
        .where(sr_order_statuses.c.is_active, crm_status_mapping.c.crm_order_status_id.is_(None))
        .order_by(sr_order_statuses.c.sr_inner_id)
    )


def orders_without_items_query() -> Select:
    """Orders with a non-zero total and no product line."""
    has_product = exists().where(
        crm_order_items.c.order_id == crm_orders.c.id, crm_order_items.c.kind == "product"
    )
    return (
        select(crm_orders.c.sr_order_inner_id, crm_orders.c.total_gross)
        .where(not_(has_product), func.coalesce(crm_orders.c.total_gross, 0) != 0)
        .order_by(crm_orders.c.sr_order_inner_id)
    )


def totals_not_adding_up_query() -> Select:
    """Orders whose lines (products + shipping + payment fee + coupon) differ from the gross total."""
    lines = func.coalesce(func.sum(crm_order_items.c.line_total_gross), 0)
    product_lines = func.sum(case((crm_order_items.c.kind == "product", 1), else_=0))
    tolerance = product_lines * ROUNDING_PER_LINE + ROUNDING_SLACK
    total = func.coalesce(crm_orders.c.total_gross, 0)
    return (
        select(crm_orders.c.sr_order_inner_id, total, lines)
        .join(crm_order_items, crm_order_items.c.order_id == crm_orders.c.id)
        .group_by(crm_orders.c.id, crm_orders.c.sr_order_inner_id, crm_orders.c.total_gross)
        .having(func.abs(lines - total) > tolerance)
        .order_by(crm_orders.c.sr_order_inner_id)
    )


def orders_without_contact_query() -> Select:
    """Orders whose contact is missing (no link, or a link to no row)."""
    return (
        select(crm_orders.c.sr_order_inner_id, crm_orders.c.contact_id)
        .outerjoin(crm_contacts, crm_contacts.c.id == crm_orders.c.contact_id)
        .where(crm_contacts.c.id.is_(None))
        .order_by(crm_orders.c.sr_order_inner_id)
    )


def duplicate_keys_query() -> Select:
    """Natural keys held by more than one row: orders, order lines, contacts, guests' e-mails, coupons."""

    def duplicates(label: str, key: object, table: object, *where: object) -> Select:
        return (
            select(literal(label).label("what"), cast(key, String).label("key"))
            .select_from(table)
            .where(*where)
            .group_by(key)
            .having(func.count() > 1)
        )

    line_key = cast(crm_order_items.c.order_id, String) + ":" + crm_order_items.c.line_key
    guest = and_(crm_contacts.c.source == "shoprenter", crm_contacts.c.sr_customer_inner_id.is_(None))
    union = union_all(
        duplicates("order", crm_orders.c.sr_order_inner_id, crm_orders),
        duplicates("order line", line_key, crm_order_items),
        duplicates(
            "customer",
            crm_contacts.c.sr_customer_inner_id,
            crm_contacts,
            crm_contacts.c.sr_customer_inner_id.isnot(None),
        ),
        duplicates("guest e-mail", func.lower(crm_contacts.c.email), crm_contacts, guest),
        duplicates("coupon code", crm_coupons.c.code, crm_coupons, crm_coupons.c.deleted_at.is_(None)),
    ).subquery()
    return select(union.c.what, union.c.key).order_by(union.c.what, union.c.key)


@asset_check(asset="status_mapping", description="Every active shop status is mapped to a CRM status.")
def every_active_status_is_mapped(crm: CrmDatabaseResource) -> AssetCheckResult:
    # Unmapped statuses never block orders (they wait with no CRM status): a warning to act on.
    return _result(
        crm, unmapped_statuses_query(), "active shop statuses not mapped", severity=AssetCheckSeverity.WARN
    )


@asset_check(asset="orders", description="No order without items, except orders with a zero total.")
def no_order_without_items(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, orders_without_items_query(), "orders without items")


@asset_check(
    asset="orders",
    description="Items + shipping + payment fee + coupon = gross total, within rounding "
    "(half a currency unit per product line).",
)
def order_totals_add_up(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, totals_not_adding_up_query(), "orders whose lines do not add up to the total")


@asset_check(asset="orders", description="Every order's contact exists.")
def every_order_has_its_contact(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, orders_without_contact_query(), "orders without their contact")


@asset_check(
    asset="orders", description="No natural key (order, line, customer, guest e-mail, coupon) twice."
)
def no_duplicate_natural_keys(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, duplicate_keys_query(), "duplicate natural keys")


ASSET_CHECKS = [
    every_active_status_is_mapped,
    no_order_without_items,
    order_totals_add_up,
    every_order_has_its_contact,
    no_duplicate_natural_keys,
]
