"""The windowed streams (orders, customers): read a window page by page, commit each page with its
checkpoint, resume an unfinished window, and move ``synced_until`` when a window completes.

Orders page by keyset (``innerIdMin``); customers in reverse page order (they have no keyset
filter). Either way a row that leaves the frozen window mid-read cannot make another row skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine

from srpipeline.crm.state import SyncState, get_sync_state, save_sync_state
from srpipeline.shoprenter.paging import RecordPage, Window
from srpipeline.sync.context import SyncContext
from srpipeline.sync.report import ProgressMeter, StreamResult
from srpipeline.sync.windows import completed_until, next_window

T = TypeVar("T")
#: Reads the typed pages of ``window`` from ``resume`` (a checkpoint's position, None = the start).
PageReader = Callable[[Window, dict[str, Any] | None], Iterator[RecordPage[Any]]]
#: Loads one page's records in the caller's transaction and adds to the result.
PageLoader = Callable[[Connection, RecordPage[Any], StreamResult], None]


@dataclass(frozen=True)
class WindowedStream:
    """How one windowed stream reads and loads; ``position`` turns a page into its resume point."""

    name: str
    read: PageReader
    load: PageLoader
    position: Callable[[RecordPage[Any]], dict[str, Any]]


def sync_windows(
    ctx: SyncContext,
    stream: WindowedStream,
    result: StreamResult,
    *,
    start: datetime | None,
    end: datetime | None,
    full_refresh: bool,
) -> None:
    """Finish the window a previous run left open, then read what is not synced yet in the range."""
    state = _state(ctx.engine, stream.name)
    checkpoint = state.checkpoint if state else None
    synced_until = state.synced_until if state else None
    if checkpoint and not full_refresh:
        window = Window.from_json(checkpoint["window"])
        ctx.log.info("%s: resuming the window left open at %s", stream.name, checkpoint["position"])
        synced_until = _read_window(ctx, stream, result, window, synced_until, checkpoint["position"])
    window = next_window(
        start=start,
        end=end,
        now=ctx.now(),
        synced_until=synced_until,
        full_refresh=full_refresh,
        overlap=ctx.overlap,
    )
    if window is not None:
        _read_window(ctx, stream, result, window, synced_until, None)


def _state(engine: Engine, stream: str) -> SyncState | None:
    with engine.connect() as conn:
        return get_sync_state(conn, stream)


def _read_window(
    ctx: SyncContext,
    stream: WindowedStream,
    result: StreamResult,
    window: Window,
    synced_until: datetime | None,
    resume: dict[str, Any] | None,
) -> datetime | None:
    """Read one frozen window to its end; returns the new ``synced_until``."""
    result.window_lo = window.lo if result.window_hi is None else result.window_lo
    result.window_hi = window.hi
    meter = ProgressMeter(stream.name, ctx.progress)
    before = ctx.client.stats.requests
    pages = stream.read(window, resume)
    for page in read_ahead(pages) if ctx.read_ahead else pages:
        with ctx.engine.begin() as conn:
            ctx.fence(conn)
            ctx.quarantine(stream.name, page.bad, result)
            stream.load(conn, page, result)
            if page.last:
                synced_until = completed_until(window, synced_until)
                checkpoint = None
            else:
                checkpoint = {"window": window.to_json(), "position": stream.position(page)}
            save_sync_state(
                conn, stream.name, synced_until=synced_until, checkpoint=checkpoint, now=ctx.now()
            )
        meter.page(page.rows, ctx.client.stats.requests - before, page.pages_left, final=page.last)
    return synced_until


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """Fetch (and parse) the next page in a thread while the caller loads this one.

    Used only when the shop is not throttled: at the shop's rate limit the wait for the next request
    slot is longer than a page's load, so reading ahead would gain nothing and a crash would cost one
    more page of requests.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        upcoming = pool.submit(next, items, None)
        while (item := upcoming.result()) is not None:
            upcoming = pool.submit(next, items, None)
            yield item


def first_incomplete_day(engine: Engine, stream: str, tz: tzinfo) -> date | None:
    """The shop-local day from which ``stream`` is not known complete; None before the first sync."""
    state = _state(engine, stream)
    if state is None or state.synced_until is None:
        return None
    return state.synced_until.astimezone(tz).date()
