"""The orders stream: the shop's orders by keyset, each page loaded with its storno marks.

Which orders are storno is the client's to find out (``ShoprenterClient.order_pages``): each page
says which of its orders are storno, and every order of the page is marked one way or the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from srpipeline.crm.order_tables import changed_at, load_orders, mark_storno
from srpipeline.shoprenter.paging import RecordPage, Window
from srpipeline.shoprenter.records import Order
from srpipeline.sync.context import SyncContext, stream_run
from srpipeline.sync.report import StreamResult
from srpipeline.sync.windowed_stream import WindowedStream, sync_windows

STREAM = "orders"


def sync_orders(
    ctx: SyncContext,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    full_refresh: bool = False,
) -> StreamResult:
    """Sync the orders changed in ``[start, end)`` (None: from the beginning / up to now)."""

    def read(window: Window, resume: dict[str, Any] | None) -> Iterator[RecordPage[Order]]:
        return ctx.client.order_pages(window, inner_id_min=int(resume["inner_id_min"]) if resume else 0)

    def load(conn: Connection, page: RecordPage[Order], result: StreamResult) -> None:
        result.add(load_orders(conn, page.records, now=ctx.now()), changed_at, ctx.day_zone)
        inner_ids = [order.inner_id for order in page.records]
        mark_storno(conn, [i for i in inner_ids if i in page.storno_inner_ids], is_storno=True)
        mark_storno(conn, [i for i in inner_ids if i not in page.storno_inner_ids], is_storno=False)

    stream = WindowedStream(
        STREAM, read, load, position=lambda page: {"inner_id_min": page.next_inner_id_min}
    )
    with stream_run(ctx, STREAM) as result:
        sync_windows(ctx, stream, result, start=start, end=end, full_refresh=full_refresh)
    return result
