"""Facts of the bound shop that the CRM keeps between syncs: its time zone, read with its statuses."""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from srpipeline.crm.schema import crm_shop_connection


def remember_shop_timezone(conn: Connection, name: str) -> None:
    conn.execute(update(crm_shop_connection).values(shop_timezone=name))


def known_shop_timezone(conn: Connection) -> str | None:
    """The shop's ``config_timezone`` as last read, None before the first read of its statuses."""
    return conn.execute(select(crm_shop_connection.c.shop_timezone)).scalar_one_or_none()
