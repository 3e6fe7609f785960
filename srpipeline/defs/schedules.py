"""The dawn sync: every day at 03:00 in the shop's time zone."""

from dagster import (
    DailyPartitionsDefinition,
    DefaultScheduleStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    schedule,
)

from srpipeline.defs.jobs import SYNC_JOB, sync_range
from srpipeline.defs.resources import CrmDatabaseResource
from srpipeline.defs.tags import sync_run_tags

SCHEDULE_NAME = "dawn_sync"


def build_dawn_schedule(partitions_def: DailyPartitionsDefinition) -> ScheduleDefinition:
    @schedule(
        name=SCHEDULE_NAME,
        job_name=SYNC_JOB,
        cron_schedule="0 3 * * *",
        execution_timezone=partitions_def.timezone,
        default_status=DefaultScheduleStatus.RUNNING,
        description="Syncs what changed since the last sync, every day at 03:00 shop time.",
    )
    def dawn_sync(context: ScheduleEvaluationContext, crm: CrmDatabaseResource) -> RunRequest:
        key_range = sync_range(partitions_def, crm.get_engine(), context.scheduled_execution_time)
        return RunRequest(tags=sync_run_tags(key_range, "schedule"))

    return dawn_sync
