"""From a Dagster asset's context to the sync engine's context: run id, trigger, progress, client."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path

from dagster import AssetExecutionContext, AssetObservation, Config, MaterializeResult

from srpipeline.clock import utc_now
from srpipeline.crm.state import consume_sync_requests
from srpipeline.crm.upsert import LoadCounts
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.tags import run_trigger, served_request_ids
from srpipeline.sync import StreamResult, SyncContext


class PartitionedSyncConfig(Config):
    """``full_refresh`` re-reads the whole partition range, ignoring how far the CRM is complete."""

    full_refresh: bool = False


def sync_context(
    context: AssetExecutionContext,
    shop: ShoprenterResource,
    crm: CrmDatabaseResource,
    day_zone: tzinfo = UTC,
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
        day_zone=day_zone,
    )


def materialized(result: StreamResult, **asset_key: str) -> MaterializeResult:
    """An unpartitioned stream's materialization: its figures, once."""
    return MaterializeResult(metadata={**row_figures(result.counts), **run_figures(result)}, **asset_key)  # type: ignore[arg-type]


def materialized_days(
    context: AssetExecutionContext, result: StreamResult, zone: tzinfo
) -> MaterializeResult:
    """A day-partitioned stream's materializations: each partition gets its own day's rows (rows
    changed before the first day of the range count on that day, later ones on the last); what the
    run cost (requests, 429s, window, time) is recorded once, as an observation of the asset."""
    keys = context.partition_keys
    days = {key: LoadCounts() for key in keys}
    first, last = keys[0], keys[-1]
    for day, counts in result.by_day.items():
        key = first if day is None else min(max(day.isoformat(), first), last)
        days[key] = days.get(key, LoadCounts()) + counts
    for key, counts in days.items():
        context.add_asset_metadata(row_figures(counts), partition_key=key)
    context.log_event(
        AssetObservation(
            asset_key=context.asset_key,
            description=f"One sync run over {len(keys)} day(s), {first} to {last}",
            metadata=run_figures(result, zone),
        )
    )
    return MaterializeResult()


def row_figures(counts: LoadCounts) -> dict[str, int]:
    """What happened to the rows: ``dagster/row_count`` is the rows read (skipped carts aside)."""
    return {
        "dagster/row_count": counts.inserted + counts.updated + counts.unchanged,
        "Rows inserted": counts.inserted,
        "Rows updated": counts.updated,
        "Rows unchanged": counts.unchanged,
    }


def run_figures(result: StreamResult, zone: tzinfo = UTC) -> dict[str, object]:
    """What a stream's run cost and read, with nothing shown that did not happen."""
    figures: dict[str, object] = {
        "Requests to the shop": result.requests,
        "429 answers (throttled)": result.throttled,
        "Duration (s)": round(result.seconds, 1),
    }
    if result.window_hi is not None:
        lo = _local(result.window_lo, zone) if result.window_lo else "the beginning"
        figures["Window of shop change times"] = f"{lo} → {_local(result.window_hi, zone)} ({zone})"
    if result.quarantined:
        figures["Records skipped as unreadable"] = result.quarantined
    if result.deleted:
        figures["Customers marked deleted"] = result.deleted
    if result.notes:
        figures["Notes"] = "; ".join(result.notes)
    return figures


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
