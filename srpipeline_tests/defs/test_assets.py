"""Each asset materialized against a real sandbox shop into a SQLite CRM, as the `sync` job runs them."""

import re
from collections import Counter
from zoneinfo import ZoneInfo

from dagster import AssetKey
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

from .conftest import TEST_PARTITIONS, materialize_all, sync_tags


def count(engine, table, *where) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def metadata_of(event) -> dict:
    return {key: value.value for key, value in event.metadata.items()}


def latest_metadata(instance, asset: str) -> dict:
    records = instance.fetch_materializations(AssetKey(asset), limit=1).records
    return metadata_of(records[0].asset_materialization)


def run_figures(instance, asset: str, run_id: str) -> dict:
    """The run-wide figures: one observation of the asset per run."""
    records = instance.fetch_observations(AssetKey(asset), limit=10).records
    (observation,) = [r.asset_observation for r in records if r.run_id == run_id]
    return metadata_of(observation)


def partition_figures(instance, asset: str, run_id: str) -> dict[str, dict]:
    records = instance.fetch_materializations(AssetKey(asset), limit=1000).records
    return {r.partition_key: metadata_of(r.asset_materialization) for r in records if r.run_id == run_id}


def rows_per_partition(engine, table, changed_at) -> Counter:
    """Stored rows by the partition their shop change time falls in (older ones in the first)."""
    zone = ZoneInfo(TEST_PARTITIONS.timezone)
    keys = TEST_PARTITIONS.get_partition_keys()
    with engine.connect() as conn:
        times = conn.execute(select(changed_at)).scalars().all()
    return Counter(min(max(t.astimezone(zone).date().isoformat(), keys[0]), keys[-1]) for t in times)


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

    # Each orders partition carries its own day's rows: they add up to the orders loaded, and
    # match the day each stored order changed in the shop.
    days = partition_figures(instance, "orders", result.run_id)
    assert list(days) == sorted(TEST_PARTITIONS.get_partition_keys(), reverse=True)
    assert sum(day["Rows inserted"] for day in days.values()) == orders_in_shop
    expected = rows_per_partition(engine, crm_orders, crm_orders.c.updated_at)
    row_counts = {key: day["dagster/row_count"] for key, day in days.items()}
    assert {key: rows for key, rows in row_counts.items() if rows} == expected
    assert len(set(row_counts.values())) > 1
    assert all("Requests to the shop" not in day for day in days.values())  # run-wide: once, below
    figures = run_figures(instance, "orders", result.run_id)
    assert figures["Requests to the shop"] >= 1 and figures["429 answers (throttled)"] == 0
    assert figures["Rows in the CRM, all days"] == orders_in_shop
    assert figures["Window of shop change times"].startswith("the beginning → ")  # open at the bottom
    assert figures["Window of shop change times"].endswith(f"({TEST_PARTITIONS.timezone})")
    assert not any(value is None or value == [] for value in figures.values())

    customers = partition_figures(instance, "customers", result.run_id)
    assert sum(day["Rows inserted"] for day in customers.values()) == len(store.customer_ids())
    mapping = latest_metadata(instance, "status_mapping")
    mapped = (
        mapping["Statuses mapped and confirmed"]
        + mapping["Statuses mapped by a suggestion not yet confirmed"]
    )
    assert mapped + mapping["Statuses not mapped"] == len(store.status_items())
    assert mapping["Statuses mapped by a suggestion not yet confirmed"] > 0  # the demo's file is suggestions
    cards = count(engine, crm_webshop_cards)
    segments = latest_metadata(instance, "webshop_segments")
    assert cards > 0 and segments["Rows updated"] == cards
    assert "Requests to the shop" not in segments  # computed in the CRM: no figure that did not happen

    messages = [event.message for event in instance.all_logs(result.run_id) if event.message]
    assert any(re.match(r"orders: \d+ pages?, \d+ rows?, ", message) for message in messages)

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
    days = partition_figures(instance, "orders", second.run_id)
    assert sum(day["Rows inserted"] + day["Rows updated"] for day in days.values()) == 0
    # Nothing read, yet each day re-materialized says what the CRM holds for it, not 0.
    held = rows_per_partition(pipeline.engine, crm_orders, crm_orders.c.updated_at)
    assert sum(held[key] for key in days) > 0
    assert {key: day["dagster/row_count"] for key, day in days.items()} == {key: held[key] for key in days}
    window = run_figures(instance, "orders", second.run_id)["Window of shop change times"]
    assert not window.startswith("the beginning")  # resumed from where the CRM is complete
    segments = latest_metadata(instance, "webshop_segments")
    assert segments["Rows updated"] == 0 and segments["Rows unchanged"] > 0  # nothing changed
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
    from srpipeline.crm.schema import crm_sync_requests
    from srpipeline.crm.state import request_sync
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


def data_version(instance, asset: str) -> str:
    records = instance.fetch_materializations(AssetKey(asset), limit=1).records
    return records[0].asset_materialization.tags["dagster/data_version"]


def test_assets_read_whole_keep_their_data_version_until_their_content_changes(pipeline, instance) -> None:
    """So Dagster marks older orders partitions unsynced only when statuses or coupons really changed."""
    assets = ("order_statuses", "status_mapping", "coupons")
    assert materialize_all(pipeline, instance).success
    first = {asset: data_version(instance, asset) for asset in assets}
    assert materialize_all(pipeline, instance).success
    assert {asset: data_version(instance, asset) for asset in assets} == first

    pipeline.shop.control.delete_coupon(pipeline.shop.store.coupon_items()[0]["code"])
    pipeline.shop.control.rename_status(1, "Új név")
    assert materialize_all(pipeline, instance).success
    changed = {asset for asset in assets if data_version(instance, asset) != first[asset]}
    assert changed == {"order_statuses", "coupons"}  # the mapping itself did not change
