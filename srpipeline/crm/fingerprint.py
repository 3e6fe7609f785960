"""A fingerprint of a small CRM table's content, for Dagster's data version of an asset read whole:
unchanged content keeps the version, so Dagster does not mark downstream partitions unsynced.
And the table's row count, for the asset's ``dagster/row_count`` when the table was not read again."""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, Table, func, select

#: When a sync last touched a row: not content.
TOUCH_COLUMNS = frozenset({"synced_at", "mapped_at"})


def table_fingerprint(conn: Connection, table: Table) -> str:
    """A short hash of every row's content, in primary-key order."""
    columns = [column for column in table.columns if column.name not in TOUCH_COLUMNS]
    rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
    return hashlib.sha1(repr(rows).encode(), usedforsecurity=False).hexdigest()[:16]


def row_count(conn: Connection, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()
