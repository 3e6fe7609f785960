"""Our copies of Dagster's tag names equal Dagster's own (private) constants: the one place the
suite reads them, so a Dagster upgrade that renames a tag fails here and not in production."""

from __future__ import annotations

import pytest
from dagster import PartitionKeyRange
from dagster._core.storage import tags as dagster_tags

from srpipeline.defs import tags


def test_dagster_tag_names_match_dagster_own_constants() -> None:
    assert tags.PARTITION_RANGE_START_TAG == dagster_tags.ASSET_PARTITION_RANGE_START_TAG
    assert tags.PARTITION_RANGE_END_TAG == dagster_tags.ASSET_PARTITION_RANGE_END_TAG
    assert tags.BACKFILL_TAG == dagster_tags.BACKFILL_ID_TAG
    assert tags.SENSOR_NAME_TAG == dagster_tags.SENSOR_NAME_TAG
    assert f"{dagster_tags.POOL_TAG_PREFIX}{tags.SHOP_POOL}" == tags.SHOP_POOL_RUN_TAG


def test_run_trigger_reads_the_tag_then_falls_back() -> None:
    assert tags.run_trigger({tags.TRIGGER_TAG: "schedule"}) == "schedule"
    assert tags.run_trigger({tags.TRIGGER_TAG: "forged", tags.BACKFILL_TAG: "abc"}) == "backfill"
    assert tags.run_trigger({}) == "ui"


def test_served_request_ids_reads_a_range_and_ignores_garbage() -> None:
    assert tags.served_request_ids({tags.SYNC_REQUESTS_TAG: "3-5"}) == [3, 4, 5]
    assert tags.served_request_ids({tags.SYNC_REQUESTS_TAG: "3-x"}) == []
    assert tags.served_request_ids({}) == []


def test_sync_run_tags_refuses_an_unknown_trigger() -> None:
    key_range = PartitionKeyRange("2026-01-01", "2026-01-02")
    assert tags.sync_run_tags(key_range, "schedule")[tags.TRIGGER_TAG] == "schedule"
    with pytest.raises(ValueError, match="unknown trigger 'cron'"):
        tags.sync_run_tags(key_range, "cron")  # type: ignore[arg-type]
