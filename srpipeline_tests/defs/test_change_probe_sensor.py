"""The change probe's sensor on a real Dagster instance and the sandbox shop over HTTP (issue 13):
it launches on a change and not without one, never while a sync is on its way, and a shop it
cannot ask fails the tick with one line and launches nothing. A probe's run then materializes
the day assets and leaves the statuses and coupons it did not read."""

from __future__ import annotations

import pytest
from dagster import AssetKey, DagsterRunStatus, RunRequest, SkipReason, build_sensor_context
from dagster._core.test_utils import create_run_for_test

from srpipeline.crm.state import request_sync
from srpipeline.defs.change_probe_sensor import build_change_probe_sensor
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.tags import PROBE_SAW_TAG, SHOP_POOL_RUN_TAG, TRIGGER_TAG
from srpipeline_tests.crm_equality import assert_crm_equals_shop

from .conftest import TEST_PARTITIONS, Pipeline, materialize_all

probe_sensor = build_change_probe_sensor(TEST_PARTITIONS, 60)


def tick(instance, pipeline: Pipeline, **shop_fields: str):
    shop = ShoprenterResource(
        **{**ShoprenterResource.from_settings(pipeline.settings).model_dump(), **shop_fields}
    )
    crm = CrmDatabaseResource.from_settings(pipeline.settings)
    with build_sensor_context(instance=instance, resources={"shop": shop, "crm": crm}) as context:
        return probe_sensor(context)


@pytest.fixture
def synced(pipeline: Pipeline, instance) -> Pipeline:
    assert materialize_all(pipeline, instance).success
    pipeline.shop.clear_log()
    return pipeline


def test_no_change_no_run_and_two_requests(synced: Pipeline, instance) -> None:
    result = tick(instance, synced)
    assert isinstance(result, SkipReason)
    assert result.skip_message.startswith("nothing changed since ") and result.skip_message.endswith(
        "(2 requests)"
    )
    assert len(synced.shop.request_log) == 2


def test_a_changed_order_launches_a_probe_sync_that_skips_the_lists(synced: Pipeline, instance) -> None:
    shop = synced.shop
    order = next(i for i in shop.store.order_ids() if i not in shop.store.abandoned_ids())
    shop.control.set_order_status(order, 2)
    request = tick(instance, synced)
    assert isinstance(request, RunRequest)
    assert request.tags[TRIGGER_TAG] == "probe"
    assert request.tags[PROBE_SAW_TAG].startswith("orders changed since ")

    shop.clear_log()
    result = materialize_all(synced, instance, tags=request.tags)
    assert result.success
    lists = {
        event.asset_key.to_user_string(): event.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.asset_key in (AssetKey("order_statuses"), AssetKey("coupons"))
    }
    assert lists["order_statuses"]["Not read"].value.startswith(
        "order_statuses: not read again (read 0 min ago"
    )
    assert lists["coupons"]["dagster/row_count"].value == len(shop.store.coupons)
    assert len(shop.request_log) <= 4, [r.path for r in shop.request_log]
    assert_crm_equals_shop(synced.engine, shop)


def test_never_probes_while_a_sync_is_on_its_way_or_a_press_waits(synced: Pipeline, instance) -> None:
    synced.shop.control.add_orders(1)
    run = create_run_for_test(
        instance, job_name="sync", tags={SHOP_POOL_RUN_TAG: "true"}, status=DagsterRunStatus.NOT_STARTED
    )
    skipped = tick(instance, synced)
    assert isinstance(skipped, SkipReason) and run.run_id in skipped.skip_message
    instance.report_run_canceled(run)
    request_sync(synced.engine, "user")
    skipped = tick(instance, synced)
    assert isinstance(skipped, SkipReason) and "Sync press waits" in skipped.skip_message
    assert synced.shop.request_log == []


def test_a_shop_refusing_the_credentials_fails_the_tick_with_one_line(synced: Pipeline, instance) -> None:
    synced.shop.control.add_orders(1)
    runs_before = len(instance.get_runs())
    with pytest.raises(Exception, match="The change probe could not ask the shop") as raised:
        tick(instance, synced, password="wrong")
    assert "\n" not in str(raised.value).strip()
    assert "wrong" not in str(raised.value)
    assert len(instance.get_runs()) == runs_before
