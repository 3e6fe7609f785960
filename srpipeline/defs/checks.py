"""Asset checks over the CRM tables (names from crm-model.md): mapping, items, totals, contacts, keys."""

from collections.abc import Callable

from dagster import AssetCheckResult, AssetCheckSeverity, asset_check
from sqlalchemy import Connection

from srpipeline.crm import quality
from srpipeline.crm.quality import Finding
from srpipeline.defs.resources import CrmDatabaseResource


def _result(
    crm: CrmDatabaseResource, find: Callable[[Connection], Finding], what: str, **kwargs: object
) -> AssetCheckResult:
    with crm.get_engine().connect() as conn:
        finding = find(conn)
    return AssetCheckResult(
        passed=finding.count == 0,
        description=f"{finding.count} {what}" if finding.count else f"no {what}",
        metadata={"count": finding.count, "sample": finding.sample},
        **kwargs,  # type: ignore[arg-type]
    )


@asset_check(asset="status_mapping", description="Every active shop status is mapped to a CRM status.")
def every_active_status_is_mapped(crm: CrmDatabaseResource) -> AssetCheckResult:
    # Unmapped statuses never block orders (they wait with no CRM status): a warning to act on.
    return _result(
        crm,
        quality.unmapped_active_statuses,
        "active shop statuses not mapped",
        severity=AssetCheckSeverity.WARN,
    )


@asset_check(asset="orders", description="No order without items, except orders with a zero total.")
def no_order_without_items(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, quality.orders_without_items, "orders without items")


@asset_check(
    asset="orders",
    description="Items + shipping + payment fee + coupon = gross total, within rounding "
    "(half a currency unit per product line).",
)
def order_totals_add_up(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, quality.totals_not_adding_up, "orders whose lines do not add up to the total")


@asset_check(asset="orders", description="Every order's contact exists.")
def every_order_has_its_contact(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, quality.orders_without_contact, "orders without their contact")


@asset_check(
    asset="orders", description="No natural key (order, line, customer, guest e-mail, coupon) twice."
)
def no_duplicate_natural_keys(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(crm, quality.duplicate_natural_keys, "duplicate natural keys")


ASSET_CHECKS = [
    every_active_status_is_mapped,
    no_order_without_items,
    order_totals_add_up,
    every_order_has_its_contact,
    no_duplicate_natural_keys,
]
