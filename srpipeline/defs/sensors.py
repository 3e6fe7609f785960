"""The Sync button: a sensor on `crm_sync_requests` that folds waiting presses into one `sync` run.

Each tick, in order:
1. settle: requests served by a run this sensor launched are marked consumed with that run's id.
   The run marks them itself when its first step starts; this catches runs that failed before that
   (the sensor cannot know a run id before the run exists);
2. skip while a sync is queued or running (any run in pool `shoprenter_api`) or another process
   (e.g. `srpipeline sync --now`) holds the CRM's sync lease;
3. launch one run for every request still waiting, tagged with their ids.
"""

from datetime import datetime

from dagster import (
    DagsterInstance,
    DagsterRun,
    DagsterRunStatus,
    DailyPartitionsDefinition,
    DefaultSensorStatus,
    RunRequest,
    RunsFilter,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)
from sqlalchemy import Engine

from srpipeline.clock import utc_now
from srpipeline.crm.lease import lease_holder
from srpipeline.crm.state import consume_sync_requests, pending_sync_requests
from srpipeline.defs.jobs import SYNC_JOB, sync_range
from srpipeline.defs.resources import CrmDatabaseResource
from srpipeline.defs.tags import (
    SENSOR_NAME_TAG,
    SHOP_POOL_RUN_TAG,
    SYNC_REQUESTS_TAG,
    served_request_ids,
    sync_run_tags,
)

SENSOR_NAME = "sync_requests_sensor"
#: How many of this sensor's latest runs are looked at when settling requests.
RECENT_RUNS = 50
NOT_FINISHED = [
    DagsterRunStatus.QUEUED,
    DagsterRunStatus.NOT_STARTED,
    DagsterRunStatus.STARTING,
    DagsterRunStatus.STARTED,
    DagsterRunStatus.CANCELING,
]


def sync_in_flight(instance: DagsterInstance) -> DagsterRun | None:
    """A queued or running run holding a step of pool `shoprenter_api`, if any."""
    runs = instance.get_runs(RunsFilter(statuses=NOT_FINISHED, tags={SHOP_POOL_RUN_TAG: "true"}), limit=1)
    return runs[0] if runs else None


def busy_reason(instance: DagsterInstance, engine: Engine) -> str | None:
    """Why no sync may start now (a sync run queued or running, or the lease held elsewhere), or None."""
    busy = sync_in_flight(instance)
    if busy is not None:
        return f"run {busy.run_id} is {busy.status.value}"
    holder = lease_holder(engine)
    if holder is not None:
        return f"the sync lease is held by {holder}"
    return None


def request_ids_tag(first: int, last: int) -> str:
    return f"{first}-{last}"


def settle_requests(instance: DagsterInstance, engine: Engine, now: datetime) -> int:
    """Mark waiting requests that a launched run serves as consumed by it; returns how many."""
    with engine.begin() as conn:
        waiting = {request.id for request in pending_sync_requests(conn)}
        if not waiting:
            return 0
        runs = instance.get_runs(RunsFilter(tags={SENSOR_NAME_TAG: SENSOR_NAME}), limit=RECENT_RUNS)
        settled = 0
        for run in runs:
            ids = sorted(waiting.intersection(served_request_ids(run.tags)))
            settled += consume_sync_requests(conn, ids, run.run_id, now=now)
        return settled


def evaluate_requests(
    instance: DagsterInstance, engine: Engine, partitions_def: DailyPartitionsDefinition, now: datetime
) -> RunRequest | SkipReason:
    """One tick: settle served requests, then one run for every request still waiting, unless busy."""
    settle_requests(instance, engine, now)
    with engine.connect() as conn:
        waiting = pending_sync_requests(conn)
    if not waiting:
        return SkipReason("no Sync request waiting")
    busy = busy_reason(instance, engine)
    if busy is not None:
        return SkipReason(f"{len(waiting)} Sync request(s) wait: {busy}")
    first, last = waiting[0].id, waiting[-1].id
    return RunRequest(
        run_key=f"sync-requests-{last}",
        tags={
            **sync_run_tags(sync_range(partitions_def, engine, now), "manual"),
            SYNC_REQUESTS_TAG: request_ids_tag(first, last),
        },
    )


def build_sync_sensor(partitions_def: DailyPartitionsDefinition) -> SensorDefinition:
    """The Sync button's sensor; its runs cover the days not synced yet on ``partitions_def``."""

    @sensor(
        name=SENSOR_NAME,
        job_name=SYNC_JOB,
        minimum_interval_seconds=15,
        default_status=DefaultSensorStatus.RUNNING,
        description="Runs `sync` for the Sync requests waiting in crm_sync_requests, one run for them all.",
    )
    def sync_requests_sensor(
        context: SensorEvaluationContext, crm: CrmDatabaseResource
    ) -> RunRequest | SkipReason:
        return evaluate_requests(context.instance, crm.get_engine(), partitions_def, utc_now())

    return sync_requests_sensor
