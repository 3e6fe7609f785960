"""The sync lease: one sync at a time per CRM database, across processes and hosts.

The lease is the single row of ``crm_sync_lease``. Taking it is one conditional ``UPDATE … WHERE
owner IS NULL OR expires_at < now OR owner = me`` whose row count says who won: both SQLite
(one writer at a time) and PostgreSQL (row lock, WHERE re-checked after the wait) let exactly one
of two racing processes through. A holder that stops heartbeating loses the lease at expiry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType

from sqlalchemy import ColumnElement, Connection, Engine, or_, select, update

from srpipeline.clock import WallClock, utc_now
from srpipeline.crm.schema import crm_sync_lease


class LeaseHeldError(RuntimeError):
    """Another sync holds the lease."""

    def __init__(self, holder: str, expires_at: datetime) -> None:
        self.holder = holder
        self.expires_at = expires_at
        super().__init__(
            f"Another sync is running ({holder}); its lease expires at {expires_at:%Y-%m-%d %H:%M:%S} UTC "
            f"unless it keeps working. Wait for it to finish."
        )


class LeaseLostError(RuntimeError):
    """The lease expired and was taken over (or released) while we thought we held it."""


@dataclass
class Lease:
    """A held lease; use as a context manager or call ``heartbeat`` / ``release`` yourself."""

    engine: Engine
    owner: str
    ttl: timedelta
    clock: WallClock = field(default=utc_now)
    expires_at: datetime | None = None

    def heartbeat(self) -> None:
        """Extend the lease by ``ttl``; raises ``LeaseLostError`` when someone else holds it now."""
        now = self.clock()
        with self.engine.begin() as conn:
            taken = conn.execute(
                update(crm_sync_lease)
                .where(crm_sync_lease.c.id == 1, crm_sync_lease.c.owner == self.owner)
                .values(heartbeat_at=now, expires_at=now + self.ttl)
            ).rowcount
        if taken != 1:
            raise LeaseLostError(
                f"The sync lease of {self.owner} expired and was taken over by another sync."
            )
        self.expires_at = now + self.ttl

    def release(self) -> None:
        """Free the lease if we still hold it."""
        with self.engine.begin() as conn:
            conn.execute(
                update(crm_sync_lease)
                .where(crm_sync_lease.c.id == 1, crm_sync_lease.c.owner == self.owner)
                .values(owner=None, expires_at=None)
            )

    def __enter__(self) -> Lease:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def acquire(engine: Engine, owner: str, ttl: timedelta, *, clock: WallClock = utc_now) -> Lease:
    """Take the sync lease for ``owner`` (e.g. the run id), or raise ``LeaseHeldError`` naming the
    holder. A lease past its expiry is taken over; the same owner may re-acquire (idempotent)."""
    now = clock()
    free = or_(
        crm_sync_lease.c.owner.is_(None),
        crm_sync_lease.c.expires_at < now,
        crm_sync_lease.c.owner == owner,
    )
    return _claim(engine, owner, ttl, clock, now, free)


def take_over(
    engine: Engine, owner: str, dead_holder: str, ttl: timedelta, *, clock: WallClock = utc_now
) -> Lease:
    """Take the lease from ``dead_holder``, known to be dead (its process is gone), without waiting
    for expiry; raises ``LeaseHeldError`` if meanwhile someone else took it."""
    return _claim(engine, owner, ttl, clock, clock(), crm_sync_lease.c.owner == dead_holder)


def _claim(
    engine: Engine,
    owner: str,
    ttl: timedelta,
    clock: WallClock,
    now: datetime,
    condition: ColumnElement[bool],
) -> Lease:
    """One conditional UPDATE of the lease row; its row count says whether ``owner`` won."""
    with engine.begin() as conn:
        taken = conn.execute(
            update(crm_sync_lease)
            .where(crm_sync_lease.c.id == 1, condition)
            .values(owner=owner, acquired_at=now, heartbeat_at=now, expires_at=now + ttl)
        ).rowcount
        if taken != 1:
            holder = conn.execute(select(crm_sync_lease.c.owner, crm_sync_lease.c.expires_at)).one()
            raise LeaseHeldError(holder.owner, holder.expires_at)
    return Lease(engine, owner, ttl, clock, now + ttl)


def lease_owner(conn: Connection) -> str | None:
    """Who the lease row names as its owner, expired or not (None when free): what a transaction
    about to commit a sync's data checks, in that transaction."""
    return conn.execute(select(crm_sync_lease.c.owner).where(crm_sync_lease.c.id == 1)).scalar()


def lease_holder(engine: Engine, *, clock: WallClock = utc_now) -> str | None:
    """Who holds an unexpired lease now, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(crm_sync_lease.c.owner, crm_sync_lease.c.expires_at)).one()
    return row.owner if row.owner is not None and row.expires_at >= clock() else None
