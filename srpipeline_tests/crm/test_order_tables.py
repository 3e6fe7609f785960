from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import Engine, insert, select

from srpipeline.crm.customer_tables import load_customers
from srpipeline.crm.order_tables import load_orders, mark_storno
from srpipeline.crm.schema import (
    crm_contacts,
    crm_order_coupons,
    crm_order_items,
    crm_orders,
    crm_status_mapping,
    crm_webshop_cards,
)
from srpipeline.crm.status_coupon_tables import load_statuses
from srpipeline.crm.upsert import LoadCounts
from srpipeline_tests.crm.factories import T0, customer, line, order, order_status_links, status

NOW = T0 + timedelta(days=1)


def load(engine: Engine, orders) -> LoadCounts:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        return LoadCounts.of(outcome for _, outcome in load_orders(conn, orders, now=NOW))


def snapshot(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        tables = (crm_orders, crm_order_items, crm_order_coupons, crm_contacts, crm_webshop_cards)
        return [
            tuple(row) for table in tables for row in conn.execute(select(table).order_by(*table.primary_key))
        ]


def items_of(engine: Engine, inner_id: int) -> dict[str, tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                crm_order_items.c.line_key,
                crm_order_items.c.kind,
                crm_order_items.c.quantity,
                crm_order_items.c.line_total_net,
                crm_order_items.c.line_total_gross,
            )
            .join(crm_orders, crm_orders.c.id == crm_order_items.c.order_id)
            .where(crm_orders.c.sr_order_inner_id == inner_id)
        )
        return {key: rest for key, *rest in rows}


def test_an_order_is_stored_with_lines_shipping_coupon_and_totals(crm_engine: Engine) -> None:
    counts = load(crm_engine, [order(1, coupon="SAVE100")])
    assert counts == LoadCounts(inserted=1)
    assert items_of(crm_engine, 1) == {
        "1-1": ["product", Decimal(2), Decimal(2000), Decimal("2540.0000")],
        "1-2": ["product", Decimal(1), Decimal(500), Decimal("635.0000")],
        "shipping": ["shipping", Decimal(1), Decimal(990), Decimal(990)],
        "coupon:SAVE100": ["coupon", Decimal(1), Decimal(-100), Decimal(-100)],
    }
    with crm_engine.connect() as conn:
        stored = conn.execute(select(crm_orders)).one()
        coupon_row = conn.execute(select(crm_order_coupons)).one()
    assert (stored.number, stored.subtotal_net, stored.tax_total, stored.shipping_total) == (
        "INV-1",
        Decimal(2500),
        Decimal(675),
        Decimal(990),
    )
    assert (stored.discount_total, stored.total_gross, stored.is_storno) == (
        Decimal(-100),
        Decimal(3530),
        False,
    )
    assert stored.updated_at == T0 and stored.updated_at.tzinfo is not None
    assert (coupon_row.code, coupon_row.discount_amount) == ("SAVE100", Decimal(-100))


def test_loading_the_same_pages_twice_changes_nothing(crm_engine: Engine) -> None:
    pages = [[order(1), order(2, customer="customer-7")], [order(3, email=None), order(4, coupon="X")]]
    first = [load(crm_engine, page) for page in pages]
    before = snapshot(crm_engine)
    again = [load(crm_engine, page) for page in pages]
    assert first == [LoadCounts(inserted=2), LoadCounts(inserted=2)]
    assert again == [LoadCounts(unchanged=2), LoadCounts(unchanged=2)]
    assert snapshot(crm_engine) == before


def test_an_older_copy_never_replaces_a_newer_one(crm_engine: Engine) -> None:
    newer = order(1, updated=T0 + timedelta(hours=2), total="9999", lines=(line("a"),))
    load(crm_engine, [newer])
    assert load(crm_engine, [order(1, updated=T0)]) == LoadCounts(unchanged=1)
    # also inside one page: the newest copy wins whatever the order
    assert load(crm_engine, [newer, order(1, updated=T0 - timedelta(days=1))]) == LoadCounts(unchanged=2)
    with crm_engine.connect() as conn:
        assert conn.execute(select(crm_orders.c.total_gross)).scalar_one() == Decimal(9999)
    assert set(items_of(crm_engine, 1)) == {"a", "shipping"}


def test_a_changed_order_replaces_its_items_and_a_removed_line_disappears(crm_engine: Engine) -> None:
    load(crm_engine, [order(1, coupon="SAVE", lines=(line("a"), line("b")))])
    changed = order(1, updated=T0 + timedelta(minutes=5), lines=(line("a", qty="5"),), shipping=None)
    assert load(crm_engine, [changed]) == LoadCounts(updated=1)
    assert items_of(crm_engine, 1) == {"a": ["product", Decimal(5), Decimal(5000), Decimal("6350.0000")]}
    with crm_engine.connect() as conn:
        assert conn.execute(select(crm_order_coupons)).all() == []


