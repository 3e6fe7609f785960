"""The change probe and a probe's cheap sync, against the sandbox shop over HTTP (issue 13)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

from srpipeline.crm.schema import crm_orders
from srpipeline.crm.state import save_sync_state
from srpipeline.sandbox import SandboxShop
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.sync import SyncContext, sync_everything
from srpipeline.sync.change_probe import NEVER_SYNCED, probe_changes
from srpipeline_tests.crm_equality import assert_crm_equals_shop
from srpipeline_tests.sandbox_clients import client_for


def live_orders(shop: SandboxShop) -> list[int]:
    store = shop.store
    return [i for i in store.order_ids() if i not in store.abandoned_ids() | store.storno_ids()]


@pytest.fixture
def synced(shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]) -> SandboxShop:
    """The shop after a first sync (a person's), a minute later, with an empty request log."""
    sync_everything(make_context(shop, crm_engine))
    shop.clock.advance(60)
    shop.clear_log()
    return shop


def probe(shop: SandboxShop, engine: Engine):
    with client_for(shop) as client:
        return probe_changes(client, engine, now=shop.clock.now())


def test_a_crm_never_synced_is_left_to_its_user_and_the_shop_is_not_asked(
    shop: SandboxShop, crm_engine: Engine
) -> None:
    shop.clear_log()
    outcome = probe(shop, crm_engine)
    assert (outcome.launch, outcome.saw, outcome.requests) == (False, NEVER_SYNCED, 0)
    assert shop.request_log == []


def test_nothing_changed_costs_two_id_only_requests_and_launches_nothing(
    synced: SandboxShop, crm_engine: Engine
) -> None:
    outcome = probe(synced, crm_engine)
    assert not outcome.launch
    assert outcome.saw.startswith("nothing changed since ")
    asked = [
        (r.path.rsplit("/", 1)[-1], r.query.get("limit"), r.query.get("full")) for r in synced.request_log
    ]
    assert asked == [("orderExtend", "1", "0"), ("customers", "1", "0")]
    assert outcome.requests == 2


def test_a_changed_order_is_seen_with_one_request(synced: SandboxShop, crm_engine: Engine) -> None:
    synced.control.set_order_status(live_orders(synced)[0], 2)
    synced.clock.advance(1)
    outcome = probe(synced, crm_engine)
    assert outcome.launch and outcome.saw.startswith("orders changed since ")
    assert (outcome.requests, len(synced.request_log)) == (1, 1)


def test_a_changed_customer_is_seen(synced: SandboxShop, crm_engine: Engine) -> None:
    synced.control.edit_customer(synced.store.customer_ids()[0], firstname="Új")
    synced.clock.advance(1)
    outcome = probe(synced, crm_engine)
    assert outcome.launch and outcome.saw.startswith("customers changed since ")
    assert outcome.requests == 2


def test_an_abandoned_cart_is_not_a_change(synced: SandboxShop, crm_engine: Engine) -> None:
    synced.control.add_orders(1, abandoned=True)
    synced.clock.advance(1)
    assert not probe(synced, crm_engine).launch


def test_a_window_left_open_is_resumed_without_asking_the_shop(
    synced: SandboxShop, crm_engine: Engine
) -> None:
    with crm_engine.begin() as conn:
        window = {"lo": None, "hi": synced.clock.now().isoformat()}
        save_sync_state(
            conn,
            "orders",
            synced_until=None,
            checkpoint={"window": window, "position": {"inner_id_min": 5}},
            now=synced.clock.now(),
        )
    outcome = probe(synced, crm_engine)
    assert outcome.launch and outcome.saw.startswith("orders: a window left open")
    assert synced.request_log == []


def test_the_hourly_reread_of_the_lists_launches_without_asking_the_shop(
    synced: SandboxShop, crm_engine: Engine
) -> None:
    synced.clock.advance(3600)
    outcome = probe(synced, crm_engine)
    assert outcome.launch
    assert outcome.saw == "order_statuses: last read 61 min ago; coupons: last read 61 min ago"
    assert synced.request_log == []


def test_a_shop_that_refuses_the_credentials_raises_a_one_line_error(
    synced: SandboxShop, crm_engine: Engine
) -> None:
    with client_for(synced, password="wrong") as client, pytest.raises(ShoprenterError) as raised:
        probe_changes(client, crm_engine, now=synced.clock.now())
    assert "\n" not in raised.value.reason and raised.value.reason


def test_a_probe_sync_after_one_changed_order_sends_at_most_four_requests(
    synced: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    synced.control.set_order_status(live_orders(synced)[0], 2)
    synced.clock.advance(1)
    results = {r.stream: r for r in sync_everything(make_context(synced, crm_engine, trigger="probe"))}
    assert len(synced.request_log) <= 4, [r.path for r in synced.request_log]
    assert results["order_statuses"].skipped and results["coupons"].skipped
    assert results["orders"].updated == 1
    assert_crm_equals_shop(crm_engine, synced)


def test_an_order_naming_a_new_status_makes_the_next_probe_read_the_statuses(
    synced: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    order = live_orders(synced)[0]
    new_status = synced.control.add_status("Csomagolás alatt", "Packing")
    synced.control.set_order_status(order, new_status)
    synced.clock.advance(1)
    sync_everything(make_context(synced, crm_engine, trigger="probe"))
    with crm_engine.connect() as conn:
        status = conn.execute(
            select(crm_orders.c.sr_status_inner_id).where(crm_orders.c.sr_order_inner_id == order)
        ).scalar_one()
    assert status is None  # the statuses were not read again in that sync

    synced.clock.advance(timedelta(seconds=60).total_seconds())
    synced.clear_log()
    outcome = probe(synced, crm_engine)
    assert outcome.launch and outcome.saw == "order_statuses: 1 order names a status the CRM does not know"
    assert synced.request_log == []
    results = {r.stream: r for r in sync_everything(make_context(synced, crm_engine, trigger="probe"))}
    assert not results["order_statuses"].skipped and results["coupons"].skipped
    assert_crm_equals_shop(crm_engine, synced)
    assert not probe(synced, crm_engine).launch
