"""Run tags and pool names shared by the assets, jobs, sensor, schedule and launcher."""

from __future__ import annotations

from collections.abc import Mapping
from typing import get_args

from dagster import PartitionKeyRange

from srpipeline.crm.state import Trigger

# Dagster's own tag names, which its public API has no constants for (stable strings since 1.x).
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"
BACKFILL_TAG = "dagster/backfill"
SENSOR_NAME_TAG = "dagster/sensor_name"

#: Every asset that calls the shop is in this pool; dagster.yaml limits it to one run at a time.
SHOP_POOL = "shoprenter_api"
#: Dagster tags each run holding a step of a pool with this tag (value "true").
SHOP_POOL_RUN_TAG = f".dagster/pool/{SHOP_POOL}"

#: Who started a run: manual (Sync button / CLI), schedule, ui, backfill, probe. Written to crm_sync_log.
TRIGGER_TAG = "srpipeline/trigger"
TRIGGERS: tuple[str, ...] = get_args(Trigger)
#: The ids ``first-last`` of the Sync requests a sensor run serves.
SYNC_REQUESTS_TAG = "srpipeline/sync_requests"
#: What the change probe saw that made it launch the run (one line).
PROBE_SAW_TAG = "srpipeline/probe_saw"


def served_request_ids(tags: Mapping[str, str]) -> list[int]:
    """The Sync request ids a run launched by the sensor serves (none for any other run)."""
    first, _, last = tags.get(SYNC_REQUESTS_TAG, "").partition("-")
    return list(range(int(first), int(last) + 1)) if first.isdigit() and last.isdigit() else []


def run_trigger(tags: Mapping[str, str]) -> Trigger:
    """The run's trigger: its ``srpipeline/trigger`` tag, else ``backfill`` for backfill runs, else ``ui``."""
    trigger = tags.get(TRIGGER_TAG)
    if trigger in TRIGGERS:
        return trigger  # type: ignore[return-value]
    return "backfill" if BACKFILL_TAG in tags else "ui"


def sync_run_tags(key_range: PartitionKeyRange, trigger: Trigger) -> dict[str, str]:
    """Tags of one run over a range of daily partitions (the single-run backfill form)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}: use one of {', '.join(TRIGGERS)}")
    return {
        PARTITION_RANGE_START_TAG: key_range.start,
        PARTITION_RANGE_END_TAG: key_range.end,
        TRIGGER_TAG: trigger,
    }
