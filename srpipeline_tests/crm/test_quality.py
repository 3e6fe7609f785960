from decimal import Decimal

from sqlalchemy import Engine, delete, insert, select, update

from srpipeline.crm import quality
from srpipeline.crm.mapping import load_mapping
from srpipeline.crm.order_tables import load_orders
from srpipeline.crm.quality import Finding
from srpipeline.crm.schema import crm_contacts, crm_order_items, crm_orders
from srpipeline.crm.status_coupon_tables import load_coupons, load_statuses
from srpipeline_tests.crm.factories import T0, coupon, order, status

FINDINGS = (
    quality.unmapped_active_statuses,
    quality.orders_without_items,
    quality.totals_not_adding_up,
    quality.orders_without_contact,
    quality.duplicate_natural_keys,
)


def test_findings_are_empty_on_faithful_data_and_name_broken_rows_by_id(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        load_statuses(conn, [status(1, "Teljesítve"), status(2, "Törölt")], now=T0)
        load_mapping(conn, {1: "Successful", 2: "Failed"}, now=T0)
        orders = [
            order(1, total="4165"),
            order(2, total="4165"),
            order(3, email="guest@example.com", total="4165"),
        ]
        load_orders(conn, orders, now=T0)
        load_coupons(conn, [coupon("c1"), coupon("c2", code="OTHER")], now=T0)
        assert [find(conn) for find in FINDINGS] == [Finding(0, [])] * len(FINDINGS)

    with crm_engine.begin() as conn:
        load_mapping(conn, {1: "Successful", 2: None}, now=T0)
        load_coupons(conn, [coupon("c1"), coupon("c2", code="SAVE10")], now=T0)
        ids = dict(conn.execute(select(crm_orders.c.sr_order_inner_id, crm_orders.c.id)).all())
        conn.execute(delete(crm_order_items).where(crm_order_items.c.order_id == ids[1]))
        conn.execute(
            update(crm_orders)
            .where(crm_orders.c.id == ids[2])
            .values(total_gross=crm_orders.c.total_gross + Decimal(7))
        )
        guest = conn.execute(select(crm_contacts).where(crm_contacts.c.email == "guest@example.com")).one()
        copy = {key: value for key, value in guest._mapping.items() if key != "id"}
        conn.execute(insert(crm_contacts).values(**{**copy, "email": "GUEST@example.com"}))

        assert quality.unmapped_active_statuses(conn) == Finding(1, ["2"])
        assert quality.orders_without_items(conn) == Finding(1, ["1"])
        assert quality.totals_not_adding_up(conn) == Finding(1, ["2"])
        assert quality.duplicate_natural_keys(conn) == Finding(
            2, ["coupon code of coupon c1", f"guest e-mail of contact {guest.id}"]
        )
