"""What the reliability scenarios share: shop changes for an incremental sync, and the "nothing
doubled" check on the CRM's natural keys (the fast-retry client is srpipeline_tests.sandbox_clients)."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from srpipeline.crm.schema import crm_contacts, crm_order_items, crm_orders
from srpipeline.sandbox import SandboxShop


def change_the_shop(shop: SandboxShop, new_orders: int = 40) -> None:
    """What happens in a shop between two syncs: new orders, status changes, a storno, a removed
    line, an edited customer, a deleted coupon (all at the shop clock's now)."""
    store, control = shop.store, shop.control
    orders = sorted(set(store.order_ids()) - store.abandoned_ids() - store.storno_ids())
    for inner_id in orders[:5]:
        control.set_order_status(inner_id, 2)
    control.storno_order(orders[5])
    control.remove_order_line(next(i for i in orders[6:] if len(store.order(i).lines) > 1))
    control.add_orders(new_orders)
    control.edit_customer(store.customer_ids()[0], firstname="Árvíztűrő", email="Changed.Address@Example.com")
    control.delete_coupon(next(iter(store.coupons.values())).code)


def doubled_keys(engine: Engine) -> list[str]:
    """Natural keys that occur more than once in the CRM (orders, customers, order lines)."""
    found: list[str] = []
    with engine.connect() as conn:
        for column in (crm_orders.c.sr_order_inner_id, crm_contacts.c.sr_customer_inner_id):
            found += [
                f"{column.table.name}.{column.name}={value}"
                for (value,) in conn.execute(
                    select(column).where(column.is_not(None)).group_by(column).having(func.count() > 1)
                )
            ]
        found += [
            f"crm_order_items({order_id}, {key})"
            for order_id, key in conn.execute(
                select(crm_order_items.c.order_id, crm_order_items.c.line_key)
                .group_by(crm_order_items.c.order_id, crm_order_items.c.line_key)
                .having(func.count() > 1)
            )
        ]
    return found


def live_orders(shop: SandboxShop) -> int:
    """Orders the CRM should hold: every order but abandoned carts (storno orders included)."""
    return len(set(shop.store.order_ids()) - shop.store.abandoned_ids())
