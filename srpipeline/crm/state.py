"""Sync bookkeeping: per-stream state and checkpoints, the Sync button's queue, the sync log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, insert, select, update

from srpipeline.clock import WallClock, utc_now
from srpipeline.crm.schema import crm_sync_log, crm_sync_requests, crm_sync_state
from srpipeline.crm.upsert import LoadCounts, upsert

Trigger = Literal["manual", "schedule", "backfill", "ui", "probe"]

#: Every stream a sync runs, in the order it runs them (orders refer to statuses and coupons;
#: segments are computed from customers and orders).
STREAMS = ("order_statuses", "coupons", "customers", "orders", "segments")
#: The streams read by change day (Dagster partitions them); a sync starts at the earliest day
#: either of them has not completed.
PARTITIONED_STREAMS = ("customers", "orders")


@dataclass(frozen=True, slots=True)
class SyncState:
    """``synced_until``: everything the shop changed before it is in the CRM.
    ``checkpoint``: where an unfinished window resumes (None when no window is open)."""

    synced_until: datetime | None
    checkpoint: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class SyncRequest:
    id: int
    requested_at: datetime
    requested_by: str | None


def get_sync_state(conn: Connection, stream: str) -> SyncState | None:
    row = conn.execute(
        select(crm_sync_state.c.synced_until, crm_sync_state.c.checkpoint).where(
            crm_sync_state.c.stream == stream
        )
    ).one_or_none()
    return None if row is None else SyncState(row.synced_until, row.checkpoint)


def save_sync_state(
    conn: Connection,
    stream: str,
    *,
    synced_until: datetime | None,
    checkpoint: dict[str, Any] | None,
    now: datetime,
) -> None:
    """Save a stream's state; run it in the transaction that loads the page it describes."""
    conn.execute(
        upsert(conn, crm_sync_state, ["stream"], ["synced_until", "checkpoint", "updated_at"]),
        {
            "stream": stream,
            "synced_until": synced_until,
            "checkpoint": checkpoint,
            "updated_at": now,
        },
    )


def request_sync(engine: Engine, requested_by: str | None, *, clock: WallClock = utc_now) -> int:
    """Press the Sync button (CLI or UI): queue a request for the sensor; returns the request id."""
    with engine.begin() as conn:
        return conn.execute(
            insert(crm_sync_requests).values(requested_at=clock(), requested_by=requested_by)
        ).inserted_primary_key[0]


def pending_sync_requests(conn: Connection) -> list[SyncRequest]:
    rows = conn.execute(
        select(crm_sync_requests.c.id, crm_sync_requests.c.requested_at, crm_sync_requests.c.requested_by)
        .where(crm_sync_requests.c.consumed_at.is_(None))
        .order_by(crm_sync_requests.c.id)
    )
    return [SyncRequest(*row) for row in rows]


def consume_sync_requests(conn: Connection, ids: Sequence[int], run_id: str, *, now: datetime) -> int:
    """Mark requests as served by ``run_id``; returns how many were still pending."""
    if not ids:
        return 0
    return conn.execute(
        update(crm_sync_requests)
        .where(crm_sync_requests.c.id.in_(ids), crm_sync_requests.c.consumed_at.is_(None))
        .values(consumed_at=now, run_id=run_id)
    ).rowcount


def request_run_id(conn: Connection, request_id: int) -> str | None:
    """The id of the run that served Sync request ``request_id``, None while it waits; raises
    ``LookupError`` when there is no such request."""
    row = conn.execute(
        select(crm_sync_requests.c.run_id).where(crm_sync_requests.c.id == request_id)
    ).one_or_none()
    if row is None:
        raise LookupError(f"Sync request {request_id} does not exist in this CRM database")
    return row.run_id


def start_sync_log(
    conn: Connection, run_id: str | None, stream: str, trigger: Trigger, *, now: datetime
) -> int:
    """Open a ``running`` sync log row; returns its id."""
    return conn.execute(
        insert(crm_sync_log).values(
            run_id=run_id, stream=stream, trigger=trigger, started_at=now, status="running"
        )
    ).inserted_primary_key[0]


def finish_sync_log(
    conn: Connection,
    log_id: int,
    status: Literal["success", "failed"],
    *,
    now: datetime,
    counts: LoadCounts = LoadCounts(),  # noqa: B008 - immutable
    requests: int = 0,
    throttled: int = 0,
    error: str | None = None,
) -> None:
    conn.execute(
        update(crm_sync_log)
        .where(crm_sync_log.c.id == log_id)
        .values(
            finished_at=now,
            status=status,
            requests=requests,
            throttled=throttled,
            rows_inserted=counts.inserted,
            rows_updated=counts.updated,
            rows_unchanged=counts.unchanged,
            error=error,
        )
    )
