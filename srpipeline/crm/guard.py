"""One shop per CRM: binding to the first shop synced, refusing another, and disconnecting.

``disconnect`` deletes what came from the shop: orders with their items and coupons, coupons,
webshop cards, ``source='shoprenter'`` contacts, shop statuses, the status mapping, the sync
state and the binding. It keeps what belongs to the CRM itself or records history: the modules,
the Orders statuses, contacts of other sources, the sync log and the Sync button's requests.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Engine, delete, select, update

from srpipeline.crm.contacts import SOURCE
from srpipeline.crm.schema import (
    crm_contacts,
    crm_coupons,
    crm_order_coupons,
    crm_order_items,
    crm_orders,
    crm_shop_connection,
    crm_status_mapping,
    crm_sync_state,
    crm_webshop_cards,
    sr_order_statuses,
)

DISCONNECT_COMMAND = "srpipeline disconnect --yes"


class ShopMismatchError(RuntimeError):
    """The CRM is bound to another shop than the one being synced."""

    def __init__(self, bound_url: str, requested_url: str) -> None:
        self.bound_url = bound_url
        self.requested_url = requested_url
        super().__init__(
            f"This CRM is bound to the shop {bound_url}, not {requested_url}: syncing another shop would "
            f"overwrite its customers and orders. To remove the old connection and every record that "
            f"came from it, run `{DISCONNECT_COMMAND}`."
        )


def bound_shop(conn: Connection) -> str | None:
    """The shop URL the CRM is bound to, or None before the first sync."""
    return conn.execute(select(crm_shop_connection.c.shop_url)).scalar_one_or_none()


def check_shop(conn: Connection, shop_url: str) -> None:
    """Raise ``ShopMismatchError`` if the CRM is bound to another shop than ``shop_url``."""
    bound = bound_shop(conn)
    if bound is not None and bound != shop_url:
        raise ShopMismatchError(bound, shop_url)


def bind_shop(conn: Connection, shop_url: str, *, now: datetime) -> None:
    """Bind the CRM to ``shop_url`` (normalised API base URL) on the first sync; afterwards only
    the same shop passes. Raises ``ShopMismatchError`` for another shop."""
    bound = bound_shop(conn)
    if bound is None:
        conn.execute(update(crm_shop_connection).values(shop_url=shop_url, bound_at=now))
    elif bound != shop_url:
        raise ShopMismatchError(bound, shop_url)


def record_connection_test(conn: Connection, ok: bool, message: str, *, now: datetime) -> None:
    """Remember the last connection test's outcome (it does not bind the CRM)."""
    conn.execute(
        update(crm_shop_connection).values(last_test_at=now, last_test_ok=ok, last_test_message=message)
    )


def disconnect(engine: Engine) -> dict[str, int]:
    """Delete everything that came from the bound shop and the binding, in one transaction.

    Returns the number of rows deleted per table.
    """
    shop_contacts = select(crm_contacts.c.id).where(crm_contacts.c.source == SOURCE)
    deleted: dict[str, int] = {}
    with engine.begin() as conn:
        for table in (crm_order_items, crm_order_coupons, crm_orders, crm_coupons):
            deleted[table.name] = conn.execute(delete(table)).rowcount
        deleted["crm_webshop_cards"] = conn.execute(
            delete(crm_webshop_cards).where(crm_webshop_cards.c.contact_id.in_(shop_contacts))
        ).rowcount
        deleted["crm_contacts"] = conn.execute(
            delete(crm_contacts).where(crm_contacts.c.source == SOURCE)
        ).rowcount
        for table in (crm_status_mapping, sr_order_statuses, crm_sync_state):
            deleted[table.name] = conn.execute(delete(table)).rowcount
        conn.execute(
            update(crm_shop_connection).values(
                shop_url=None,
                bound_at=None,
                last_test_at=None,
                last_test_ok=None,
                last_test_message=None,
                shop_timezone=None,
            )
        )
    return deleted
