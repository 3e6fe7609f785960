"""The change probe's sensor: every ``probe_interval`` seconds, one `sync` run if the shop changed.

Each tick, in order: skip while a sync is queued or running, the lease is held, or a Sync press
waits (the Sync sensor serves it); else ask `probe_changes` and launch a run tagged with what it saw.
A shop that cannot be asked (down, wrong credentials) fails the tick with one line and launches
nothing; the next tick asks again.
"""

from __future__ import annotations

from datetime import datetime

from dagster import (
    DagsterInstance,
    DailyPartitionsDefinition,
    DefaultSensorStatus,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)
from sqlalchemy import Engine

from srpipeline.clock import utc_now
from srpipeline.crm.state import pending_sync_requests
from srpipeline.defs.jobs import SYNC_JOB, sync_range
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.sensors import busy_reason
from srpipeline.defs.tags import PROBE_SAW_TAG, sync_run_tags
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.sync.change_probe import probe_changes
from srpipeline.wording import counted

PROBE_SENSOR_NAME = "shop_change_probe"


class ProbeFailed(RuntimeError):
    """The shop could not be asked; the tick fails with this one line and nothing is launched."""


def evaluate_probe(
    instance: DagsterInstance,
    client: ShoprenterClient,
    engine: Engine,
    partitions_def: DailyPartitionsDefinition,
    now: datetime,
) -> RunRequest | SkipReason:
    """One tick of the probe."""
    busy = busy_reason(instance, engine)
    if busy is not None:
        return SkipReason(f"not probing: {busy}")
    with engine.connect() as conn:
        if pending_sync_requests(conn):
            return SkipReason("not probing: a Sync press waits for sync_requests_sensor")
    try:
        outcome = probe_changes(client, engine, now=now)
    except ShoprenterError as exc:
        raise ProbeFailed(
            f"The change probe could not ask the shop: {exc.reason}. Nothing was launched."
        ) from None
    cost = f" ({counted(outcome.requests, 'request', 'requests')})"
    if not outcome.launch:
        return SkipReason(outcome.saw + cost)
    return RunRequest(
        tags={
            **sync_run_tags(sync_range(partitions_def, engine, now), "probe"),
            PROBE_SAW_TAG: outcome.saw + cost,
        }
    )


def build_change_probe_sensor(partitions_def: DailyPartitionsDefinition, interval: int) -> SensorDefinition:
    """The probe on the code location's partitions, every ``interval`` seconds."""

    @sensor(
        name=PROBE_SENSOR_NAME,
        job_name=SYNC_JOB,
        minimum_interval_seconds=interval,
        default_status=DefaultSensorStatus.RUNNING,
        description=f"Every {interval} s: asks the shop whether customers or orders changed since the CRM "
        "was complete (1 request each, id-only), and runs `sync` only when something did, or when the "
        "hourly re-read of statuses and coupons is due. Never while a sync is queued or running.",
    )
    def shop_change_probe(
        context: SensorEvaluationContext, shop: ShoprenterResource, crm: CrmDatabaseResource
    ) -> RunRequest | SkipReason:
        return evaluate_probe(context.instance, shop.client(), crm.get_engine(), partitions_def, utc_now())

    return shop_change_probe
