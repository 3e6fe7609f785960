"""What `srpipeline status` shows: per stream, the last sync, its rows, the lag behind the shop and
the last error, read from ``crm_sync_log`` and ``crm_sync_state``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select

from srpipeline.crm.schema import crm_sync_log, crm_sync_state
from srpipeline.crm.state import STREAMS


@dataclass(frozen=True)
class StreamStatus:
    stream: str
    last_finished: datetime | None
    last_status: str | None
    last_changed: int  # rows inserted or updated by the last sync
    last_read: int  # rows it read (changed or not)
    synced_until: datetime | None
    lag: timedelta | None
    last_error: str | None

    def describe(self) -> str:
        if self.last_finished is None:
            return f"{self.stream:<15} never synced"
        lag = f", lag {_duration(self.lag)}" if self.lag is not None else ""
        error = f", last error: {self.last_error}" if self.last_error else ""
        return (
            f"{self.stream:<15} last sync {self.last_finished:%Y-%m-%d %H:%M:%S} UTC ({self.last_status}), "
            f"{self.last_changed} rows changed of {self.last_read} read{lag}{error}"
        )


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def stream_statuses(engine: Engine, *, now: datetime) -> list[StreamStatus]:
    """One line per stream from ``crm_sync_log`` and ``crm_sync_state``."""
    log = crm_sync_log.c
    with engine.connect() as conn:
        latest = (
            select(log.stream, func.max(log.id).label("id"))
            .where(log.finished_at.is_not(None))
            .group_by(log.stream)
        ).subquery()
        rows = {
            row.stream: row for row in conn.execute(select(crm_sync_log).join(latest, latest.c.id == log.id))
        }
        errors = dict(
            conn.execute(
                select(log.stream, log.error).where(
                    log.id.in_(select(func.max(log.id)).where(log.error.is_not(None)).group_by(log.stream))
                )
            ).all()
        )
        until = dict(conn.execute(select(crm_sync_state.c.stream, crm_sync_state.c.synced_until)).all())
    statuses = []
    for stream in STREAMS:
        row = rows.get(stream)
        synced = until.get(stream)
        statuses.append(
            StreamStatus(
                stream=stream,
                last_finished=row.finished_at if row else None,
                last_status=row.status if row else None,
                last_changed=(row.rows_inserted + row.rows_updated) if row else 0,
                last_read=(row.rows_inserted + row.rows_updated + row.rows_unchanged) if row else 0,
                synced_until=synced,
                lag=now - synced if synced else None,
                last_error=errors.get(stream),
            )
        )
    return statuses
