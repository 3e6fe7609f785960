"""The customers stream: ``/customers`` in reverse page order, and the daily deletion check.

The shop hard-deletes customers and keeps no tombstones, so deletions are found by comparing the
shop's customer ids (an id-only read, 200 a request) with the CRM's. That read costs
``customers / 200`` requests, so it runs once a day (the first sync after 03:00 shop time, or when
the last check is older than 24 hours) or when asked, never on every manual sync.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection

from srpipeline.crm.customer_tables import (
    customer_changed_at,
    has_shop_customers,
    live_customer_ids,
    load_customers,
    mark_customers_deleted,
)
from srpipeline.crm.state import get_sync_state, save_sync_state
from srpipeline.shoprenter.paging import RecordPage, ReverseCursor, Window
from srpipeline.shoprenter.records import Customer
from srpipeline.sync.context import SyncContext, stream_run
from srpipeline.sync.report import StreamResult
from srpipeline.sync.windowed_stream import WindowedStream, sync_windows

STREAM = "customers"
RECONCILE_STREAM = "customers.reconcile"
RECONCILE_AT = time(3, 0)


def sync_customers(
    ctx: SyncContext,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    full_refresh: bool = False,
    reconcile: bool | None = None,
) -> StreamResult:
    """Sync the customers changed in ``[start, end)``; ``reconcile`` None = when due, True = now."""

    def read(window: Window, resume: dict[str, Any] | None) -> Iterator[RecordPage[Customer]]:
        return ctx.client.customer_pages(window, resume=ReverseCursor.from_json(resume) if resume else None)

    def load(conn: Connection, page: RecordPage[Customer], result: StreamResult) -> None:
        result.add(load_customers(conn, page.records, now=ctx.now()), customer_changed_at, ctx.day_zone)

    stream = WindowedStream(STREAM, read, load, position=lambda page: page.resume.to_json())
    with stream_run(ctx, STREAM) as result:
        checked_at = ctx.now()
        first_sync = not _has_customers(ctx)
        due = bool(reconcile) or (reconcile is None and not first_sync and _reconcile_due(ctx))
        sync_windows(ctx, stream, result, start=start, end=end, full_refresh=full_refresh)
        if due:
            result.deleted = _reconcile_deletions(ctx)
        elif first_sync:  # the CRM had nobody to lose: the first read counts as today's check
            with ctx.engine.begin() as conn:
                save_sync_state(
                    conn, RECONCILE_STREAM, synced_until=checked_at, checkpoint=None, now=checked_at
                )
    return result


def _has_customers(ctx: SyncContext) -> bool:
    with ctx.engine.connect() as conn:
        return has_shop_customers(conn)


def _reconcile_due(ctx: SyncContext) -> bool:
    """Due once a day: when the last check is before today's 03:00 (shop time) and it is past 03:00,
    or when the last check is older than 24 hours."""
    now = ctx.now()
    with ctx.engine.connect() as conn:
        state = get_sync_state(conn, RECONCILE_STREAM)
    last = state.synced_until if state else None
    if last is None or now - last > timedelta(hours=24):
        return True
    tz = ctx.client.shop_timezone()
    local_now = now.astimezone(tz)
    todays_mark = datetime.combine(local_now.date(), RECONCILE_AT, tzinfo=tz)
    return local_now >= todays_mark and last < todays_mark


def _reconcile_deletions(ctx: SyncContext) -> int:
    """Mark the CRM customers the shop no longer lists; returns how many were newly marked."""
    checked_at = ctx.now()
    shop_ids = ctx.client.customer_ids()
    with ctx.engine.begin() as conn:
        ctx.fence(conn)
        gone = [inner_id for sr_id, inner_id in live_customer_ids(conn) if sr_id not in shop_ids]
        marked = mark_customers_deleted(conn, gone, now=checked_at)
        save_sync_state(conn, RECONCILE_STREAM, synced_until=checked_at, checkpoint=None, now=checked_at)
    ctx.log.info("customers: deletion check found %d customers gone from the shop", marked)
    return marked
