from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text

from srpipeline.crm.engine import open_crm, upgrade
from srpipeline.crm.schema import CONTRACT_TABLES, crm_modules, crm_order_statuses, metadata


def test_upgrade_creates_every_contract_table_and_the_seeds(crm_engine: Engine) -> None:
    tables = set(inspect(crm_engine).get_table_names())
    assert set(CONTRACT_TABLES) <= tables
    with crm_engine.connect() as conn:
        modules = conn.execute(select(crm_modules.c.kind).order_by(crm_modules.c.id)).scalars().all()
        statuses = conn.execute(select(crm_order_statuses.c.name, crm_order_statuses.c.status_group)).all()
    assert modules == ["orders", "webshop"]  # the Orders module exists before the Webshop module
    assert sorted(statuses) == sorted(
        [
            ("Draft", "Lead"),
            ("In progress", "Open"),
            ("Completed", "Open"),
            ("Successful", "Success"),
            ("Failed", "Failed"),
        ]
    )


def test_migrations_build_exactly_the_schema_of_the_code(crm_engine: Engine) -> None:
    with crm_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_upgrading_twice_changes_nothing(crm_url: str) -> None:
    engine = open_crm(crm_url)
    try:
        upgrade(engine)
        upgrade(crm_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0002"]
            assert conn.execute(select(crm_modules.c.id)).scalars().all() == [1, 2]
            assert len(conn.execute(select(crm_order_statuses.c.id)).all()) == 5
    finally:
        engine.dispose()


def test_no_table_has_a_password_column(crm_engine: Engine) -> None:
    inspector = inspect(crm_engine)
    columns = [
        f"{table}.{column['name']}"
        for table in inspector.get_table_names()
        for column in inspector.get_columns(table)
    ]
    assert len(columns) > 100
    assert [c for c in columns if "passw" in c.lower()] == []
    # the only hashes stored are fingerprints of the records, which carry no password by design
    assert sorted(c for c in columns if "hash" in c.lower()) == [
        "crm_contacts.record_hash",
        "crm_orders.record_hash",
    ]
