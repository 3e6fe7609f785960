"""What every stream sync shares: the shop client, the CRM engine, the run's identity, the lease.

``stream_run`` wraps one stream's sync: it checks the one-shop guard and takes the sync lease before
the first request to the shop, writes the ``crm_sync_log`` row, and fills the result's request
counts and duration, whatever way the sync was started (Dagster, CLI, a test). ``fence`` runs in
every transaction that commits shop data.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from srpipeline.clock import WallClock, utc_now
from srpipeline.crm.guard import bind_shop, check_shop
from srpipeline.crm.lease import Lease, LeaseHeldError, LeaseLostError, acquire, lease_owner, take_over
from srpipeline.crm.shop_facts import known_shop_timezone
from srpipeline.crm.state import Trigger, finish_sync_log, start_sync_log
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.records import BadRecord
from srpipeline.sync.cadence import CADENCED_TRIGGERS, reread_reason
from srpipeline.sync.report import ProgressCallback, StreamResult
from srpipeline.sync.windows import DEFAULT_OVERLAP

LEASE_TTL = timedelta(seconds=60)
HEARTBEAT_EVERY = 10.0
#: From this many requests/s on, a shop answers faster than a page loads: read ahead.
UNTHROTTLED_RATE = 20.0

log = logging.getLogger("srpipeline.sync")


class SyncBusyError(RuntimeError):
    """Another sync holds the lease: this one did not start and changed nothing."""


@dataclass
class SyncContext:
    client: ShoprenterClient
    engine: Engine
    run_id: str
    mapping_path: Path
    trigger: Trigger = "manual"
    now: WallClock = utc_now
    progress: ProgressCallback | None = None
    log: logging.Logger = log
    overlap: timedelta = DEFAULT_OVERLAP
    lease_ttl: timedelta = LEASE_TTL
    #: Read the next page while loading this one; None = only when the shop is not throttled.
    read_ahead: bool | None = None
    #: The zone whose days ``StreamResult.by_day`` counts (Dagster's partitions' zone).
    day_zone: tzinfo = UTC
    _lease: Lease | None = field(default=None, init=False, repr=False)
    _lease_depth: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.read_ahead is None:
            self.read_ahead = self.client.config.rate == 0 or self.client.config.rate >= UNTHROTTLED_RATE

    @contextmanager
    def hold_lease(self) -> Iterator[None]:
        """Hold the sync lease (re-entrant), heartbeating it from a thread while the work runs."""
        if self._lease_depth:
            self._lease_depth += 1
            try:
                yield
            finally:
                self._lease_depth -= 1
            return
        lease = self._acquire()
        stop = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(lease, stop), daemon=True, name="lease")
        self._lease, self._lease_depth = lease, 1
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join()
            self._lease, self._lease_depth = None, 0
            lease.release()

    @property
    def lease_owner(self) -> str:
        """The run id with where it runs, so a dead process on this host is recognised as dead."""
        return f"{self.run_id}@{socket.gethostname()}:{os.getpid()}"

    def _acquire(self) -> Lease:
        try:
            return acquire(self.engine, self.lease_owner, self.lease_ttl, clock=self.now)
        except LeaseHeldError as exc:
            if _process_is_gone(exc.holder):
                self.log.warning("Taking over the sync lease of %s: that process is gone.", exc.holder)
                try:
                    return take_over(
                        self.engine, self.lease_owner, exc.holder, self.lease_ttl, clock=self.now
                    )
                except LeaseHeldError as again:
                    exc = again
            raise SyncBusyError(
                f"A sync is already running ({exc.holder}); this one did not start. "
                "Wait for it to finish, or follow it with `srpipeline status`."
            ) from exc

    def _heartbeat(self, lease: Lease, stop: threading.Event) -> None:
        while not stop.wait(HEARTBEAT_EVERY):
            try:
                lease.heartbeat()
            except LeaseLostError:
                self.log.error("The sync lease of %s was lost; the next page will not commit.", self.run_id)
                return

    def fence(self, conn: Connection) -> None:
        """Run in every transaction that writes shop data: refuse to commit unless this run still
        holds the lease, and bind the CRM to this shop with the first data it commits (not before:
        a first sync against a mistyped URL must not bind the CRM to it)."""
        owner = lease_owner(conn)
        if owner != self.lease_owner:
            raise LeaseLostError(
                f"The sync lease of {self.run_id} was taken over by {owner}; stopping without committing."
            )
        bind_shop(conn, self.client.config.normalized_url, now=self.now())

    def adopt_kept_timezone(self, conn: Connection) -> None:
        """In a probe's sync, take the shop's time zone the CRM kept with statuses read within the
        hour, instead of asking the shop again (cadence.py)."""
        if self.trigger not in CADENCED_TRIGGERS or reread_reason(conn, "order_statuses", now=self.now()):
            return
        name = known_shop_timezone(conn)
        if name is not None:
            self.client.adopt_timezone(ZoneInfo(name))

    def quarantine(self, stream: str, bad: list[BadRecord], result: StreamResult) -> None:
        """Log records that could not be parsed, by id, and count them; the rest of the page loads."""
        for record in bad:
            self.log.warning("%s: skipped %s %s: %s", stream, record.resource, record.sr_id, record.reason)
        result.quarantined += len(bad)


def _process_is_gone(owner: str) -> bool:
    """True when ``owner`` (``run@host:pid``) ran on this host and its process no longer exists."""
    _, _, where = owner.rpartition("@")
    host, _, pid = where.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@contextmanager
def stream_run(ctx: SyncContext, stream: str) -> Iterator[StreamResult]:
    """One stream's sync: guard and lease first, then the work, then its log row and figures."""
    result = StreamResult(stream=stream)
    started = time.monotonic()
    before = ctx.client.stats.snapshot()
    with ctx.hold_lease():
        with ctx.engine.begin() as conn:
            check_shop(conn, ctx.client.config.normalized_url)
            log_id = start_sync_log(conn, ctx.run_id, stream, ctx.trigger, now=ctx.now())
            ctx.adopt_kept_timezone(conn)
        error: str | None = None
        try:
            yield result
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            after = ctx.client.stats.snapshot()
            result.requests = after["requests"] - before["requests"]
            result.throttled = after["throttled"] - before["throttled"]
            result.seconds = time.monotonic() - started
            with ctx.engine.begin() as conn:
                finish_sync_log(
                    conn,
                    log_id,
                    "failed" if error else "success",
                    now=ctx.now(),
                    counts=result.counts,
                    requests=result.requests,
                    throttled=result.throttled,
                    error=error,
                )
    ctx.log.info(result.summary(ctx.day_zone))
