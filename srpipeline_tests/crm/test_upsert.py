from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, insert, select

from srpipeline.crm.contacts import insert_contacts
from srpipeline.crm.schema import crm_contacts, crm_order_items, crm_orders, crm_webshop_cards
from srpipeline.crm.upsert import insert_rows, upsert
from srpipeline_tests.crm.factories import T0


def contact(email: str | None, **values: object) -> dict[str, object]:
    return {"source": "shoprenter", "email": email, "first_name": None, "created_at": T0, **values}


def test_insert_contacts_returns_the_ids_in_the_order_of_the_rows(crm_engine: Engine) -> None:
    emails = ["d@x.hu", None, "a@x.hu", "c@x.hu", None, "b@x.hu"]
    with crm_engine.begin() as conn:
        insert_contacts(conn, [contact("first@x.hu")])  # ids do not start at 1 for the page
        rows = [contact(email, first_name=f"row {n}") for n, email in enumerate(emails)]
        ids = insert_contacts(conn, rows)
        stored = dict(conn.execute(select(crm_contacts.c.id, crm_contacts.c.first_name)).all())
    assert [stored[contact_id] for contact_id in ids] == [f"row {n}" for n in range(len(emails))]


def test_insert_rows_keeps_types_nulls_and_returns_every_row(crm_engine: Engine) -> None:
    later = datetime(2025, 3, 1, 13, 30, tzinfo=UTC) + timedelta(microseconds=5)
    with crm_engine.begin() as conn:
        ids = insert_contacts(conn, [contact("a@x.hu"), contact("b@x.hu")])
        returned = insert_rows(
            conn,
            insert(crm_webshop_cards).returning(crm_webshop_cards.c.contact_id, crm_webshop_cards.c.id),
            [{"contact_id": ids[0], "updated_at": T0}, {"contact_id": ids[1], "updated_at": later}],
        ).all()
        cards = conn.execute(
            select(
                crm_webshop_cards.c.id,
                crm_webshop_cards.c.contact_id,
                crm_webshop_cards.c.updated_at,
                crm_webshop_cards.c.is_registered,  # a column default fills what the rows leave out
                crm_webshop_cards.c.customer_group,
            ).order_by(crm_webshop_cards.c.contact_id)
        ).all()
    assert sorted(returned) == [(card.contact_id, card.id) for card in cards]
    assert [tuple(card)[1:] for card in cards] == [(ids[0], T0, False, None), (ids[1], later, False, None)]
    assert cards[1].updated_at.tzinfo is not None


def test_insert_rows_stores_decimals_exactly_and_refuses_naive_times(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        contact_id = insert_contacts(conn, [contact("a@x.hu")])[0]
        card_id = insert_rows(
            conn,
            insert(crm_webshop_cards).returning(crm_webshop_cards.c.contact_id, crm_webshop_cards.c.id),
            [{"contact_id": contact_id, "updated_at": T0}],
        ).one()[1]
        order_id = conn.execute(
            insert(crm_orders).returning(crm_orders.c.id),
            {
                "sr_order_inner_id": 1,
                "sr_order_id": "o1",
                "number": "1",
                "contact_id": contact_id,
                "webshop_card_id": card_id,
                "record_hash": "x",
                "updated_at": T0,
                "synced_at": T0,
            },
        ).scalar_one()
        item = {"order_id": order_id, "kind": "product", "quantity": Decimal("1.2345")}
        insert_rows(
            conn,
            insert(crm_order_items),
            [
                {**item, "line_key": "a", "line_total_net": Decimal("1234567.8901")},
                {**item, "line_key": "b", "line_total_net": None},
            ],
        )
        stored = conn.execute(
            select(crm_order_items.c.quantity, crm_order_items.c.line_total_net).order_by("line_key")
        ).all()
    assert stored == [(Decimal("1.2345"), Decimal("1234567.8901")), (Decimal("1.2345"), None)]
    with crm_engine.begin() as conn, pytest.raises(Exception, match="naive datetime"):
        insert_contacts(conn, [contact("n@x.hu", created_at=datetime(2025, 1, 1))])


def test_an_upsert_through_insert_rows_updates_returns_and_respects_newer_than(crm_engine: Engine) -> None:
    with crm_engine.begin() as conn:
        ids = insert_contacts(conn, [contact("a@x.hu"), contact("b@x.hu")])
        stmt = upsert(
            conn, crm_webshop_cards, ["contact_id"], ["customer_group", "updated_at"], newer_than="updated_at"
        )
        stmt = stmt.returning(crm_webshop_cards.c.contact_id, crm_webshop_cards.c.customer_group)
        first = insert_rows(
            conn, stmt, [{"contact_id": ids[0], "customer_group": "g1", "updated_at": T0}]
        ).all()
        again = insert_rows(
            conn,
            stmt,
            [
                {"contact_id": ids[0], "customer_group": "old", "updated_at": T0 - timedelta(days=1)},
                {"contact_id": ids[1], "customer_group": "g2", "updated_at": T0},
            ],
        ).all()
        stored = conn.execute(
            select(crm_webshop_cards.c.contact_id, crm_webshop_cards.c.customer_group).order_by(
                crm_webshop_cards.c.contact_id
            )
        ).all()
    assert first == [(ids[0], "g1")]
    assert again == [(ids[1], "g2")]  # the older copy of the first card was neither written nor returned
    assert stored == [(ids[0], "g1"), (ids[1], "g2")]
