"""Opening the CRM database: engines, SQLite pragmas and Alembic upgrades."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).with_name("migrations")

#: Serialises concurrent upgrades of one PostgreSQL database (any constant would do).
_PG_UPGRADE_LOCK = 7_246_101


def sqlite_url(path: str | Path) -> str:
    """The SQLAlchemy URL of a SQLite CRM file at ``path`` (the default CRM database)."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; on SQLite with WAL and a busy timeout so processes can share the file."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def alembic_config() -> Config:
    """The Alembic configuration, built in code: no alembic.ini needed."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Upgrade the CRM database to ``revision``; a no-op when it is already there."""
    engine = make_engine(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    config = alembic_config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_UPGRADE_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    if isinstance(engine_or_url, str):
        engine.dispose()


def open_crm(url: str) -> Engine:
    """An engine on the CRM database at ``url``, upgraded to the latest schema first."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
