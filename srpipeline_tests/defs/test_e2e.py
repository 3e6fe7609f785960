"""End to end: the real dagster-webserver and dagster-daemon on a temporary Dagster home.

Three Sync presses within a second, one more while the run is going, and a UI "Materialize" of the
orders asset submitted through GraphQL while the sync runs: the sensor folds the presses into at most
two runs, the pool keeps every run of `shoprenter_api` apart in time, and the CRM equals the shop.
"""

import itertools
import socket
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

pytestmark = pytest.mark.e2e

DEADLINE = 150.0  # alone it takes about 60 s; room for a loaded CI machine
LINEAGE = {
    "orders": {"order_statuses", "status_mapping", "customers", "coupons"},
    "webshop_segments": {"orders", "customers"},
    "status_mapping": {"order_statuses"},
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


LAUNCH_ORDERS = """
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
        first_presses = [request_sync(engine, f"user{n}") for n in range(3)]
        instance = DagsterInstance.from_config(str(home))

        def sync_runs():
            return instance.get_runs(
                RunsFilter(tags={SYNC_REQUESTS_TAG: f"{first_presses[0]}-{first_presses[-1]}"})
            )

        first_run = wait_for(
            lambda: next((r for r in sync_runs() if r.status == DagsterRunStatus.STARTED), None),
            "the first sync run to start",
            deadline,
        )
        late_press = request_sync(engine, "late")
        today = (
            date.today().isoformat()
        )  # the test shop's time zone day may differ at midnight: any day will do
        launched = graphql(
            ui.url,
            LAUNCH_ORDERS,
            {
                "params": {
                    "selector": {
                        "repositoryLocationName": "srpipeline",
                        "repositoryName": "__repository__",
                        "jobName": "__ASSET_JOB",
                        "assetSelection": [{"path": ["orders"]}],
                    },
                    "executionMetadata": {"tags": [{"key": "dagster/partition", "value": today}]},
                }
            },
        )["launchRun"]
        assert launched["__typename"] == "LaunchRunSuccess", launched
        ui_run_id = launched["run"]["runId"]

        wait_for(lambda: pending_requests(engine) == 0, "every Sync request to be served", deadline)
        wait_for(
            lambda: all(
                run.is_finished for run in instance.get_runs(RunsFilter(tags={SHOP_POOL_RUN_TAG: "true"}))
            ),
            "every run to finish",
            deadline,
        )

        with engine.connect() as conn:
            served = dict(conn.execute(select(crm_sync_requests.c.id, crm_sync_requests.c.run_id)).all())
        assert {served[i] for i in first_presses} == {first_run.run_id}
        sensor_runs = {run_id for run_id in served.values()}
        assert len(sensor_runs) <= 2 and served[late_press] in sensor_runs

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
        assert set(history) == sensor_runs | {ui_run_id}
        triggers = {
            run_id: {t["key"]: t["value"] for t in history[run_id]["tags"]}.get("srpipeline/trigger")
            for run_id in sensor_runs
        }
        assert set(triggers.values()) == {"manual"}
    finally:
        ui.stop()
