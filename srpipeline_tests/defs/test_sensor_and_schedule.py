"""The Sync sensor (folds presses, skips while a sync is in flight, records run ids) and the dawn schedule."""

from datetime import UTC, datetime

import pytest
from dagster import DagsterRunStatus, RunRequest, SkipReason, build_schedule_context, build_sensor_context
from dagster._core.test_utils import create_run_for_test
from dagster._utils.schedules import cron_string_iterator
from sqlalchemy import select

from srpipeline.crm.schema import crm_sync_requests
from srpipeline.crm.state import request_sync
from srpipeline.defs.resources import CrmDatabaseResource
from srpipeline.defs.schedules import build_dawn_schedule
from srpipeline.defs.sensors import SENSOR_NAME, build_sync_sensor
from srpipeline.defs.tags import SENSOR_NAME_TAG, SHOP_POOL_RUN_TAG, SYNC_REQUESTS_TAG, TRIGGER_TAG

from .conftest import TEST_PARTITIONS, full_range

sync_requests_sensor = build_sync_sensor(TEST_PARTITIONS)
dawn_sync = build_dawn_schedule(TEST_PARTITIONS)


@pytest.fixture
def crm(tmp_path) -> CrmDatabaseResource:
    return CrmDatabaseResource(
        database_url=f"sqlite:///{tmp_path / 'crm.sqlite'}",
        status_mapping_path=str(tmp_path / "mapping.yaml"),
    )


def tick(instance, crm):
    with build_sensor_context(instance=instance, resources={"crm": crm}) as context:
        return sync_requests_sensor(context)


def launch(instance, request: RunRequest, status=DagsterRunStatus.NOT_STARTED):
    """What the daemon does with a run request (plus the pool tag Dagster adds to runs of our assets)."""
    tags = {**request.tags, SENSOR_NAME_TAG: SENSOR_NAME, SHOP_POOL_RUN_TAG: "true"}
    return create_run_for_test(instance, job_name="sync", tags=tags, status=status)


def served_by(crm) -> dict[int, str | None]:
    with crm.get_engine().connect() as conn:
        return dict(conn.execute(select(crm_sync_requests.c.id, crm_sync_requests.c.run_id)).all())


def test_no_request_no_run(instance, crm) -> None:
    assert isinstance(tick(instance, crm), SkipReason)


def test_presses_waiting_are_folded_into_one_run_and_record_its_id(instance, crm) -> None:
    ids = [request_sync(crm.get_engine(), f"user{n}") for n in range(3)]
    request = tick(instance, crm)
    assert isinstance(request, RunRequest)
    assert request.tags[SYNC_REQUESTS_TAG] == f"{ids[0]}-{ids[-1]}"
    assert request.tags[TRIGGER_TAG] == "manual"
    assert request.tags["dagster/asset_partition_range_start"] == full_range().start  # nothing synced yet
    assert request.tags["dagster/asset_partition_range_end"] == full_range().end

    run = launch(instance, request)
    later = request_sync(crm.get_engine(), "late")  # pressed while the run is on its way
    skipped = tick(instance, crm)
    assert isinstance(skipped, SkipReason) and run.run_id in skipped.skip_message
    assert served_by(crm) == {**dict.fromkeys(ids, run.run_id), later: None}

    instance.report_run_canceled(run)  # the run ended (any end frees the pool)
    second = tick(instance, crm)
    assert isinstance(second, RunRequest) and second.tags[SYNC_REQUESTS_TAG] == f"{later}-{later}"
    second_run = launch(instance, second)
    assert isinstance(tick(instance, crm), SkipReason)
    assert served_by(crm)[later] == second_run.run_id


def test_skips_while_any_run_of_the_shop_pool_is_in_flight(instance, crm) -> None:
    ui_run = create_run_for_test(
        instance, job_name="__ASSET_JOB", tags={SHOP_POOL_RUN_TAG: "true"}, status=DagsterRunStatus.STARTED
    )
    create_run_for_test(instance, job_name="other", status=DagsterRunStatus.STARTED)  # not in the pool
    request_sync(crm.get_engine(), "user")
    skipped = tick(instance, crm)
    assert isinstance(skipped, SkipReason) and ui_run.run_id in skipped.skip_message
    instance.report_run_failed(ui_run)
    assert isinstance(tick(instance, crm), RunRequest)


def test_skips_while_another_process_holds_the_sync_lease(instance, crm) -> None:
    from datetime import timedelta

    from srpipeline.crm.lease import acquire

    request_sync(crm.get_engine(), "user")
    with acquire(crm.get_engine(), "cli-sync-now", timedelta(minutes=1)):
        skipped = tick(instance, crm)
        assert isinstance(skipped, SkipReason) and "cli-sync-now" in skipped.skip_message
    assert isinstance(tick(instance, crm), RunRequest)


@pytest.mark.parametrize(
    ("after", "expected_utc"),
    [
        (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # CEST starts
        (datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 25, 2, 0, tzinfo=UTC)),  # CET again
    ],
)
def test_the_schedule_ticks_at_three_in_budapest_on_dst_days(after, expected_utc) -> None:
    assert dawn_sync.execution_timezone == "Europe/Budapest"
    ticks = cron_string_iterator(after.timestamp(), dawn_sync.cron_schedule, dawn_sync.execution_timezone)
    assert next(ticks).astimezone(UTC) == expected_utc


def test_the_schedule_asks_for_everything_not_synced_yet(crm) -> None:
    with build_schedule_context(
        scheduled_execution_time=datetime.now(UTC), resources={"crm": crm}
    ) as context:
        request = dawn_sync(context)
    assert request.tags[TRIGGER_TAG] == "schedule"
    assert request.tags["dagster/asset_partition_range_start"] == full_range().start
    assert dawn_sync.default_status.value == "RUNNING"
    assert sync_requests_sensor.default_status.value == "RUNNING"
    assert sync_requests_sensor.minimum_interval_seconds == 15


def test_the_ui_sync_button_records_a_press_that_the_sensor_folds_with_a_cli_press(instance, crm) -> None:
    from srpipeline.defs.jobs import PRESS_SYNC_JOB, press_sync

    assert press_sync.name == PRESS_SYNC_JOB
    presses = [press_sync.execute_in_process(instance=instance, resources={"crm": crm}) for _ in range(2)]
    cli = request_sync(crm.get_engine(), "cli:someone")
    pressed = [result.output_for_node("record_sync_press") for result in presses]
    assert all(result.success for result in presses) and pressed == [cli - 2, cli - 1]
    request = tick(instance, crm)
    assert isinstance(request, RunRequest) and request.tags[SYNC_REQUESTS_TAG] == f"{cli - 2}-{cli}"
    with crm.get_engine().connect() as conn:
        by = conn.execute(select(crm_sync_requests.c.requested_by).order_by(crm_sync_requests.c.id)).scalars()
        assert list(by) == [f"ui:{presses[0].run_id[:8]}", f"ui:{presses[1].run_id[:8]}", "cli:someone"]
