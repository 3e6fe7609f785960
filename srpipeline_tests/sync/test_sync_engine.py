"""The sync engine against the sandbox shop over HTTP, on SQLite and PostgreSQL (issue 4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from srpipeline.crm.schema import crm_contacts, crm_orders, crm_sync_log, crm_webshop_cards
from srpipeline.sandbox import SandboxShop
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.sync import SyncBusyError, SyncContext, sync_everything, sync_orders
from srpipeline_tests.crm_equality import assert_crm_equals_shop

PAGE = 200


def requests_of(shop: SandboxShop) -> int:
    return len(shop.request_log)


def test_first_sync_makes_the_crm_equal_to_the_shop(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    results = sync_everything(make_context(shop, crm_engine))

    assert_crm_equals_shop(crm_engine, shop)
    by_stream = {r.stream: r for r in results}
    assert list(by_stream) == ["order_statuses", "coupons", "customers", "orders", "segments"]
    expected_orders = len(shop.store.order_ids()) - len(shop.store.abandoned_ids())
    assert by_stream["orders"].inserted == expected_orders
    assert by_stream["orders"].throttled == 0
    with crm_engine.connect() as conn:
        logged = conn.execute(select(crm_sync_log.c.stream, crm_sync_log.c.status)).all()
        unsegmented = conn.execute(
            select(func.count()).select_from(crm_webshop_cards).where(crm_webshop_cards.c.segment.is_(None))
        ).scalar()
    assert sorted(logged) == sorted((stream, "success") for stream in by_stream)
    assert unsegmented == 0


def test_second_sync_reads_only_the_changes_and_makes_the_crm_equal_again(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    sync_everything(make_context(shop, crm_engine))
    shop.clock.advance(3600)
    control, store = shop.control, shop.store
    orders = [i for i in store.order_ids() if i not in store.abandoned_ids() | store.storno_ids()]
    registered = store.customer_ids()
    guest_email = shop.store.order(sorted(store.guest_order_ids())[0]).email
    new_status = control.add_status("Csomagolás alatt", "Packing")
    control.set_order_status(orders[0], new_status)
    control.set_order_status(orders[1], 1)
    control.remove_order_line(next(i for i in orders[2:] if len(store.order(i).lines) > 1))
    control.storno_order(orders[3])
    control.add_orders(5)
    control.edit_customer(registered[0], firstname="Újnév", email="UJ.Cim@Example.com")
    control.delete_customer(registered[1])
    control.delete_coupon(next(iter(store.coupons.values())).code)
    control.register_guest(guest_email)
    control.rename_status(1, "Új rendelés")
    shop.clock.advance(60)
    shop.clear_log()

    results = sync_everything(make_context(shop, crm_engine, run_id="second"), reconcile=True)

    assert_crm_equals_shop(crm_engine, shop)
    by_stream = {r.stream: r for r in results}
    # only the changed window is read: a page (plus its storno pairing) per 200 changed orders
    assert by_stream["orders"].requests <= 2 * 1 + 2
    assert by_stream["customers"].deleted == 1
    with crm_engine.connect() as conn:
        guest = conn.execute(
            select(crm_contacts.c.sr_customer_inner_id).where(crm_contacts.c.email == guest_email.lower())
        ).all()
    assert len(guest) == 1 and guest[0][0] is not None  # the guest became the registered customer


def test_a_sync_with_nothing_changed_makes_at_most_two_requests_per_windowed_stream(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    sync_everything(make_context(shop, crm_engine))
    shop.clock.advance(3600)
    results = {r.stream: r for r in sync_everything(make_context(shop, crm_engine, run_id="again"))}
    assert results["orders"].requests <= 2
    assert results["customers"].requests <= 2
    assert results["orders"].inserted == results["orders"].updated == 0


def test_rows_that_leave_the_window_mid_read_are_not_lost(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    """While the first sync reads, earlier rows change (leave the frozen window): every other row
    is still read, and the moved rows arrive with the next sync."""
    store = shop.store
    orders = store.order_ids()
    customers = store.customer_ids()
    moved: list[str] = []

    def move_rows(resource: str, query: dict, page: int) -> None:
        if len(moved) < 6 and resource in ("orderExtend", "customers") and query.get("full") == "1":
            shop.clock.advance(1)
            if resource == "orderExtend":
                shop.control.set_order_status(orders[len(moved)], 2)
            else:
                shop.control.edit_customer(customers[len(moved)], firstname=f"Moved {len(moved)}")
            moved.append(resource)

    unregister = shop.after_page(move_rows)
    sync_everything(make_context(shop, crm_engine))
    unregister()
    assert "orderExtend" in moved and "customers" in moved
    with crm_engine.connect() as conn:
        loaded_orders = conn.execute(select(func.count()).select_from(crm_orders)).scalar()
    # every order but the moved ones (which may or may not have been read) is there
    live_orders = len(orders) - len(store.abandoned_ids())
    assert loaded_orders >= live_orders - moved.count("orderExtend")
    shop.clock.advance(60)
    sync_everything(make_context(shop, crm_engine, run_id="next"))
    assert_crm_equals_shop(crm_engine, shop)


def test_a_second_sync_is_refused_before_it_talks_to_the_shop(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    first = make_context(shop, crm_engine, run_id="run-one")
    with first.hold_lease():
        shop.clear_log()
        with pytest.raises(SyncBusyError, match="run-one"):
            sync_orders(make_context(shop, crm_engine, run_id="run-two"))
        assert requests_of(shop) == 0
    sync_orders(make_context(shop, crm_engine, run_id="run-two"))  # free again once released


def test_changes_inside_the_repeated_october_hour_are_synced(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    sync_everything(make_context(shop, crm_engine))
    orders = [i for i in shop.store.order_ids() if i not in shop.store.abandoned_ids()]
    # 2026-10-25: Budapest local 02:00-03:00 happens twice (00:00-01:00 UTC, then 01:00-02:00 UTC)
    for step, instant in enumerate(
        [datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 1, 20, tzinfo=UTC)]
    ):
        shop.clock.set(instant)
        shop.control.set_order_status(orders[step], 2 + step)
        shop.clock.advance(5)
        sync_everything(make_context(shop, crm_engine, run_id=f"october-{step}"))
        assert_crm_equals_shop(crm_engine, shop)
    shop.clock.set(datetime(2026, 10, 25, 3, 0, tzinfo=UTC))
    sync_everything(make_context(shop, crm_engine, run_id="after"))
    assert_crm_equals_shop(crm_engine, shop)


def test_an_interrupted_window_resumes_from_its_checkpoint(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    """The shop fails for good after the second orders page: the run ends, and the next run reads
    from the checkpoint, not from the start."""
    shop.control.add_orders(600)  # enough orders for several pages
    pages = {"n": 0}

    class Crash(Exception):
        pass

    def crash_after_two_pages(resource: str, query: dict, page: int) -> None:
        if resource == "orderExtend" and query.get("full") == "1":
            pages["n"] += 1
            if pages["n"] >= 3:
                raise Crash  # the sandbox drops the connection: the client retries, then gives up

    unregister = shop.after_page(crash_after_two_pages)
    ctx = make_context(shop, crm_engine)
    with pytest.raises(ShoprenterError):
        sync_orders(ctx)
    unregister()
    shop.clear_log()
    result = sync_orders(make_context(shop, crm_engine, run_id="resume"))
    full_reads = [
        r for r in shop.request_log if r.path.endswith("orderExtend") and r.query.get("full") == "1"
    ]
    assert min(int(r.query["innerIdMin"]) for r in full_reads) > 0  # started past the checkpoint
    assert result.inserted > 0
    with crm_engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(crm_orders)).scalar()
    assert count == len(shop.store.order_ids()) - len(shop.store.abandoned_ids())


def test_window_boundaries_use_the_sync_clock(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    result = sync_orders(make_context(shop, crm_engine))
    assert result.window_lo is None and result.window_hi == shop.clock.now()
    shop.clock.advance(7200)
    again = sync_orders(make_context(shop, crm_engine, run_id="two"))
    assert again.window_lo == result.window_hi - timedelta(minutes=10)
    assert again.window_hi == datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


def test_orders_progress_counts_the_pages_left_for_its_eta(
    shop: SandboxShop, crm_engine: Engine, make_context: Callable[..., SyncContext]
) -> None:
    seen = []
    sync_orders(make_context(shop, crm_engine, progress=seen.append))
    pages = -(-len(shop.store.order_ids()) // PAGE)
    assert [p.pages_left for p in seen] == [pages - 1, 0]  # the first page, then the final one
    assert "ETA" in seen[0].line() and "unknown" not in seen[0].line()
