"""When the shop's small lists are read again: order statuses and coupons (the time zone comes with
the statuses).

A sync a person starts (Sync button, CLI, a UI materialization) and the dawn run read them whole, as
the original integration does. A sync the change probe starts (trigger ``probe``, every few minutes
on a busy shop) reads them only when due: hourly, or sooner when an order came in naming a status or
coupon the CRM does not know. So a probe's sync after one changed order costs a handful of requests.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection

from srpipeline.crm.state import Trigger, get_sync_state
from srpipeline.crm.status_coupon_tables import orders_naming_unknown_coupons, orders_naming_unknown_statuses
from srpipeline.wording import counted

#: How old the CRM's copy of the statuses and coupons may get before a probe's sync reads them again.
LISTS_EVERY = timedelta(hours=1)
#: The triggers whose syncs keep to the cadence: the automatic, frequent ones.
CADENCED_TRIGGERS: frozenset[Trigger] = frozenset({"probe"})
#: The lists, with how to count the orders written since a read that name one the CRM does not know.
LISTS: dict[str, tuple[str, Callable[..., int]]] = {
    "order_statuses": ("status", orders_naming_unknown_statuses),
    "coupons": ("coupon", orders_naming_unknown_coupons),
}


def last_read(conn: Connection, stream: str) -> datetime | None:
    """When ``stream``'s list was last read whole from the shop (its state's ``synced_until``)."""
    state = get_sync_state(conn, stream)
    return state.synced_until if state else None


def reread_reason(conn: Connection, stream: str, *, now: datetime) -> str | None:
    """Why the list ``stream`` must be read from the shop now; None while the CRM's copy will do."""
    read_at = last_read(conn, stream)
    if read_at is None:
        return "never read"
    if now - read_at >= LISTS_EVERY:
        return f"last read {(now - read_at) // timedelta(minutes=1)} min ago"
    noun, unknown_since = LISTS[stream]
    unknown = unknown_since(conn, since=read_at)
    if unknown:
        return f"{counted(unknown, 'order names a ' + noun, 'orders name a ' + noun)} the CRM does not know"
    return None


def lists_due(conn: Connection, *, now: datetime) -> dict[str, str]:
    """The lists a probe's sync would read, with why."""
    return {stream: reason for stream in LISTS if (reason := reread_reason(conn, stream, now=now))}


def skip_text(conn: Connection, stream: str, trigger: Trigger, *, now: datetime) -> str | None:
    """Why a sync started by ``trigger`` leaves the list ``stream`` as the CRM holds it (its log
    line); None when the sync must read it."""
    if trigger not in CADENCED_TRIGGERS or reread_reason(conn, stream, now=now) is not None:
        return None
    minutes = (now - last_read(conn, stream)) // timedelta(minutes=1)  # type: ignore[operator]
    return (
        f"{stream}: not read again (read {minutes} min ago; read hourly, at dawn, on a Sync press, "
        f"or when an order names a {LISTS[stream][0]} the CRM does not know)"
    )
