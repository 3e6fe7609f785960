"""The orders stream: ``/orderExtend`` by keyset, 200 whole orders (lines, totals, coupon) a request.

Storno orders have no marker in the data: they are the orders that vanish when ``excludeStorno=1``
is added. Each full page is paired with an id-only read of the same keyset position with
``excludeStorno=1``, taken just *before* it: nothing can enter a frozen window, and an order made
storno in between changes, so it leaves the window and is not in the full page either. Pairing per
page keeps the cost at one id-only read of the window and keeps a crash's loss at one page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from srpipeline.crm.order_tables import load_orders, mark_storno
from srpipeline.shoprenter.paging import ListPage, Window
from srpipeline.shoprenter.parse import parse_order, parse_page
from srpipeline.shoprenter.records import Order, Parsed
from srpipeline.sync.context import SyncContext, stream_run
from srpipeline.sync.report import StreamResult
from srpipeline.sync.windowed_stream import WindowedStream, sync_windows

STREAM = "orders"
RESOURCE = "orderExtend"
#: Abandoned carts are not orders (crm-model.md): the shop leaves them out of both reads.
FILTERS = {"excludeAbandonedCart": 1}


def sync_orders(
    ctx: SyncContext,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    full_refresh: bool = False,
) -> StreamResult:
    """Sync the orders changed in ``[start, end)`` (None: from the beginning / up to now)."""

    def read(window: Window, resume: dict[str, Any] | None) -> Iterator[ListPage]:
        start_at = int(resume["inner_id_min"]) if resume else 0
        return ctx.client.iter_keyset(
            RESOURCE,
            window=window,
            params=FILTERS,
            start_inner_id_min=start_at,
            companion={"excludeStorno": 1},
        )

    def parse(page: ListPage) -> Parsed[Order]:
        tz = ctx.client.shop_timezone()
        return parse_page(page.items, lambda raw: parse_order(raw, tz), RESOURCE)

    def load(conn: Connection, page: ListPage, parsed: Parsed[Order], result: StreamResult) -> None:
        ctx.quarantine(STREAM, parsed.bad, result)
        result.counts += load_orders(conn, parsed.records, now=ctx.now())
        kept = page.companion_ids or frozenset()
        storno = [order.inner_id for order in parsed.records if order.sr_id not in kept]
        alive = [order.inner_id for order in parsed.records if order.sr_id in kept]
        mark_storno(conn, storno, is_storno=True)
        mark_storno(conn, alive, is_storno=False)

    stream = WindowedStream(
        STREAM, read, parse, load, position=lambda page: {"inner_id_min": page.next_inner_id_min}
    )
    with stream_run(ctx, STREAM) as result:
        sync_windows(ctx, stream, result, start=start, end=end, full_refresh=full_refresh)
    return result
