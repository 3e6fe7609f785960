from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, insert, select

from srpipeline.crm.customer_tables import load_customers
from srpipeline.crm.guard import ShopMismatchError, bind_shop, bound_shop, disconnect, record_connection_test
from srpipeline.crm.mapping import load_mapping
from srpipeline.crm.order_tables import load_orders
from srpipeline.crm.schema import (
    crm_contacts,
    crm_modules,
    crm_order_statuses,
    crm_shop_connection,
    crm_sync_log,
    metadata,
)
from srpipeline.crm.state import save_sync_state, start_sync_log
from srpipeline.crm.status_coupon_tables import load_coupons, load_statuses
from srpipeline_tests.crm.factories import T0, coupon, customer, order, status

SHOP_A = "https://shop-a.api.myshoprenter.hu"
SHOP_B = "https://shop-b.api.myshoprenter.hu"


def test_the_first_shop_binds_and_another_is_refused_with_both_names(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        assert bound_shop(conn) is None
        bind_shop(conn, SHOP_A, now=T0)
        bind_shop(conn, SHOP_A, now=T0 + timedelta(days=1))
        with pytest.raises(ShopMismatchError) as refused:
            bind_shop(conn, SHOP_B, now=T0)
        assert bound_shop(conn) == SHOP_A
        assert conn.execute(select(crm_shop_connection.c.bound_at)).scalar_one() == T0
    message = str(refused.value)
    assert SHOP_A in message and SHOP_B in message and "srpipeline disconnect --yes" in message
    assert "\n" not in message


def test_connection_tests_are_recorded_without_binding(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        record_connection_test(conn, False, "Connection failed: credentials rejected (401)", now=T0)
        row = conn.execute(select(crm_shop_connection)).one()
    assert (row.shop_url, row.last_test_ok, row.last_test_at) == (None, False, T0)
    assert row.last_test_message.endswith("(401)")


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def test_disconnect_removes_exactly_the_shops_data(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        bind_shop(conn, SHOP_A, now=T0)
        other = conn.execute(
            insert(crm_contacts).values(source="manual", email="buyer@example.com", created_at=T0)
        ).inserted_primary_key[0]
        load_statuses(conn, [status(1, "Teljesítve")], now=T0)
        load_mapping(conn, {1: "Successful"}, now=T0)
        load_customers(conn, [customer(1, email="reg@example.com")], now=T0)
        load_orders(conn, [order(1, coupon="X"), order(2, customer="customer-1")], now=T0)
        load_coupons(conn, [coupon("c1")], now=T0)
        save_sync_state(conn, "orders", synced_until=T0, checkpoint={"page": 1}, now=T0)
        start_sync_log(conn, "run-1", "orders", "manual", now=T0)
    before = row_counts(crm_engine)
    deleted = disconnect(crm_engine)
    after = row_counts(crm_engine)

    emptied = {name for name, count in after.items() if count == 0 and before[name] > 0}
    assert emptied == {
        "crm_orders",
        "crm_order_items",
        "crm_order_coupons",
        "crm_coupons",
        "crm_webshop_cards",
        "sr_order_statuses",
        "crm_status_mapping",
        "crm_sync_state",
    }
    assert deleted["crm_orders"] == 2 and deleted["crm_contacts"] == 2
    with crm_engine.begin() as conn:
        assert conn.execute(select(crm_contacts.c.id, crm_contacts.c.source)).all() == [(other, "manual")]
        assert conn.execute(select(func.count()).select_from(crm_modules)).scalar_one() == 2
        assert conn.execute(select(func.count()).select_from(crm_order_statuses)).scalar_one() == 5
        assert conn.execute(select(func.count()).select_from(crm_sync_log)).scalar_one() == 1  # history stays
        assert bound_shop(conn) is None
        bind_shop(conn, SHOP_B, now=T0)  # the CRM is free for another shop now
        assert bound_shop(conn) == SHOP_B
