"""End to end: the real dagster-webserver and dagster-daemon on a temporary Dagster home.

Two presses of the UI's Sync button 0.5 s apart (the `press_sync` launch the Launchpad makes, through
GraphQL), three CLI presses, one more while the sync runs, and a UI "Materialize" of the orders asset
while the sync runs: the sensor folds the presses into few runs and serves every one, the pool keeps
every run of `shoprenter_api` apart in time, and the CRM equals the shop.
"""

import itertools
import time
from datetime import date

import pytest
import requests
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from sqlalchemy import func, select

from srpipeline.app.ui import start_ui
from srpipeline.crm.schema import crm_contacts, crm_orders, crm_sync_requests
from srpipeline.crm.state import request_sync
from srpipeline.defs.tags import SHOP_POOL_RUN_TAG, SYNC_REQUESTS_TAG
from srpipeline.settings import read_settings
from srpipeline_tests.processes import free_port

pytestmark = pytest.mark.e2e

DEADLINE = 150.0  # alone it takes about 60 s; room for a loaded CI machine
LINEAGE = {
    "orders": {"order_statuses", "status_mapping", "customers", "coupons"},
    "webshop_segments": {"orders", "customers"},
    "status_mapping": {"order_statuses"},
}


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    response = requests.post(
        f"{url}/graphql", json={"query": query, "variables": variables or {}}, timeout=30
    )
    response.raise_for_status()
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def wait_for(condition, what: str, deadline: float):
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def pending_requests(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(
            select(func.count()).select_from(crm_sync_requests).where(crm_sync_requests.c.run_id.is_(None))
        ).scalar_one()


LOCATION = {"repositoryLocationName": "srpipeline", "repositoryName": "__repository__"}
LAUNCH = """
mutation($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
  }
}"""


def test_sync_presses_and_a_ui_materialize_through_the_real_daemon(make_pipeline, tmp_path) -> None:
    deadline = time.monotonic() + DEADLINE
    pipeline = make_pipeline(orders=300, customers=80, rate=20)
    home = tmp_path / "dagster_home"
    ui = start_ui(read_settings({**pipeline.env, "DAGSTER_HOME": str(home)}), port=free_port())
    try:
        ui.wait_ready(timeout=60)
        engine = pipeline.engine
        press_runs = []
        for _ in range(2):
            pressed = graphql(ui.url, LAUNCH, {"params": {"selector": {**LOCATION, "jobName": "press_sync"}}})
            assert pressed["launchRun"]["__typename"] == "LaunchRunSuccess", pressed
            press_runs.append(pressed["launchRun"]["run"]["runId"])
            time.sleep(0.5)  # a person pressing twice, half a second apart
        for n in range(3):
            request_sync(engine, f"user{n}")
        instance = DagsterInstance.from_config(str(home))

        def sensor_run_started():
            runs = instance.get_runs(RunsFilter(job_name="sync", statuses=[DagsterRunStatus.STARTED]))
            return next((r for r in runs if SYNC_REQUESTS_TAG in r.tags), None)

        first_run = wait_for(sensor_run_started, "the first sync run to start", deadline)
        late_press = request_sync(engine, "late")
        today = (
            date.today().isoformat()
        )  # the test shop's time zone day may differ at midnight: any day will do
        launched = graphql(
            ui.url,
            LAUNCH,
            {
                "params": {
                    "selector": {
                        **LOCATION,
                        "jobName": "__ASSET_JOB",
                        "assetSelection": [{"path": ["orders"]}],
                    },
                    "executionMetadata": {"tags": [{"key": "dagster/partition", "value": today}]},
                }
            },
        )["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        ui_run_id = launched["run"]["runId"]

        wait_for(
            lambda: all(instance.get_run_by_id(run_id).is_finished for run_id in press_runs),
            "both UI presses to be recorded",
            deadline,
        )
        wait_for(lambda: pending_requests(engine) == 0, "every Sync request to be served", deadline)
        wait_for(
            lambda: all(
                run.is_finished for run in instance.get_runs(RunsFilter(tags={SHOP_POOL_RUN_TAG: "true"}))
            ),
            "every run to finish",
            deadline,
        )

        with engine.connect() as conn:
            rows = conn.execute(
                select(crm_sync_requests.c.id, crm_sync_requests.c.run_id, crm_sync_requests.c.requested_by)
            ).all()
        served = {row.id: row.run_id for row in rows}
        ui_presses = {row.requested_by for row in rows if row.requested_by.startswith("ui:")}
        assert ui_presses == {f"ui:{run_id[:8]}" for run_id in press_runs}  # both UI presses recorded
        sensor_runs = set(served.values())
        assert (
            None not in sensor_runs and first_run.run_id in sensor_runs and served[late_press] in sensor_runs
        )
        assert len(sensor_runs) <= 3  # six presses, folded
        assert all(instance.get_run_by_id(run_id).status == DagsterRunStatus.SUCCESS for run_id in press_runs)

        pool_runs = instance.get_runs(RunsFilter(tags={SHOP_POOL_RUN_TAG: "true"}))
        assert {run.run_id for run in pool_runs} == sensor_runs | {ui_run_id}
        failures = {
            run.job_name: [
                e.message
                for e in instance.all_logs(run.run_id)
                if e.is_dagster_event and e.dagster_event.is_failure
            ]
            for run in pool_runs
            if run.status != DagsterRunStatus.SUCCESS
        }
        assert not failures, failures
        spans = sorted(
            (record.start_time, record.end_time)
            for record in instance.get_run_records(RunsFilter(tags={SHOP_POOL_RUN_TAG: "true"}))
        )
        for (_, end), (next_start, _) in itertools.pairwise(spans):
            assert end <= next_start, f"two runs of pool shoprenter_api overlapped: {spans}"
        ui_record = instance.get_run_record_by_id(ui_run_id)
        first_record = instance.get_run_record_by_id(first_run.run_id)
        assert ui_record.start_time >= first_record.end_time  # queued until the sync ended

        store = pipeline.shop.store
        with engine.connect() as conn:
            orders = conn.execute(select(func.count()).select_from(crm_orders)).scalar_one()
            customers = conn.execute(
                select(func.count())
                .select_from(crm_contacts)
                .where(crm_contacts.c.sr_customer_inner_id.isnot(None))
            ).scalar_one()
        assert orders == len(set(store.order_ids()) - store.abandoned_ids())
        assert customers == len(store.customer_ids())

        nodes = graphql(ui.url, "{ assetNodes { assetKey { path } dependencyKeys { path } groupName } }")[
            "assetNodes"
        ]
        parents = {
            "/".join(n["assetKey"]["path"]): {"/".join(d["path"]) for d in n["dependencyKeys"]} for n in nodes
        }
        for asset, expected in LINEAGE.items():
            assert parents[asset] == expected
        runs = graphql(
            ui.url,
            "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }",
        )["runsOrError"]["results"]
        history = {run["runId"]: run for run in runs}
        assert set(history) == sensor_runs | {ui_run_id} | set(press_runs)
        triggers = {
            run_id: {t["key"]: t["value"] for t in history[run_id]["tags"]}.get("srpipeline/trigger")
            for run_id in sensor_runs
        }
        assert set(triggers.values()) == {"manual"}
    finally:
        ui.stop()