def test_a_page_of_new_and_changed_orders_keeps_each_orders_own_items(crm_engine: Engine) -> None:
    unchanged = order(2, lines=(line("c"),))
    load(crm_engine, [order(1, lines=(line("a"), line("b"))), unchanged])
    later = T0 + timedelta(minutes=5)
    page = [order(3, lines=(line("d"),)), order(1, updated=later, lines=(line("b"),)), unchanged]
    assert load(crm_engine, page) == LoadCounts(inserted=1, updated=1, unchanged=1)
    assert {inner_id: set(items_of(crm_engine, inner_id)) for inner_id in (1, 2, 3)} == {
        1: {"b", "shipping"},
        2: {"c", "shipping"},
        3: {"d", "shipping"},
    }


def test_abandoned_carts_are_skipped(crm_engine: Engine) -> None:
    assert load(crm_engine, [order(1, status=None), order(2)]) == LoadCounts(inserted=1, skipped=1)
    with crm_engine.connect() as conn:
        assert conn.execute(select(crm_orders.c.sr_order_inner_id)).scalars().all() == [2]


def test_statuses_resolve_to_inner_id_and_mapped_crm_status(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        load_statuses(conn, [status(1, "Teljesítve"), status(2, "Új")], now=NOW)
        conn.execute(
            insert(crm_status_mapping).values(sr_status_inner_id=1, crm_order_status_id=4, mapped_at=NOW)
        )
    load(crm_engine, [order(1, status="status-1"), order(2, status="status-2"), order(3, status="status-9")])
    with crm_engine.connect() as conn:
        assert order_status_links(conn) == [(1, 1, 4), (2, 2, None), (3, None, None)]


def test_guests_share_a_contact_by_lower_cased_email_and_get_one_card(crm_engine: Engine) -> None:
    load(crm_engine, [order(1, email="Guest@Example.com"), order(2, email="guest@example.com ")])
    load(crm_engine, [order(3, email="GUEST@example.COM")])
    with crm_engine.connect() as conn:
        contacts = conn.execute(select(crm_contacts.c.id, crm_contacts.c.email, crm_contacts.c.source)).all()
        owners = conn.execute(select(crm_orders.c.contact_id, crm_orders.c.webshop_card_id).distinct()).all()
        cards = conn.execute(select(crm_webshop_cards.c.contact_id)).scalars().all()
    assert [(email, source) for _, email, source in contacts] == [("guest@example.com", "shoprenter")]
    assert owners == [(contacts[0].id, owners[0][1])] and cards == [contacts[0].id]


def test_an_order_before_its_customer_makes_a_placeholder_the_customer_fills(crm_engine: Engine) -> None:
    load(crm_engine, [order(1, customer="customer-5", email="reg@example.com")])
    with crm_engine.begin() as conn:
        loaded = load_customers(conn, [customer(5, email="reg@example.com", first_name="Béla")], now=NOW)
    assert [outcome for _, outcome in loaded] == ["updated"]
    with crm_engine.connect() as conn:
        contact = conn.execute(select(crm_contacts)).one()
        card = conn.execute(select(crm_webshop_cards)).one()
        order_row = conn.execute(select(crm_orders.c.contact_id, crm_orders.c.webshop_card_id)).one()
    assert (contact.sr_customer_inner_id, contact.sr_customer_id, contact.first_name) == (
        5,
        "customer-5",
        "Béla",
    )
    assert (card.is_registered, card.sr_customer_inner_id) == (True, 5)
    assert tuple(order_row) == (contact.id, card.id)


def test_mark_storno_flags_only_the_given_orders(crm_engine: Engine) -> None:
    load(crm_engine, [order(1), order(2), order(3)])
    with crm_engine.begin() as conn:
        assert mark_storno(conn, [1, 3, 99]) == 2
        assert mark_storno(conn, [1]) == 0
        assert mark_storno(conn, [3], is_storno=False) == 1
    with crm_engine.connect() as conn:
        flags = dict(conn.execute(select(crm_orders.c.sr_order_inner_id, crm_orders.c.is_storno)).all())
    assert flags == {1: True, 2: False, 3: False}


def test_storno_survives_a_reload_of_the_unchanged_order(crm_engine: Engine) -> None:
    load(crm_engine, [order(1)])
    with crm_engine.begin() as conn:
        mark_storno(conn, [1])
    load(crm_engine, [replace(order(1), comment="edited", updated_at=T0 + timedelta(hours=1))])
    with crm_engine.connect() as conn:
        assert conn.execute(select(crm_orders.c.is_storno, crm_orders.c.comment)).one() == (True, "edited")


def test_each_order_of_a_page_gets_its_own_outcome_in_page_order(crm_engine: Engine) -> None:
    load(crm_engine, [order(1)])
    page = [
        order(2, status=None),  # an abandoned cart
        order(3, updated=T0 - timedelta(hours=1)),  # an older copy of 3, later in the page too
        order(1, updated=T0 + timedelta(hours=1), comment="changed"),
        order(3),
        order(1, updated=T0 - timedelta(days=1)),  # older than what is stored
    ]
    with crm_engine.begin() as conn:
        loaded = load_orders(conn, page, now=NOW)
    assert [record for record, _ in loaded] == page
    assert [outcome for _, outcome in loaded] == ["skipped", "unchanged", "updated", "inserted", "unchanged"]
