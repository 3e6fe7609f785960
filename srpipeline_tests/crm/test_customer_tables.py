from datetime import timedelta

from sqlalchemy import Engine, insert, select

from srpipeline.crm.customer_tables import load_customers, mark_customers_deleted
from srpipeline.crm.order_tables import load_orders
from srpipeline.crm.schema import crm_contacts, crm_orders, crm_webshop_cards
from srpipeline.crm.upsert import LoadCounts
from srpipeline_tests.crm.factories import T0, customer, order

NOW = T0 + timedelta(days=1)


def load(engine: Engine, customers) -> LoadCounts:  # type: ignore[no-untyped-def]
    with engine.begin() as conn:
        return LoadCounts.of(outcome for _, outcome in load_customers(conn, customers, now=NOW))


def contacts(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                select(
                    crm_contacts.c.id,
                    crm_contacts.c.source,
                    crm_contacts.c.email,
                    crm_contacts.c.sr_customer_inner_id,
                    crm_contacts.c.first_name,
                ).order_by(crm_contacts.c.id)
            )
        ]


def test_a_customer_becomes_a_contact_with_a_registered_card(crm_engine: Engine) -> None:
    assert load(crm_engine, [customer(1, email="A@Example.com", status=0, newsletter=False)]) == LoadCounts(1)
    with crm_engine.connect() as conn:
        card = conn.execute(select(crm_webshop_cards)).one()
        contact = conn.execute(select(crm_contacts)).one()
    assert (contact.email, contact.source, contact.sr_customer_id) == (
        "a@example.com",
        "shoprenter",
        "customer-1",
    )
    assert (card.contact_id, card.is_registered, card.newsletter, card.is_disabled) == (
        contact.id,
        True,
        False,
        True,
    )
    assert (card.registered_at, card.customer_group) == (T0 - timedelta(days=10), "group-1")


def test_same_customers_twice_unchanged_and_older_copy_ignored(crm_engine: Engine) -> None:
    page = [customer(1), customer(2, email="b@example.com")]
    assert load(crm_engine, page) == LoadCounts(inserted=2)
    before = contacts(crm_engine)
    assert load(crm_engine, page) == LoadCounts(unchanged=2)
    assert load(crm_engine, [customer(1, updated=T0 - timedelta(hours=1), first_name="Old")]) == LoadCounts(
        unchanged=1
    )
    assert contacts(crm_engine) == before
    assert load(crm_engine, [customer(1, updated=T0 + timedelta(hours=1), first_name="New")]) == LoadCounts(
        updated=1
    )
    assert contacts(crm_engine)[0][4] == "New"


def test_a_guest_who_registers_becomes_the_same_contact_and_card(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        load_orders(conn, [order(1, email="Guest@example.com")], now=NOW)
    guest_id = contacts(crm_engine)[0][0]
    assert load(crm_engine, [customer(9, email="guest@EXAMPLE.com")]) == LoadCounts(updated=1)
    with crm_engine.begin() as conn:
        load_orders(conn, [order(2, customer="customer-9", email="guest@example.com")], now=NOW)
    assert contacts(crm_engine) == [(guest_id, "shoprenter", "guest@example.com", 9, "Anna")]
    with crm_engine.connect() as conn:
        cards = conn.execute(select(crm_webshop_cards.c.contact_id, crm_webshop_cards.c.is_registered)).all()
        owners = set(conn.execute(select(crm_orders.c.contact_id)).scalars())
    assert cards == [(guest_id, True)] and owners == {guest_id}


def test_a_contact_of_another_source_is_never_matched_linked_or_changed(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        other_id = conn.execute(
            insert(crm_contacts).values(
                source="manual", email="anna@example.com", first_name="Kept", created_at=T0
            )
        ).inserted_primary_key[0]
        load_orders(conn, [order(1, email="anna@example.com")], now=NOW)
    load(crm_engine, [customer(3, email="anna@example.com")])
    rows = contacts(crm_engine)
    assert rows[0] == (other_id, "manual", "anna@example.com", None, "Kept")
    assert [r[1:4] for r in rows[1:]] == [("shoprenter", "anna@example.com", 3)]
    with crm_engine.connect() as conn:
        assert (
            conn.execute(select(crm_webshop_cards).where(crm_webshop_cards.c.contact_id == other_id)).all()
            == []
        )
        assert other_id not in set(conn.execute(select(crm_orders.c.contact_id)).scalars())


def test_a_deleted_customer_keeps_contact_and_card_marked(crm_engine: Engine) -> None:
    load(crm_engine, [customer(1), customer(2, email="b@example.com")])
    with crm_engine.begin() as conn:
        assert mark_customers_deleted(conn, [2], now=NOW) == 1
        assert mark_customers_deleted(conn, [2], now=NOW) == 0
    with crm_engine.connect() as conn:
        rows = conn.execute(
            select(
                crm_contacts.c.sr_customer_inner_id,
                crm_contacts.c.deleted_at,
                crm_webshop_cards.c.is_disabled,
            )
            .join(crm_webshop_cards, crm_webshop_cards.c.contact_id == crm_contacts.c.id)
            .order_by(crm_contacts.c.sr_customer_inner_id)
        ).all()
    assert rows == [(1, None, False), (2, NOW, True)]
