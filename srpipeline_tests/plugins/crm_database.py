"""CRM database fixtures: every test that takes ``crm_engine`` or ``crm_url`` runs on a SQLite file
and on a fresh PostgreSQL database. A PostgreSQL that cannot be had fails the test, never skips.

The PostgreSQL server is the one ``CRM_TEST_POSTGRES_URL`` names, else a throwaway server that each
test process starts once and removes at its end (srpipeline_tests/throwaway_postgres.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine

from srpipeline.crm.engine import open_crm, sqlite_url
from srpipeline_tests.throwaway_postgres import PostgresUnavailable, fresh_database, postgres_server


def _enter_or_fail(stack: ExitStack, manager: AbstractContextManager[str]) -> str:
    """Enter ``manager``; a PostgreSQL that cannot be had fails the test with its one-line reason."""
    try:
        return stack.enter_context(manager)
    except PostgresUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The URL of the PostgreSQL server the CRM tests create their databases on."""
    with ExitStack() as stack:
        yield _enter_or_fail(stack, postgres_server())


@pytest.fixture(params=["sqlite", "postgresql"])
def crm_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty CRM database (not upgraded yet), of each kind."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "crm.sqlite")
        return
    with ExitStack() as stack:
        yield _enter_or_fail(stack, fresh_database(request.getfixturevalue("postgres_server_url")))


@pytest.fixture
def crm_engine(crm_url: str) -> Iterator[Engine]:
    """An engine on an upgraded CRM database, of each kind."""
    engine = open_crm(crm_url)
    try:
        yield engine
    finally:
        engine.dispose()
