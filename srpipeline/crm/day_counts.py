"""How many rows the CRM holds per day of their shop change time: what a daily partition contains."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, tzinfo

from sqlalchemy import Column, Connection, func, select


def rows_by_change_day(
    conn: Connection, changed_at: Column, zone: tzinfo, *, start: datetime | None, end: datetime
) -> Counter[date]:
    """Rows whose ``changed_at`` lies in ``[start, end)`` (open at the bottom when ``start`` is None),
    counted by its day in ``zone``. Days are bucketed here, not in SQL, so DST is the zone's own."""
    query = select(changed_at).where(changed_at < end)
    if start is not None:
        query = query.where(changed_at >= start)
    return Counter(moment.astimezone(zone).date() for moment in conn.execute(query).scalars())


def rows_with_change_time(conn: Connection, changed_at: Column) -> int:
    """All rows that belong to some day (guests, with no shop change time, belong to none)."""
    return conn.execute(select(func.count()).where(changed_at.is_not(None))).scalar_one()
