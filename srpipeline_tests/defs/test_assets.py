"""Each asset materialized against a real sandbox shop into a SQLite CRM, as the `sync` job runs them."""

from dagster import AssetKey, DagsterEventType, EventRecordsFilter
from sqlalchemy import func, select

from srpipeline.crm.schema import (
    crm_contacts,
    crm_coupons,
    crm_orders,
    crm_sync_log,
    crm_webshop_cards,
    sr_order_statuses,
)
from srpipeline.defs.tags import TRIGGER_TAG, run_trigger

from .conftest import materialize_all, sync_tags


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def latest_metadata(instance, asset: str) -> dict:
    records = instance.get_event_records(
        EventRecordsFilter(DagsterEventType.ASSET_MATERIALIZATION, asset_key=AssetKey(asset)), limit=1
    )
    return {key: value.value for key, value in records[0].asset_materialization.metadata.items()}


def test_a_first_sync_brings_the_whole_shop_with_metadata_and_progress(pipeline, instance) -> None:
    store = pipeline.shop.store
    result = materialize_all(pipeline, instance)
    assert result.success

    engine = pipeline.engine
    orders_in_shop = len(set(store.order_ids()) - store.abandoned_ids())
    assert count(engine, crm_orders) == orders_in_shop
    assert count(engine, crm_contacts, crm_contacts.c.sr_customer_inner_id.isnot(None)) == len(
        store.customer_ids()
    )
    assert count(engine, crm_coupons) == len(store.coupon_items())
    assert count(engine, sr_order_statuses) == len(store.status_items())

    orders = latest_metadata(instance, "orders")
    assert orders["inserted"] == orders_in_shop and orders["updated"] == 0
    assert orders["requests"] >= 1 and orders["throttled"] == 0
    assert orders["window_lo"] is None and orders["window_hi"]  # first partition: open at the bottom
    assert {"unchanged", "seconds"} <= orders.keys()
    assert latest_metadata(instance, "customers")["inserted"] == len(store.customer_ids())
    assert latest_metadata(instance, "status_mapping")["mapped"] + latest_metadata(
        instance, "status_mapping"
    )["unmapped"] == len(store.status_items())
    cards = count(engine, crm_webshop_cards)
    assert cards > 0 and latest_metadata(instance, "webshop_segments")["updated"] == cards

    messages = [event.message for event in instance.all_logs(result.run_id) if event.message]
    assert any(message.startswith("orders: ") and " pages, " in message for message in messages)

    with engine.connect() as conn:
        logged = conn.execute(
            select(crm_sync_log.c.stream, crm_sync_log.c.run_id, crm_sync_log.c.trigger)
        ).all()
    assert {row.stream for row in logged} == {"order_statuses", "coupons", "customers", "orders", "segments"}
    assert {(row.run_id, row.trigger) for row in logged} == {(result.run_id, "manual")}


def test_a_second_sync_reads_only_what_changed(pipeline, instance) -> None:
    assert materialize_all(pipeline, instance).success
    second = materialize_all(pipeline, instance, tags=sync_tags("schedule"))
    assert second.success
    orders = latest_metadata(instance, "orders")
    assert orders["inserted"] == 0 and orders["updated"] == 0
    assert orders["window_lo"] is not None  # resumed from where the CRM is complete
    with pipeline.engine.connect() as conn:
        triggers = conn.execute(
            select(crm_sync_log.c.trigger).where(crm_sync_log.c.run_id == second.run_id).distinct()
        ).scalars()
        assert set(triggers) == {"schedule"}


def test_one_partition_materialized_from_the_ui_is_logged_as_ui(pipeline, instance) -> None:
    today = sync_tags()["dagster/asset_partition_range_end"]
    result = materialize_all(pipeline, instance, tags={}, partition_key=today, selection=["customers"])
    assert result.success
    with pipeline.engine.connect() as conn:
        row = conn.execute(select(crm_sync_log.c.stream, crm_sync_log.c.trigger)).one()
    assert tuple(row) == ("customers", "ui")


def test_the_trigger_comes_from_the_run_tags() -> None:
    assert run_trigger({TRIGGER_TAG: "schedule"}) == "schedule"
    assert run_trigger({"dagster/backfill": "abc"}) == "backfill"
    assert run_trigger({}) == "ui"
    assert run_trigger({TRIGGER_TAG: "nonsense"}) == "ui"


def test_a_sensor_run_marks_the_requests_it_serves_as_soon_as_it_starts(pipeline, instance) -> None:
    from srpipeline.app.runs import request_sync
    from srpipeline.crm.schema import crm_sync_requests
    from srpipeline.defs.tags import SYNC_REQUESTS_TAG

    first, second, later = (request_sync(pipeline.engine, name) for name in ("a", "b", "c"))
    result = materialize_all(
        pipeline,
        instance,
        tags={**sync_tags(), SYNC_REQUESTS_TAG: f"{first}-{second}"},
        selection=["coupons"],
    )
    assert result.success
    with pipeline.engine.connect() as conn:
        served = dict(conn.execute(select(crm_sync_requests.c.id, crm_sync_requests.c.run_id)).all())
    assert served == {first: result.run_id, second: result.run_id, later: None}
