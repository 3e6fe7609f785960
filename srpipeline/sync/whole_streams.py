"""The small streams read whole on every sync: order statuses (with the status mapping) and coupons.

They have no change filter, and a whole read costs a request or two, so there is no window here.
What the shop no longer lists is marked inactive / deleted by the loaders, never deleted.
"""

from __future__ import annotations

from srpipeline.crm.mapping import add_new_statuses, load_mapping, read_mapping, remap_orders
from srpipeline.crm.segments import refresh_segments
from srpipeline.crm.status_coupon_tables import load_coupons, load_statuses
from srpipeline.sync.context import SyncContext, stream_run
from srpipeline.sync.report import StreamResult


def sync_order_statuses(ctx: SyncContext) -> StreamResult:
    """Load the shop's statuses, add new ones to the mapping file (with a suggestion), load the
    mapping and re-map stored orders in SQL, without re-reading any order."""
    with stream_run(ctx, "order_statuses") as result:
        parsed = ctx.client.order_statuses()
        ctx.quarantine(result.stream, parsed.bad, result)
        added = add_new_statuses(ctx.mapping_path, parsed.records)
        for status in added:
            ctx.log.info(
                "order_statuses: new shop status %s (%s) added to %s: review its mapping",
                status.inner_id,
                status.name,
                ctx.mapping_path,
            )
        with ctx.engine.begin() as conn:
            ctx.fence(conn)
            result.counts += load_statuses(conn, parsed.records, now=ctx.now())
            load_mapping(conn, read_mapping(ctx.mapping_path), now=ctx.now())
            remapped = remap_orders(conn)
        if remapped:
            result.notes.append(f"{remapped} stored orders re-mapped")
    return result


def sync_coupons(ctx: SyncContext) -> StreamResult:
    """Load the shop's whole coupon list; coupons it no longer lists get ``deleted_at``."""
    with stream_run(ctx, "coupons") as result:
        parsed = ctx.client.coupons()
        ctx.quarantine(result.stream, parsed.bad, result)
        with ctx.engine.begin() as conn:
            ctx.fence(conn)
            result.counts += load_coupons(conn, parsed.records, now=ctx.now())
    return result


def sync_segments(ctx: SyncContext) -> StreamResult:
    """Recompute every webshop card's segment and aggregates as of now (two set-based statements;
    cheaper than working out which cards the last pages touched); counts the cards that changed."""
    with stream_run(ctx, "segments") as result, ctx.engine.begin() as conn:
        ctx.fence(conn)
        result.counts = refresh_segments(conn, as_of=ctx.now())
    return result
