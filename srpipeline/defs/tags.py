"""Run tags and pool names shared by the assets, jobs, sensor, schedule and launcher."""

from __future__ import annotations

from collections.abc import Mapping

from dagster import PartitionKeyRange
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    BACKFILL_ID_TAG,
    POOL_TAG_PREFIX,
)

#: Every asset that calls the shop is in this pool; dagster.yaml limits it to one run at a time.
SHOP_POOL = "shoprenter_api"
#: Dagster tags each run holding a step of a pool with this tag (value "true").
SHOP_POOL_RUN_TAG = f"{POOL_TAG_PREFIX}{SHOP_POOL}"

#: Who started a run: manual (Sync button / CLI), schedule, ui, backfill. Written to crm_sync_log.
TRIGGER_TAG = "srpipeline/trigger"
TRIGGERS = ("manual", "schedule", "ui", "backfill")
#: The ids ``first-last`` of the Sync requests a sensor run serves.
SYNC_REQUESTS_TAG = "srpipeline/sync_requests"


def served_request_ids(tags: Mapping[str, str]) -> list[int]:
    """The Sync request ids a run launched by the sensor serves (none for any other run)."""
    first, _, last = tags.get(SYNC_REQUESTS_TAG, "").partition("-")
    return list(range(int(first), int(last) + 1)) if first.isdigit() and last.isdigit() else []


def run_trigger(tags: Mapping[str, str]) -> str:
    """The run's trigger: its ``srpipeline/trigger`` tag, else ``backfill`` for backfill runs, else ``ui``."""
    trigger = tags.get(TRIGGER_TAG)
    if trigger in TRIGGERS:
        return trigger
    return "backfill" if BACKFILL_ID_TAG in tags else "ui"


def sync_run_tags(key_range: PartitionKeyRange, trigger: str) -> dict[str, str]:
    """Tags of one run over a range of daily partitions (the single-run backfill form)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}: use one of {', '.join(TRIGGERS)}")
    return {
        ASSET_PARTITION_RANGE_START_TAG: key_range.start,
        ASSET_PARTITION_RANGE_END_TAG: key_range.end,
        TRIGGER_TAG: trigger,
    }
