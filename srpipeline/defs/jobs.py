"""The `sync` and `full_refresh` jobs, and the partition range a sync asks for."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import AssetSelection, PartitionKeyRange, RunConfig, define_asset_job, in_process_executor
from sqlalchemy import Engine

from srpipeline.defs.assets.run_context import PartitionedSyncConfig
from srpipeline.defs.partitions import daily_change_partitions, sync_partition_range
from srpipeline.sync import first_incomplete_day

#: The partitioned streams; a sync starts at the earliest day either of them has not completed.
PARTITIONED_STREAMS = ("customers", "orders")

# In-process: the steps run one after another in one process, so the shop sees one client and one
# throttle (never more than the configured rate), and the run starts fast.
sync_job = define_asset_job(
    "sync",
    selection=AssetSelection.all(),
    partitions_def=daily_change_partitions,
    executor_def=in_process_executor,
    description="Everything not yet synced: statuses, coupons, then customers and orders from the first "
    "incomplete day to today, then segments.",
)

full_refresh_job = define_asset_job(
    "full_refresh",
    selection=AssetSelection.all(),
    partitions_def=daily_change_partitions,
    executor_def=in_process_executor,
    config=RunConfig(
        ops={
            "customers": PartitionedSyncConfig(full_refresh=True),
            "orders": PartitionedSyncConfig(full_refresh=True),
        }
    ),
    description="Re-reads the selected days whole, ignoring how far the CRM is complete.",
)


def sync_range(engine: Engine, now: datetime) -> PartitionKeyRange:
    """From the first day customers or orders have not completed (or the first partition) to today."""
    tz = ZoneInfo(daily_change_partitions.timezone)
    days = [first_incomplete_day(engine, stream, tz) for stream in PARTITIONED_STREAMS]
    first = None if None in days else min(days)  # type: ignore[type-var]
    return sync_partition_range(daily_change_partitions, first, now)
