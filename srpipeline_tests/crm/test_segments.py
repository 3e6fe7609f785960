from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, select

from srpipeline.crm.customer_tables import load_customers
from srpipeline.crm.mapping import load_mapping
from srpipeline.crm.order_tables import load_orders, mark_storno
from srpipeline.crm.schema import crm_contacts, crm_webshop_cards
from srpipeline.crm.segments import refresh_segments
from srpipeline.crm.status_coupon_tables import load_statuses
from srpipeline.crm.upsert import LoadCounts
from srpipeline_tests.crm.factories import T0, customer, order, status

AS_OF = T0 + timedelta(days=400)

#: (successful orders n, days since the last one d, expected segment): each rule at its boundaries.
BUYERS = [
    (1, 30, "one_time_buyer"),
    (1, 31, "passive"),
    (1, 60, "passive"),
    (1, 61, "lost"),
    (2, 60, "repeat_buyer"),
    (2, 61, "passive"),
    (2, 90, "passive"),
    (2, 91, "lost"),
    (3, 60, "repeat_buyer"),
    (3, 61, "passive"),
    (3, 90, "passive"),
    (3, 91, "lost"),
    (4, 90, "loyal"),
    (4, 91, "passive_loyal"),
    (4, 365, "passive_loyal"),
    (4, 366, "lost_loyal"),
]


def segments_by_email(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(crm_contacts.c.email, crm_webshop_cards.c.segment).join(
                crm_webshop_cards, crm_webshop_cards.c.contact_id == crm_contacts.c.id
            )
        )
        return dict(rows.all())


def test_each_segment_rule_at_its_boundaries(crm_engine: Engine) -> None:
    orders = []
    expected = {}
    for case, (n, d, segment) in enumerate(BUYERS):
        email = f"n{n}-d{d}@example.com"
        expected[email] = segment
        last = AS_OF - timedelta(days=d)
        for k in range(n):  # earlier orders a week apart before the last one
            created = last - timedelta(days=7 * k)
            orders.append(order(1000 * case + k, email=email, created=created, updated=created))
    with crm_engine.begin() as conn:
        load_statuses(conn, [status(1, "Teljesítve"), status(2, "Törölt")], now=T0)
        load_mapping(conn, {1: "Successful", 2: "Failed"}, now=T0)
        load_orders(conn, orders, now=AS_OF)
        load_orders(conn, [order(90_001, email="failed@example.com", status="status-2")], now=AS_OF)
        load_orders(conn, [order(90_002, email="storno@example.com")], now=AS_OF)
        mark_storno(conn, [90_002])
        expected |= {"failed@example.com": "no_order", "storno@example.com": "no_order"}
        registered = [
            customer(1, email="reg-60@example.com", created_at=AS_OF - timedelta(days=60)),
            customer(2, email="reg-61@example.com", created_at=AS_OF - timedelta(days=61)),
            customer(3, email="reg-none@example.com", created_at=None),
        ]
        load_customers(conn, registered, now=AS_OF)
        expected |= {"reg-60@example.com": "registered", "reg-61@example.com": "inactive"}
        expected |= {"reg-none@example.com": "inactive"}
        first = refresh_segments(conn, as_of=AS_OF)
        assert first.updated + first.unchanged == len(expected) and first.updated > 0
        assert refresh_segments(conn, as_of=AS_OF) == LoadCounts(unchanged=len(expected))  # nothing changed
    actual = segments_by_email(crm_engine)
    assert {email: (actual[email], want) for email, want in expected.items() if actual[email] != want} == {}


def test_aggregates_count_only_successful_orders_except_order_count(crm_engine: Engine) -> None:
    day = timedelta(days=1)
    with crm_engine.begin() as conn:
        load_statuses(conn, [status(1, "Teljesítve"), status(2, "Törölt"), status(3, "Új")], now=T0)
        load_mapping(conn, {1: "Successful", 2: "Failed"}, now=T0)
        load_orders(
            conn,
            [
                order(1, created=T0, total="100"),
                order(2, created=T0 + day, total="200", status="status-3"),  # unmapped counts as successful
                order(3, created=T0 + 2 * day, total="400", status="status-2"),  # failed
                order(4, created=T0 + 3 * day, total="800"),  # storno below
                order(5, created=T0 + 4 * day, total="1600", email="other@example.com"),
            ],
            now=T0,
        )
        mark_storno(conn, [4])
        refresh_segments(conn, as_of=T0 + 10 * day)
        card = conn.execute(
            select(crm_webshop_cards)
            .join(crm_contacts, crm_contacts.c.id == crm_webshop_cards.c.contact_id)
            .where(crm_contacts.c.email == "buyer@example.com")
        ).one()
    assert (card.order_count, card.successful_order_count, card.customer_value) == (4, 2, Decimal(300))
    assert (card.first_order_at, card.last_order_at, card.segment) == (T0, T0 + day, "repeat_buyer")


def test_refreshing_given_cards_leaves_the_others(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        load_orders(conn, [order(1, email="a@example.com"), order(2, email="b@example.com")], now=T0)
        first_card = (
            conn.execute(select(crm_webshop_cards.c.id).order_by(crm_webshop_cards.c.id)).scalars().first()
        )
        assert refresh_segments(conn, as_of=T0, card_ids=[first_card]) == LoadCounts(updated=1)
    assert segments_by_email(crm_engine) == {"a@example.com": "one_time_buyer", "b@example.com": None}
