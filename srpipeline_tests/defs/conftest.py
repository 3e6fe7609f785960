"""Fixtures for the Dagster layer: a sandbox shop, a SQLite CRM and the definitions pointing at them.

The daily partitions start a few days ago (SRPIPELINE_START_DATE): the first partition is open at the
bottom, so the shop's older rows still land in it, and a run over the whole range writes a handful of
partition events instead of one per day since 2024.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import (
    DagsterInstance,
    Definitions,
    ExecuteInProcessResult,
    PartitionKeyRange,
    instance_for_test,
    materialize,
)
from sqlalchemy import Engine

from srpipeline.crm.engine import open_crm, sqlite_url
from srpipeline.defs.definitions import build_definitions
from srpipeline.defs.partitions import daily_partitions
from srpipeline.defs.tags import sync_run_tags
from srpipeline.sandbox import SandboxShop
from srpipeline.settings import Settings, read_settings

TEST_START_DATE = (date.today() - timedelta(days=3)).isoformat()
TEST_PARTITIONS = daily_partitions(read_settings({"SRPIPELINE_START_DATE": TEST_START_DATE}))


@dataclass
class Pipeline:
    """A started sandbox shop, the CRM file, the environment the code location reads and its settings."""

    shop: SandboxShop
    crm_url: str
    engine: Engine
    env: dict[str, str]
    settings: Settings

    def definitions(self) -> Definitions:
        return build_definitions(self.settings)


@pytest.fixture
def make_pipeline(
    make_sandbox: Callable[..., SandboxShop], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Pipeline]]:
    """Factory: a sandbox shop (kwargs of SandboxShop.generate) + a SQLite CRM; env set for this test."""
    engines: list[Engine] = []

    def make(**shop_kwargs: object) -> Pipeline:
        shop = make_sandbox(**{"orders": 120, "customers": 40, "rate": 0, "seed": 3, **shop_kwargs})
        home = tmp_path / "dagster_home"
        home.mkdir(exist_ok=True)
        crm_url = sqlite_url(tmp_path / "crm.sqlite")
        env = {
            "DAGSTER_HOME": str(home),
            "CRM_DATABASE_URL": crm_url,
            "SRPIPELINE_STATUS_MAPPING": str(tmp_path / "status_mapping.yaml"),
            "SRPIPELINE_START_DATE": TEST_START_DATE,
            "SHOPRENTER_API_URL": shop.classic_url,
            "SHOPRENTER_USERNAME": shop.username,
            "SHOPRENTER_PASSWORD": shop.password,
            "SHOPRENTER_RATE": "0",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        engine = open_crm(crm_url)
        engines.append(engine)
        return Pipeline(shop, crm_url, engine, env, read_settings(env))

    yield make
    for engine in engines:
        engine.dispose()


@pytest.fixture
def pipeline(make_pipeline: Callable[..., Pipeline]) -> Pipeline:
    return make_pipeline()


@pytest.fixture
def instance() -> Iterator[DagsterInstance]:
    with instance_for_test() as test_instance:
        yield test_instance


def full_range() -> PartitionKeyRange:
    """Every daily partition up to today: a first sync."""
    keys = TEST_PARTITIONS.get_partition_keys()
    return PartitionKeyRange(keys[0], keys[-1])


def sync_tags(trigger: str = "manual") -> dict[str, str]:
    return sync_run_tags(full_range(), trigger)


def materialize_all(
    pipeline: Pipeline, instance: DagsterInstance, *, tags: dict[str, str] | None = None, **kwargs: object
) -> ExecuteInProcessResult:
    """Every asset and check, as the `sync` job runs them, over every partition (unless tags say)."""
    defs = pipeline.definitions()
    return materialize(
        [*defs.assets, *defs.asset_checks],
        resources=defs.resources,
        instance=instance,
        tags=sync_tags() if tags is None else tags,
        raise_on_error=False,
        **kwargs,  # type: ignore[arg-type]
    )
