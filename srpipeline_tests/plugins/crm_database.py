"""CRM database fixtures: every test that takes ``crm_engine`` or ``crm_url`` runs on a SQLite file
and on a fresh PostgreSQL database. A PostgreSQL that cannot be reached fails the test, never skips.

PostgreSQL server: ``SRPIPELINE_TEST_PG_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from srpipeline.crm.engine import open_crm, sqlite_url

PG_SERVER_URL = os.environ.get(
    "SRPIPELINE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_database() -> Iterator[str]:
    """A fresh empty database ``srp_<random>`` on the test server; dropped afterwards."""
    name = f"srp_{secrets.token_hex(6)}"
    server = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # the server is part of the test setup: failing to reach it is a failure
        server.dispose()
        pytest.fail(f"PostgreSQL for the CRM tests is not reachable at {PG_SERVER_URL}: {exc}", pytrace=False)
    try:
        yield make_url(PG_SERVER_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def crm_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty CRM database (not upgraded yet), of each kind."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "crm.sqlite")
    else:
        yield from _postgres_database()


@pytest.fixture
def crm_engine(crm_url: str) -> Iterator[Engine]:
    """An engine on an upgraded CRM database, of each kind."""
    engine = open_crm(crm_url)
    try:
        yield engine
    finally:
        engine.dispose()
