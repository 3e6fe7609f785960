"""A complete sync: every stream, everything not synced yet, under one lease (`sync --now`)."""

from __future__ import annotations

from srpipeline.sync.context import SyncContext
from srpipeline.sync.customer_stream import sync_customers
from srpipeline.sync.order_stream import sync_orders
from srpipeline.sync.report import StreamResult
from srpipeline.sync.whole_streams import sync_coupons, sync_order_statuses, sync_segments


def sync_everything(
    ctx: SyncContext, *, full_refresh: bool = False, reconcile: bool | None = None
) -> list[StreamResult]:
    """Statuses and coupons first (orders refer to them), then customers, orders, and segments."""
    with ctx.hold_lease():
        return [
            sync_order_statuses(ctx),
            sync_coupons(ctx),
            sync_customers(ctx, full_refresh=full_refresh, reconcile=reconcile),
            sync_orders(ctx, full_refresh=full_refresh),
            sync_segments(ctx),
        ]
