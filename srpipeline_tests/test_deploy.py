"""deploy/dagster.yaml: Dagster's run history in a real PostgreSQL, as a team deploys it."""

import shutil
from contextlib import ExitStack
from pathlib import Path

import pytest
from dagster import DagsterEventType, DagsterInstance, job, op
from sqlalchemy import make_url

from srpipeline_tests.plugins.crm_database import _enter_or_fail
from srpipeline_tests.throwaway_postgres import fresh_database

DEPLOY_YAML = Path(__file__).parents[1] / "deploy" / "dagster.yaml"


@op
def say_hello() -> str:
    return "hello"


@job
def hello() -> None:
    say_hello()


def test_a_run_is_recorded_in_postgres_storage(
    postgres_server_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Storing an event NOTIFYs listeners: with SQLAlchemy 2.1's default driver (psycopg 3) that
    # statement failed, so the deploy file must name psycopg2.
    with ExitStack() as stack:
        url = make_url(_enter_or_fail(stack, fresh_database(postgres_server_url, prefix="dagster")))
        for name, value in {
            "HOST": url.host,
            "PORT": str(url.port),
            "USERNAME": url.username,
            "PASSWORD": url.password or "",
            "DB": url.database,
        }.items():
            monkeypatch.setenv(f"DAGSTER_PG_{name}", value)
        shutil.copyfile(DEPLOY_YAML, tmp_path / "dagster.yaml")
        with DagsterInstance.from_config(str(tmp_path)) as instance:
            result = hello.execute_in_process(instance=instance)
            assert result.success
            stored = instance.all_logs(result.run_id)
            assert any(
                entry.is_dagster_event and entry.dagster_event_type == DagsterEventType.RUN_SUCCESS
                for entry in stored
            )
            assert instance.get_run_by_id(result.run_id).is_success
