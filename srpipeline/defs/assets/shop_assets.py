"""What the shop holds: order statuses and their mapping, coupons, customers and orders.

Every asset here calls the shop, so each is in pool ``shoprenter_api`` (one such run at a time).
Customers and orders are partitioned by day of last change; a range of days is read in one run.
"""

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from dagster import (
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    DailyPartitionsDefinition,
    DataVersion,
    MaterializeResult,
    asset,
    multi_asset,
)
from sqlalchemy import Table

from srpipeline.crm.day_counts import rows_by_change_day, rows_with_change_time
from srpipeline.crm.fingerprint import table_fingerprint
from srpipeline.crm.mapping import mapping_counts, unconfirmed_suggestions
from srpipeline.crm.schema import (
    crm_contacts,
    crm_coupons,
    crm_order_coupons,
    crm_order_items,
    crm_orders,
    crm_status_mapping,
    crm_webshop_cards,
    sr_order_statuses,
)
from srpipeline.defs.assets.catalog import table_metadata
from srpipeline.defs.assets.freshness import SYNC_FRESHNESS
from srpipeline.defs.assets.run_context import (
    PartitionedSyncConfig,
    materialized,
    materialized_days,
    sync_context,
)
from srpipeline.defs.partitions import partition_range_window
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.tags import SHOP_POOL
from srpipeline.sync import (
    StreamResult,
    SyncContext,
    sync_coupons,
    sync_customers,
    sync_order_statuses,
    sync_orders,
)

GROUP = "shoprenter"


class WindowedSync(Protocol):
    """``sync_customers`` or ``sync_orders``: one stream over a window of change times."""

    def __call__(
        self, ctx: SyncContext, *, start: datetime | None, end: datetime | None, full_refresh: bool
    ) -> StreamResult: ...


@multi_asset(
    specs=[
        AssetSpec(
            "order_statuses",
            group_name=GROUP,
            description="The shop's order statuses (sr_order_statuses); vanished ones are marked inactive.",
            metadata=table_metadata(sr_order_statuses),
            freshness_policy=SYNC_FRESHNESS,
        ),
        AssetSpec(
            "status_mapping",
            group_name=GROUP,
            deps=["order_statuses"],
            description="status_mapping.yaml loaded into crm_status_mapping; new shop statuses are added "
            "to the file with a suggestion, and orders of newly mapped statuses are re-mapped.",
            metadata=table_metadata(crm_status_mapping),
            freshness_policy=SYNC_FRESHNESS,
        ),
    ],
    pool=SHOP_POOL,
    can_subset=False,
)
def order_statuses_and_mapping(
    context: AssetExecutionContext, shop: ShoprenterResource, crm: CrmDatabaseResource
) -> Iterator[MaterializeResult]:
    result = sync_order_statuses(sync_context(context, shop, crm))
    with crm.get_engine().connect() as conn:
        statuses = materialized(result, conn, sr_order_statuses, asset_key="order_statuses")
        mapping_version = table_fingerprint(conn, crm_status_mapping)
        mapped, unmapped = mapping_counts(conn)
    yield statuses
    unconfirmed = len(unconfirmed_suggestions(Path(crm.status_mapping_path)))
    metadata = {
        "Statuses mapped and confirmed": mapped - unconfirmed,
        "Statuses mapped by a suggestion not yet confirmed": unconfirmed,
        "Statuses not mapped": unmapped,
    }
    yield MaterializeResult(
        asset_key="status_mapping", metadata=metadata, data_version=DataVersion(mapping_version)
    )


@asset(
    group_name=GROUP,
    pool=SHOP_POOL,
    description="The shop's coupons (crm_coupons), read whole; vanished ones get deleted_at.",
    metadata=table_metadata(crm_coupons),
    freshness_policy=SYNC_FRESHNESS,
)
def coupons(
    context: AssetExecutionContext, shop: ShoprenterResource, crm: CrmDatabaseResource
) -> MaterializeResult:
    result = sync_coupons(sync_context(context, shop, crm))
    with crm.get_engine().connect() as conn:
        return materialized(result, conn, crm_coupons)


def build_partitioned_assets(partitions_def: DailyPartitionsDefinition) -> list[AssetsDefinition]:
    """Customers and orders on the code location's daily partitions (from its settings)."""
    return [
        _day_asset(
            partitions_def,
            "customers",
            sync_customers,
            deps=[],
            description="Registered customers by day of last change: contacts and webshop cards.",
            table=crm_contacts,
            also=(crm_webshop_cards,),
        ),
        _day_asset(
            partitions_def,
            "orders",
            sync_orders,
            deps=["order_statuses", "status_mapping", "customers", "coupons"],
            description="Orders by day of last change, with their items and coupons "
            "(crm_orders, crm_order_items, crm_order_coupons).",
            table=crm_orders,
            also=(crm_order_items, crm_order_coupons),
        ),
    ]


def _day_asset(
    partitions_def: DailyPartitionsDefinition,
    name: str,
    sync: WindowedSync,
    *,
    deps: list[str],
    description: str,
    table: Table,
    also: tuple[Table, ...],
) -> AssetsDefinition:
    """A stream read by day of last change into ``table`` (and ``also``); a range of days (a backfill)
    is one run and one window; ``table.updated_at`` is the shop change time that days count by."""

    @asset(
        name=name,
        group_name=GROUP,
        pool=SHOP_POOL,
        partitions_def=partitions_def,
        backfill_policy=BackfillPolicy.single_run(),
        deps=deps,
        description=description,
        metadata=table_metadata(table, *also),
        freshness_policy=SYNC_FRESHNESS,
    )
    def day_asset(
        context: AssetExecutionContext,
        config: PartitionedSyncConfig,
        shop: ShoprenterResource,
        crm: CrmDatabaseResource,
    ) -> MaterializeResult:
        # None at the first partition: the window is open at the bottom.
        start, end = partition_range_window(partitions_def, context.partition_key_range)
        zone = ZoneInfo(partitions_def.timezone)
        ctx = sync_context(context, shop, crm, day_zone=zone)
        result = sync(ctx, start=start, end=end, full_refresh=config.full_refresh)
        with crm.get_engine().connect() as conn:
            held = rows_by_change_day(conn, table.c.updated_at, zone, start=start, end=end)
            total = rows_with_change_time(conn, table.c.updated_at)
        return materialized_days(context, result, held, total, zone)

    return day_asset
