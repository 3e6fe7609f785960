"""Sync runs from the command line: press Sync, follow a press to its run, run `sync` in process."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dagster import (
    AssetMaterialization,
    AssetObservation,
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    PartitionKeyRange,
    RunsFilter,
)
from sqlalchemy import Engine

from srpipeline.clock import utc_now
from srpipeline.crm.engine import open_crm
from srpipeline.crm.state import Trigger, request_run_id
from srpipeline.defs.definitions import build_definitions
from srpipeline.defs.jobs import FULL_REFRESH_JOB, SYNC_JOB, sync_range
from srpipeline.defs.partitions import daily_partitions
from srpipeline.defs.tags import sync_run_tags
from srpipeline.settings import Settings


@dataclass(frozen=True)
class RunReport:
    """What one sync run did: its id, each asset's metadata, each check's outcome."""

    run_id: str
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    checks: dict[str, tuple[bool, str]] = field(default_factory=dict)

    def add(self, event: AssetMaterialization | AssetObservation) -> None:
        """Fold one materialization or observation into the asset's figures: per-day row counts
        add up to the run's, the run-wide figures are taken as they are."""
        figures = self.assets.setdefault(event.asset_key.to_user_string(), {})
        for key, value in event.metadata.items():
            add_up = key.startswith("Rows ") or key == "dagster/row_count"
            figures[key] = figures.get(key, 0) + value.value if add_up else value.value


def run_sync_job(
    instance: DagsterInstance, settings: Settings, *, trigger: Trigger = "manual", full_refresh: bool = False
) -> tuple[bool, RunReport]:
    """Run `sync` (or `full_refresh` over every partition) in this process, recorded in ``instance``.

    Bypasses the run queue (so no pool slot is taken); the CRM's sync lease still keeps it from
    interleaving with another sync. The same definitions as the code location, on ``settings``.
    """
    partitions_def = daily_partitions(settings)
    now = utc_now()
    if full_refresh:
        keys = partitions_def.get_partition_keys(current_time=now)
        key_range = PartitionKeyRange(keys[0], keys[-1])
    else:
        engine = open_crm(settings.crm_database_url)
        try:
            key_range = sync_range(partitions_def, engine, now)
        finally:
            engine.dispose()
    job = build_definitions(settings).resolve_job_def(FULL_REFRESH_JOB if full_refresh else SYNC_JOB)
    result = job.execute_in_process(
        instance=instance,
        tags=sync_run_tags(key_range, trigger),
        raise_on_error=False,
        # progress and summaries on the terminal; Dagster's step-by-step events stay in the UI
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    report = RunReport(run_id=result.run_id)
    for event in result.get_asset_materialization_events():
        report.add(event.step_materialization_data.materialization)
    for event in result.get_asset_observation_events():
        report.add(event.asset_observation_data.asset_observation)
    for evaluation in result.get_asset_check_evaluations():
        report.checks[evaluation.check_name] = (evaluation.passed, evaluation.description or "")
    return result.success, report


@dataclass(frozen=True)
class RequestOutcome:
    request_id: int
    run_id: str
    run_status: DagsterRunStatus | None  # None when no instance was given to follow the run


def wait_for_request(
    engine: Engine,
    request_id: int,
    timeout: float,
    *,
    instance: DagsterInstance | None = None,
    poll_seconds: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> RequestOutcome:
    """Wait until a Sync request is served by a run and, given the instance, until that run ends."""
    deadline = clock() + timeout
    run_id: str | None = None
    while True:
        if run_id is None:
            with engine.connect() as conn:
                run_id = request_run_id(conn, request_id)
        if run_id is not None:
            if instance is None:
                return RequestOutcome(request_id, run_id, None)
            run = instance.get_run_by_id(run_id)
            if run is not None and run.is_finished:
                return RequestOutcome(request_id, run_id, run.status)
        if clock() >= deadline:
            waiting_for = f"run {run_id} to end" if run_id else "a run to serve it"
            raise TimeoutError(
                f"Sync request {request_id}: still waiting for {waiting_for} after {timeout:.0f} s; "
                "is the Dagster daemon running (`srpipeline ui`)?"
            )
        sleep(poll_seconds)


@dataclass(frozen=True)
class FailedRun:
    """The last failed run of the code location's jobs, and whether a run succeeded after it."""

    run_id: str
    job_name: str
    failed_at: datetime | None
    reason: str
    succeeded_since: bool

    def describe(self) -> str:
        when = f" at {self.failed_at:%Y-%m-%d %H:%M:%S} UTC" if self.failed_at else ""
        since = " (a later run succeeded)" if self.succeeded_since else ""
        return f"Last failed run: {self.run_id[:8]} of job {self.job_name}{when}{since}: {self.reason}"


def last_failed_run(instance: DagsterInstance) -> FailedRun | None:
    """The latest failed `sync`, `full_refresh` or asset run, with the one line that says why: the
    error the run's first failed step raised (Dagster's wrapper peeled off), else the run's failure."""
    failed = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.FAILURE]), limit=1)
    if not failed:
        return None
    run = failed[0]
    record = instance.get_run_record_by_id(run.run_id)
    ended = record.end_time if record else None
    later = instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.SUCCESS]), limit=1)
    later_record = instance.get_run_record_by_id(later[0].run_id) if later else None
    succeeded_since = bool(later_record and ended and later_record.end_time and later_record.end_time > ended)
    return FailedRun(
        run_id=run.run_id,
        job_name=run.job_name,
        failed_at=datetime.fromtimestamp(ended, UTC) if ended else None,
        reason=_failure_reason(instance, run.run_id),
        succeeded_since=succeeded_since,
    )


def _failure_reason(instance: DagsterInstance, run_id: str) -> str:
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE):
        error = entry.dagster_event.step_failure_data.error  # type: ignore[union-attr]
        while error is not None and error.cause is not None:
            error = error.cause
        if error is not None:
            line = error.message.strip().splitlines()[0]
            kind, _, text = line.partition(": ")  # "srpipeline.shoprenter.errors.ConfigError: ..."
            return text if error.cls_name and kind.endswith(error.cls_name) and text else line
    for entry in instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE):
        return (entry.message or "the run failed").strip().splitlines()[0]
    return "the run failed (see its log in the UI)"
