"""The small streams read whole: order statuses (with the status mapping) and coupons.

They have no change filter, and a whole read costs a few requests, so there is no window here; a
probe's sync reads them only when due (cadence.py). What the shop no longer lists is marked
inactive / deleted by the loaders, never deleted.
"""

from __future__ import annotations

from srpipeline.crm.mapping import add_new_statuses, load_mapping, read_mapping, remap_orders
from srpipeline.crm.segments import refresh_segments
from srpipeline.crm.shop_facts import remember_shop_timezone
from srpipeline.crm.state import save_sync_state
from srpipeline.crm.status_coupon_tables import load_coupons, load_statuses
from srpipeline.sync.cadence import skip_text
from srpipeline.sync.context import SyncContext, stream_run
from srpipeline.sync.report import StreamResult


def sync_order_statuses(ctx: SyncContext) -> StreamResult:
    """Load the shop's statuses, add new ones to the mapping file (with a suggestion), load the
    mapping and re-map stored orders in SQL, without re-reading any order. The shop's time zone
    is read and kept with them."""
    skipped = _read_recently(ctx, "order_statuses")
    if skipped is not None:
        return skipped
    with stream_run(ctx, "order_statuses") as result:
        read_at = ctx.now()
        tz = ctx.client.shop_timezone()
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
            remember_shop_timezone(conn, tz.key)
            save_sync_state(conn, result.stream, synced_until=read_at, checkpoint=None, now=ctx.now())
        if remapped:
            result.notes.append(f"{remapped} stored orders re-mapped")
    return result


def sync_coupons(ctx: SyncContext) -> StreamResult:
    """Load the shop's whole coupon list; coupons it no longer lists get ``deleted_at``."""
    skipped = _read_recently(ctx, "coupons")
    if skipped is not None:
        return skipped
    with stream_run(ctx, "coupons") as result:
        read_at = ctx.now()
        parsed = ctx.client.coupons()
        ctx.quarantine(result.stream, parsed.bad, result)
        with ctx.engine.begin() as conn:
            ctx.fence(conn)
            result.counts += load_coupons(conn, parsed.records, now=ctx.now())
            save_sync_state(conn, result.stream, synced_until=read_at, checkpoint=None, now=ctx.now())
    return result


def _read_recently(ctx: SyncContext, stream: str) -> StreamResult | None:
    """A result that says why ``stream`` is not read again (a probe's sync, not due), else None."""
    with ctx.engine.connect() as conn:
        text = skip_text(conn, stream, ctx.trigger, now=ctx.now())
    if text is None:
        return None
    ctx.log.info(text)
    return StreamResult(stream=stream, skipped=text)


def sync_segments(ctx: SyncContext) -> StreamResult:
    """Recompute every webshop card's segment and aggregates as of now (two set-based statements;
    cheaper than working out which cards the last pages touched); counts the cards that changed."""
    with stream_run(ctx, "segments") as result, ctx.engine.begin() as conn:
        ctx.fence(conn)
        result.counts = refresh_segments(conn, as_of=ctx.now())
    return result
