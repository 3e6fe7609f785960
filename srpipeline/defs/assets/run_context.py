"""From a Dagster asset's context to the sync engine's context: run id, trigger, progress, client."""

from __future__ import annotations

from pathlib import Path

from dagster import AssetExecutionContext, Config, MaterializeResult

from srpipeline.clock import utc_now
from srpipeline.crm.state import consume_sync_requests
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.tags import run_trigger, served_request_ids
from srpipeline.sync import StreamResult, SyncContext


class PartitionedSyncConfig(Config):
    """``full_refresh`` re-reads the whole partition range, ignoring how far the CRM is complete."""

    full_refresh: bool = False


def sync_context(
    context: AssetExecutionContext, shop: ShoprenterResource, crm: CrmDatabaseResource
) -> SyncContext:
    """A SyncContext owned by this run (``context.run.run_id`` holds the lease) on the run's one shop
    client; progress goes to the run log. A run launched by the Sync sensor marks the requests it
    serves as consumed by it, right away."""
    served = served_request_ids(context.run.tags)
    if served:
        with crm.get_engine().begin() as conn:
            consume_sync_requests(conn, served, context.run.run_id, now=utc_now())
    return SyncContext(
        client=shop.client(),
        engine=crm.get_engine(),
        run_id=context.run.run_id,
        mapping_path=Path(crm.status_mapping_path),
        trigger=run_trigger(context.run.tags),
        progress=lambda progress: context.log.info(progress.line()),
        log=context.log,
    )


def materialized(result: StreamResult, **asset_key: str) -> MaterializeResult:
    """The result's metadata (no secrets live in it); the sync itself logged its summary line."""
    return MaterializeResult(metadata=result.as_metadata(), **asset_key)  # type: ignore[arg-type]
