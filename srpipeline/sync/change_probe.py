"""The change probe: has the shop changed anything since the CRM was complete?

One id-only request for one item per windowed stream (``updatedAtMin`` = where the CRM is complete),
orders first, so an idle shop costs 2 requests a probe and a busy one 1. No request at all when the
answer is known without the shop: a window left open by a crash (resume it), the hourly re-read of
statuses and coupons (cadence.py), or a CRM never synced (the first sync is the user's, after they
mapped the statuses). Dagster's sensor decides *when* to probe; this decides *whether* to sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from srpipeline.crm.shop_facts import known_shop_timezone
from srpipeline.crm.state import PARTITIONED_STREAMS, SyncState, get_sync_state
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.paging import Window
from srpipeline.sync.cadence import lists_due

#: Asked in this order, and no further once one has changed: orders change most often.
PROBE_ORDER = ("orders", "customers")
NEVER_SYNCED = "the CRM was never synced: map the shop's statuses, then press Sync once"


@dataclass(frozen=True)
class ProbeOutcome:
    """Whether to launch a sync, what the probe saw (one line, for its tick and the run's tag), and
    how many requests it cost."""

    launch: bool
    saw: str
    requests: int = 0


def probe_changes(client: ShoprenterClient, engine: Engine, *, now: datetime) -> ProbeOutcome:
    """Ask the shop (or the CRM) whether a sync has anything to do now."""
    with engine.connect() as conn:
        states = {stream: get_sync_state(conn, stream) for stream in PARTITIONED_STREAMS}
        due = lists_due(conn, now=now)
        zone_name = known_shop_timezone(conn)
    open_windows = [stream for stream, state in states.items() if state and state.checkpoint]
    if open_windows:
        return ProbeOutcome(
            True, f"{', '.join(open_windows)}: a window left open by a stopped sync; resuming it"
        )
    if any(state is None or state.synced_until is None for state in states.values()):
        return ProbeOutcome(False, NEVER_SYNCED)
    if due:
        return ProbeOutcome(True, "; ".join(f"{stream}: {reason}" for stream, reason in due.items()))
    before = client.stats.requests
    zone = ZoneInfo(zone_name) if zone_name else client.shop_timezone()
    client.adopt_timezone(zone)
    for stream in PROBE_ORDER:
        since = _synced_until(states[stream])
        if since < now and client.changed_in(stream, Window(lo=since, hi=now)):
            spent = client.stats.requests - before
            return ProbeOutcome(True, f"{stream} changed since {_local(since, zone)}", spent)
    oldest = min(_synced_until(state) for state in states.values())
    return ProbeOutcome(
        False, f"nothing changed since {_local(oldest, zone)}", client.stats.requests - before
    )


def _synced_until(state: SyncState | None) -> datetime:
    assert state is not None and state.synced_until is not None  # checked by probe_changes
    return state.synced_until


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M:%S} ({zone.key})"
