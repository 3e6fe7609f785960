"""The `sync` and `full_refresh` jobs, the UI's Sync button (`press_sync`), and the partition range
a sync asks for."""

from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetSelection,
    DailyPartitionsDefinition,
    OpExecutionContext,
    Output,
    PartitionKeyRange,
    RunConfig,
    define_asset_job,
    job,
    op,
)
from sqlalchemy import Engine

from srpipeline.crm.state import request_sync
from srpipeline.defs.assets.run_context import PartitionedSyncConfig
from srpipeline.defs.partitions import sync_partition_range
from srpipeline.defs.resources import CrmDatabaseResource
from srpipeline.sync import PARTITIONED_STREAMS, first_incomplete_day

SYNC_JOB = "sync"
FULL_REFRESH_JOB = "full_refresh"
PRESS_SYNC_JOB = "press_sync"


def build_jobs() -> list:  # define_asset_job's return type has no public name
    """`sync` (what is not synced yet) and `full_refresh` (re-read the selected days whole).

    Both run in one process (the code location's executor): the steps run one after another, so
    the shop sees one client and one throttle, and the run starts fast.
    """
    sync = define_asset_job(
        SYNC_JOB,
        selection=AssetSelection.all(),
        description="Everything not yet synced: statuses, coupons, then customers and orders from the "
        "first incomplete day to today, then segments.",
    )
    full_refresh = define_asset_job(
        FULL_REFRESH_JOB,
        selection=AssetSelection.all(),
        config=RunConfig(
            ops={stream: PartitionedSyncConfig(full_refresh=True) for stream in PARTITIONED_STREAMS}
        ),
        description="Re-reads the selected days whole, ignoring how far the CRM is complete.",
    )
    return [sync, full_refresh, press_sync]


@op(description="Records one press of the Sync button in crm_sync_requests, as `srpipeline sync` does.")
def record_sync_press(context: OpExecutionContext, crm: CrmDatabaseResource) -> Output[int]:
    request_id = request_sync(crm.get_engine(), requested_by=f"ui:{context.run_id[:8]}")
    context.log.info(
        f"Sync request {request_id} recorded: sync_requests_sensor starts one `sync` run for every "
        "waiting press within 15 s (after the sync in flight, if any)."
    )
    return Output(request_id, metadata={"Sync request": request_id})


@job(
    name=PRESS_SYNC_JOB,
    description="The Sync button: Launchpad → Launch run. Syncs everything not synced yet, like the "
    "sensor and the dawn schedule; pressing twice is harmless (presses are folded into one sync run, "
    "which lists the presses it served in its srpipeline/sync_requests tag).",
)
def press_sync() -> None:
    record_sync_press()


def sync_range(partitions_def: DailyPartitionsDefinition, engine: Engine, now: datetime) -> PartitionKeyRange:
    """From the first day customers or orders have not completed (or the first partition) to today."""
    tz = ZoneInfo(partitions_def.timezone)
    days = [first_incomplete_day(engine, stream, tz) for stream in PARTITIONED_STREAMS]
    first = None if None in days else min(days)  # type: ignore[type-var]
    return sync_partition_range(partitions_def, first, now)
