"""From a Dagster asset's context to the sync engine's context: run id, trigger, progress, window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from dagster import AssetExecutionContext, Config, MaterializeResult

from srpipeline.crm.state import consume_sync_requests
from srpipeline.defs.partitions import daily_change_partitions, partition_range_window
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.tags import run_trigger, served_request_ids
from srpipeline.sync import StreamResult, SyncContext


class PartitionedSyncConfig(Config):
    """``full_refresh`` re-reads the whole partition range, ignoring how far the CRM is complete."""

    full_refresh: bool = False


@contextmanager
def sync_context(
    context: AssetExecutionContext, shop: ShoprenterResource, crm: CrmDatabaseResource
) -> Iterator[SyncContext]:
    """A SyncContext owned by this run (``context.run.run_id`` holds the lease); progress goes to the run log.

    A run launched by the Sync sensor marks the requests it serves as consumed by it, right away.
    """
    served = served_request_ids(context.run.tags)
    if served:
        with crm.get_engine().begin() as conn:
            consume_sync_requests(conn, served, context.run.run_id, now=datetime.now(UTC))
    with shop.build_client() as client:
        yield SyncContext(
            client=client,
            engine=crm.get_engine(),
            run_id=context.run.run_id,
            trigger=run_trigger(context.run.tags),
            progress=lambda progress: context.log.info(progress.line()),
            log=context.log,
        )


def sync_partition_range(
    context: AssetExecutionContext,
    config: PartitionedSyncConfig,
    shop: ShoprenterResource,
    crm: CrmDatabaseResource,
    sync: Callable[..., StreamResult],
) -> MaterializeResult:
    """Sync a partitioned stream over the run's partition range: one window from the range start
    (None at the first partition, which is open at the bottom) to its end or now."""
    start, end = partition_range_window(daily_change_partitions, context.partition_key_range)
    with sync_context(context, shop, crm) as ctx:
        return materialized(sync(ctx, start=start, end=end, full_refresh=config.full_refresh))


def materialized(result: StreamResult, **asset_key: str) -> MaterializeResult:
    """The result's metadata (no secrets live in it); the sync itself logged its summary line."""
    return MaterializeResult(metadata=result.as_metadata(), **asset_key)  # type: ignore[arg-type]
