"""From a Dagster asset's context to the sync engine's context: run id, trigger, progress, client."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, tzinfo
from pathlib import Path

from dagster import AssetExecutionContext, AssetObservation, Config, DataVersion, MaterializeResult
from sqlalchemy import Connection, Table

from srpipeline.clock import utc_now
from srpipeline.crm.fingerprint import row_count, table_fingerprint
from srpipeline.crm.state import consume_sync_requests
from srpipeline.crm.upsert import LoadCounts
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.tags import run_trigger, served_request_ids
from srpipeline.sync import StreamResult, SyncContext
from srpipeline.wording import counted


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


def materialized(
    result: StreamResult, conn: Connection | None = None, table: Table | None = None, **asset_key: str
) -> MaterializeResult:
    """An unpartitioned stream's materialization: its figures, once; a list read whole into
    ``table`` also gets its data version (from the CRM's rows). A list a probe's sync did not read
    again says so and shows the rows the CRM holds."""
    if result.skipped and conn is not None and table is not None:
        metadata: dict[str, object] = {
            "dagster/row_count": row_count(conn, table),
            "Not read": result.skipped,
        }
    else:
        metadata = {**row_figures(result.counts), **run_figures(result)}
    version = table_fingerprint(conn, table) if conn is not None and table is not None else None
    return MaterializeResult(
        metadata=metadata,  # type: ignore[arg-type]
        data_version=DataVersion(version) if version else None,
        **asset_key,  # type: ignore[arg-type]
    )


def materialized_days(
    context: AssetExecutionContext, result: StreamResult, held: Mapping[date, int], total: int, zone: tzinfo
) -> MaterializeResult:
    """A day-partitioned stream's materializations. Each partition gets its own day's figures:
    ``dagster/row_count`` is what the CRM holds for the day (``held``), also after a run that read
    nothing new; the rows this run read count on their change day (earlier ones on the range's first
    day, later ones on its last). What the run cost (requests, 429s, window, time) and the CRM's
    ``total`` over all days are recorded once, as an observation of the asset (the UI's Overview
    shows only the latest partition's row count)."""
    keys = context.partition_keys
    first, last = keys[0], keys[-1]

    def key_of(day: date | None) -> str:
        return first if day is None else min(max(day.isoformat(), first), last)

    read = {key: LoadCounts() for key in keys}
    for day, counts in result.by_day.items():
        read[key_of(day)] += counts
    rows = dict.fromkeys(keys, 0)
    for day, count in held.items():
        rows[key_of(day)] += count
    for key, counts in read.items():
        context.add_asset_metadata(
            {"dagster/row_count": rows[key], **read_figures(counts)}, partition_key=key
        )
    context.log_event(
        AssetObservation(
            asset_key=context.asset_key,
            description=f"One sync run over {counted(len(keys), 'day', 'days')}, {first} to {last}",
            metadata={"Rows in the CRM, all days": total, **run_figures(result, zone)},
        )
    )
    return MaterializeResult()


def row_figures(counts: LoadCounts) -> dict[str, int]:
    """An unpartitioned stream's rows: ``dagster/row_count`` is the rows read (skipped carts aside)."""
    return {"dagster/row_count": counts.inserted + counts.updated + counts.unchanged, **read_figures(counts)}


def read_figures(counts: LoadCounts) -> dict[str, int]:
    """What this run did to the rows it read."""
    return {
        "Rows inserted": counts.inserted,
        "Rows updated": counts.updated,
        "Rows unchanged": counts.unchanged,
    }


def run_figures(result: StreamResult, zone: tzinfo = UTC) -> dict[str, object]:
    """What a stream's run cost and read, with nothing shown that did not happen."""
    figures: dict[str, object] = {}
    if result.requests:  # a stream computed in the CRM asks the shop nothing
        figures["Requests to the shop"] = result.requests
        figures["429 answers (throttled)"] = result.throttled
    figures["Duration (s)"] = round(result.seconds, 1)
    window = result.window_text(zone)
    if window:
        figures["Window of shop change times"] = window
    if result.quarantined:
        figures["Records skipped as unreadable"] = result.quarantined
    if result.deleted:
        figures["Customers marked deleted"] = result.deleted
    if result.notes:
        figures["Notes"] = "; ".join(result.notes)
    return figures
