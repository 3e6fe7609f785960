"""A fingerprint of a small CRM table's content, for Dagster's data version of an asset read whole:
unchanged content keeps the version, so Dagster does not mark downstream partitions unsynced."""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, Table, select

#: When a sync last touched a row: not content.
TOUCH_COLUMNS = frozenset({"synced_at", "mapped_at"})


def table_fingerprint(conn: Connection, table: Table) -> str:
    """A short hash of every row's content, in primary-key order."""
    columns = [column for column in table.columns if column.name not in TOUCH_COLUMNS]
    rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
    return hashlib.sha1(repr(rows).encode(), usedforsecurity=False).hexdigest()[:16]
