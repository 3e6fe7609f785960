from datetime import timedelta

import pytest
from sqlalchemy import Connection, Engine, text

from srpipeline.crm.contacts import insert_contacts
from srpipeline.crm.maintenance import MIN_CHANGES, analyze_if_grown
from srpipeline.crm.order_tables import load_orders
from srpipeline.crm.schema import crm_contacts, crm_orders
from srpipeline_tests.crm.factories import T0, order


def add_contacts(engine: Engine, count: int, start: int) -> None:
    """Insert ``count`` contacts and have this backend publish its change counts at once (PostgreSQL
    otherwise publishes them up to a second later)."""
    with engine.begin() as conn:
        rows = [
            {"source": "shoprenter", "email": f"c{start + n}@x.hu", "created_at": T0} for n in range(count)
        ]
        insert_contacts(conn, rows)
        force_stats_flush(conn)


def force_stats_flush(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_stat_force_next_flush()"))


def analyze_count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :table"), {"table": table}
        ).scalar_one()


def test_a_table_is_analyzed_once_it_has_doubled_since_its_last_analysis(crm_engine: Engine) -> None:
    if crm_engine.dialect.name != "postgresql":
        with crm_engine.begin() as conn:
            assert analyze_if_grown(conn) == []
        return
    add_contacts(crm_engine, MIN_CHANGES - 1, 0)
    with crm_engine.begin() as conn:
        assert analyze_if_grown(conn) == []  # too few changes to be worth it
    add_contacts(crm_engine, 1, MIN_CHANGES)
    with crm_engine.begin() as conn:
        assert analyze_if_grown(conn, [crm_contacts, crm_orders]) == ["crm_contacts"]
        rows = conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'crm_contacts'")).scalar()
    assert rows == MIN_CHANGES
    with crm_engine.begin() as conn:
        assert analyze_if_grown(conn) == []  # nothing changed since
    add_contacts(crm_engine, MIN_CHANGES - 1, MIN_CHANGES + 1)
    with crm_engine.begin() as conn:
        assert analyze_if_grown(conn) == []  # not doubled yet
    add_contacts(crm_engine, 1, 2 * MIN_CHANGES)
    with crm_engine.begin() as conn:
        assert analyze_if_grown(conn) == ["crm_contacts"]
    assert analyze_count(crm_engine, "crm_contacts") == 2


@pytest.mark.parametrize("crm_url", ["postgresql"], indirect=True)
def test_loading_orders_analyzes_the_tables_it_filled(crm_engine: Engine) -> None:
    pages = [[order(n, customer=f"c-{n}", email=f"b{n}@x.hu") for n in range(p, p + 400)] for p in (1, 401)]
    for page in pages:
        with crm_engine.begin() as conn:
            load_orders(conn, page, now=T0 + timedelta(days=1))
            force_stats_flush(conn)
    # page one wrote 1,200 items (2 lines and shipping each): the second load analyzed them, not the
    # 400 orders
    assert analyze_count(crm_engine, "crm_order_items") == 1
    assert analyze_count(crm_engine, "crm_orders") == 0
