import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, Column, Engine, MetaData, String, Table, inspect, select, text
from sqlalchemy.exc import IntegrityError

from srpipeline.crm.engine import alembic_config, make_engine, open_crm, upgrade
from srpipeline.crm.schema import (
    CONTRACT_TABLES,
    UtcDateTime,
    crm_modules,
    crm_order_statuses,
    crm_sync_log,
    metadata,
)
from srpipeline.crm.state import SyncState, get_sync_state, save_sync_state, start_sync_log
from srpipeline_tests.crm.factories import T0

#: ``crm_sync_state`` as revisions 0001 and 0002 made it, keyed by stream and partition key.
SYNC_STATE_0002 = Table(
    "crm_sync_state",
    MetaData(),
    Column("stream", String(50), primary_key=True),
    Column("partition_key", String(50), primary_key=True),
    Column("synced_until", UtcDateTime),
    Column("checkpoint", JSON),
    Column("updated_at", UtcDateTime, nullable=False),
)


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
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0004"]
            assert conn.execute(select(crm_modules.c.id)).scalars().all() == [1, 2]
            assert len(conn.execute(select(crm_order_statuses.c.id)).all()) == 5
    finally:
        engine.dispose()


def test_upgrade_from_0002_keeps_the_sync_state_of_every_stream(crm_url: str) -> None:
    engine = make_engine(crm_url)
    try:
        upgrade(engine, "0002")
        checkpoint = {"window": {"lo": "2025-03-01T00:00:00+00:00"}, "position": 3}
        with engine.begin() as conn:
            conn.execute(
                SYNC_STATE_0002.insert(),
                [
                    {"stream": "orders", "partition_key": "", "synced_until": None,
                     "checkpoint": checkpoint, "updated_at": T0},
                    {"stream": "customers", "partition_key": "", "synced_until": T0,
                     "checkpoint": None, "updated_at": T0},
                    {"stream": "orders", "partition_key": "2025-03-01", "synced_until": T0,
                     "checkpoint": None, "updated_at": T0},  # never read: dropped
                ],
            )  # fmt: skip
        upgrade(engine)
        with engine.connect() as conn:
            assert get_sync_state(conn, "orders") == SyncState(None, checkpoint)
            assert get_sync_state(conn, "customers") == SyncState(T0, None)
        assert inspect(engine).get_pk_constraint("crm_sync_state")["constrained_columns"] == ["stream"]
    finally:
        engine.dispose()


def test_downgrade_to_0002_gives_the_rows_back_their_partition_key(crm_url: str) -> None:
    engine = open_crm(crm_url)
    try:
        with engine.begin() as conn:
            save_sync_state(conn, "orders", synced_until=T0, checkpoint=None, now=T0)
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0002")
        with engine.connect() as conn:
            assert conn.execute(select(SYNC_STATE_0002.c.stream, SYNC_STATE_0002.c.partition_key)).all() == [
                ("orders", "")
            ]
        upgrade(engine)
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


def test_0004_lets_the_log_hold_probe_syncs_and_a_downgrade_maps_them_to_schedule(crm_url: str) -> None:
    engine = open_crm(crm_url)
    try:
        with engine.begin() as conn:
            start_sync_log(conn, "r1", "orders", "probe", now=T0)
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0003")
        with engine.connect() as conn:
            assert conn.execute(select(crm_sync_log.c.trigger)).scalars().all() == ["schedule"]
            assert "shop_timezone" not in {
                c["name"] for c in inspect(conn).get_columns("crm_shop_connection")
            }
        with pytest.raises(IntegrityError), engine.begin() as conn:
            start_sync_log(conn, "r2", "orders", "probe", now=T0)
        upgrade(engine)
        with engine.begin() as conn:
            start_sync_log(conn, "r3", "orders", "probe", now=T0)
    finally:
        engine.dispose()
