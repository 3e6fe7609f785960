"""The dawn sync: every day at 03:00 in the shop's time zone."""

from dagster import DefaultScheduleStatus, RunRequest, ScheduleEvaluationContext, schedule

from srpipeline.defs.jobs import sync_job, sync_range
from srpipeline.defs.partitions import daily_change_partitions
from srpipeline.defs.resources import CrmDatabaseResource
from srpipeline.defs.tags import sync_run_tags


@schedule(
    name="dawn_sync",
    job=sync_job,
    cron_schedule="0 3 * * *",
    execution_timezone=daily_change_partitions.timezone,
    default_status=DefaultScheduleStatus.RUNNING,
    description="Syncs what changed since the last sync, every day at 03:00 shop time.",
)
def dawn_sync(context: ScheduleEvaluationContext, crm: CrmDatabaseResource) -> RunRequest:
    key_range = sync_range(crm.get_engine(), context.scheduled_execution_time)
    return RunRequest(tags=sync_run_tags(key_range, "schedule"))
