"""Asset checks over the CRM tables (names from crm-model.md): mapping, items, totals, contacts, keys.

A check that fails says what it found (rows by id, statuses by id and shop name), and what to do
next, in its description; its metadata holds the count and the first ids.
"""

from collections.abc import Callable
from pathlib import Path

from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check
from sqlalchemy import Connection

from srpipeline.crm import quality
from srpipeline.crm.mapping import unconfirmed_suggestions, unmapped_statuses
from srpipeline.crm.quality import Finding
from srpipeline.defs.resources import CrmDatabaseResource
from srpipeline.wording import counted

#: What to run after a fix, in the UI or the terminal.
SYNC_AGAIN = "then press Sync (job press_sync in the UI, or `srpipeline sync`)"
REREAD = "re-read their days with the full_refresh job"
CRM_STATUSES = "Draft, In progress, Completed, Successful or Failed"


def _result(
    crm: CrmDatabaseResource,
    find: Callable[[Connection], Finding],
    one: str,
    many: str,
    next_step: str,
    *,
    none: str,
) -> AssetCheckResult:
    with crm.get_engine().connect() as conn:
        finding = find(conn)
    if not finding.count:
        return AssetCheckResult(passed=True, description=none, metadata={"Rows found": 0})
    shown = ", ".join(finding.sample) + (", ..." if finding.count > len(finding.sample) else "")
    return AssetCheckResult(
        passed=False,
        description=f"{counted(finding.count, one, many)}: {shown}. {next_step}.",
        metadata={"Rows found": finding.count, "Sample ids": MetadataValue.json(finding.sample)},
    )


@asset_check(
    asset="status_mapping",
    description="Every active shop status is mapped to a CRM status, and every suggestion confirmed.",
)
def every_active_status_is_mapped(crm: CrmDatabaseResource) -> AssetCheckResult:
    # Unmapped statuses never block orders (they wait with no CRM status): a warning to act on.
    path = Path(crm.status_mapping_path)
    with crm.get_engine().connect() as conn:
        unmapped = unmapped_statuses(conn)
    unconfirmed = unconfirmed_suggestions(path)
    if not unmapped and not unconfirmed:
        return AssetCheckResult(passed=True, description="Every active shop status is mapped and confirmed.")
    found = []
    if unmapped:
        names = ", ".join(f'{inner_id} "{name or "no name"}"' for inner_id, name in unmapped)
        found.append(
            f"{counted(len(unmapped), 'active shop status is', 'active shop statuses are')} not mapped "
            f"({names}): give each a CRM status ({CRM_STATUSES}) in {path}"
        )
    if unconfirmed:
        names = ", ".join(f'{inner_id} "{name}" → {status}' for inner_id, status, name in unconfirmed)
        found.append(
            f"{counted(len(unconfirmed), 'suggested mapping is', 'suggested mappings are')} not confirmed "
            f"({names}): in {path}, delete the note `(suggested from the name: confirm)` from each "
            "line you agree with, correct the others"
        )
    return AssetCheckResult(
        passed=False,
        severity=AssetCheckSeverity.WARN,
        description="; ".join(found) + f"; {SYNC_AGAIN}.",
        metadata={
            "Statuses not mapped": len(unmapped),
            "Suggestions not confirmed": len(unconfirmed),
            "Mapping file": MetadataValue.path(str(path)),
            "Sample ids": MetadataValue.json([str(inner_id) for inner_id, _ in unmapped]),
        },
    )


@asset_check(asset="orders", description="No order without items, except orders with a zero total.")
def no_order_without_items(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(
        crm,
        quality.orders_without_items,
        "order (shop inner id) has no items",
        "orders (shop inner ids) have no items",
        f"{REREAD}; if they stay empty, the shop sends them without lines",
        none="Every order with a total has its items.",
    )


@asset_check(
    asset="orders",
    description="Items + shipping + payment fee + coupon = gross total, within rounding "
    "(half a currency unit per product line).",
)
def order_totals_add_up(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(
        crm,
        quality.totals_not_adding_up,
        "order's lines (shop inner id) do not add up to its total",
        "orders' lines (shop inner ids) do not add up to their totals",
        f"Compare them with the shop's admin and {REREAD}; if they still differ, report these ids",
        none="Every order's lines add up to its gross total.",
    )


@asset_check(asset="orders", description="Every order's contact exists.")
def every_order_has_its_contact(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(
        crm,
        quality.orders_without_contact,
        "order has no contact (shop inner id, missing contact id)",
        "orders have no contact (shop inner id, missing contact id)",
        f"Someone deleted CRM contacts: {REREAD} to restore them",
        none="Every order's contact exists.",
    )


@asset_check(
    asset="orders", description="No natural key (order, line, customer, guest e-mail, coupon) twice."
)
def no_duplicate_natural_keys(crm: CrmDatabaseResource) -> AssetCheckResult:
    return _result(
        crm,
        quality.duplicate_natural_keys,
        "natural key is held by two rows or more",
        "natural keys are held by two rows or more",
        "The sync never writes these: look for another program writing the CRM tables, and report it",
        none="No natural key is held twice.",
    )


ASSET_CHECKS = [
    every_active_status_is_mapped,
    no_order_without_items,
    order_totals_add_up,
    every_order_has_its_contact,
    no_duplicate_natural_keys,
]
