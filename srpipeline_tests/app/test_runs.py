"""What the CLI calls: the Dagster home, Sync requests and an in-process sync recorded in the instance."""

from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance, DagsterRunStatus
from sqlalchemy import update

from srpipeline.app.home import prepare_dagster_home
from srpipeline.app.runs import run_sync_job, wait_for_request
from srpipeline.crm.schema import crm_sync_requests
from srpipeline.crm.state import request_sync


def test_prepare_dagster_home_copies_our_settings_once(tmp_path) -> None:
    home = prepare_dagster_home(tmp_path / "home")
    settings = yaml.safe_load((home / "dagster.yaml").read_text())
    assert settings["concurrency"]["pools"] == {"granularity": "run", "default_limit": 1}
    assert settings["run_monitoring"]["free_slots_after_run_end_seconds"] > 0
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")  # a person's edit is kept
    prepare_dagster_home(home)
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"


def test_run_sync_job_records_the_run_in_the_instance(pipeline) -> None:
    home = prepare_dagster_home(Path(pipeline.env["DAGSTER_HOME"]))
    with DagsterInstance.from_config(str(home)) as instance:
        success, report = run_sync_job(instance, pipeline.settings, trigger="manual")
        assert success
        assert report.assets["orders"]["Rows inserted"] == len(
            set(pipeline.shop.store.order_ids()) - pipeline.shop.store.abandoned_ids()
        )
        assert report.checks["order_totals_add_up"][0] is True
        run = instance.get_run_by_id(report.run_id)
        assert run.status == DagsterRunStatus.SUCCESS and run.job_name == "sync"
        assert run.tags["srpipeline/trigger"] == "manual"


def test_wait_for_request_follows_it_to_its_run(pipeline) -> None:
    request_id = request_sync(pipeline.engine, "cli")
    with pytest.raises(TimeoutError, match=f"Sync request {request_id}.*daemon"):
        wait_for_request(pipeline.engine, request_id, 0, sleep=lambda _: None)
    with pipeline.engine.begin() as conn:
        conn.execute(update(crm_sync_requests).values(run_id="run-1"))
    outcome = wait_for_request(pipeline.engine, request_id, 5)
    assert (outcome.request_id, outcome.run_id, outcome.run_status) == (request_id, "run-1", None)
    with pytest.raises(LookupError, match="does not exist"):
        wait_for_request(pipeline.engine, 999, 1)


def test_status_names_a_run_that_failed_before_any_stream_started(pipeline) -> None:
    from srpipeline.app.runs import last_failed_run
    from srpipeline.crm.schema import crm_sync_log
    from srpipeline.settings import read_settings

    home = prepare_dagster_home(Path(pipeline.env["DAGSTER_HOME"]))
    no_shop = read_settings({**pipeline.env, "SHOPRENTER_API_URL": ""})
    with DagsterInstance.from_config(str(home)) as instance:
        assert last_failed_run(instance) is None
        success, report = run_sync_job(instance, no_shop, trigger="manual")
        assert not success
        failed = last_failed_run(instance)
    with pipeline.engine.connect() as conn:
        assert conn.execute(crm_sync_log.select()).first() is None  # no stream started
    assert failed is not None and failed.run_id == report.run_id and not failed.succeeded_since
    assert failed.reason == "SHOPRENTER_API_URL is not set: set it to the shop's API URL"
    assert failed.describe().endswith(
        f"of job sync at {failed.failed_at:%Y-%m-%d %H:%M:%S} UTC: {failed.reason}"
    )
