"""SIGKILL `srpipeline sync --now` at 20 random moments (10 in a first sync, 10 in an incremental
one) on SQLite and PostgreSQL, then let it finish: the CRM equals the shop, no key is doubled, and
each kill costs at most one page of requests plus the fixed cost of starting again. Builds on the
pattern of srpipeline_tests/sync/test_crash_resume.py (5 kills of a first sync of 5,000 orders).

And a holder that died on another host (a killed Dagster run in another pod, whose pid cannot be
checked) blocks the next sync only until its lease expires: tested on an injected clock.
"""

from __future__ import annotations

import random
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from srpipeline.crm.engine import make_engine, sqlite_url
from srpipeline.crm.lease import acquire
from srpipeline.sandbox import SandboxShop, ShopClock
from srpipeline.shoprenter.errors import ShoprenterError
from srpipeline.sync import SyncBusyError, SyncContext, sync_everything
from srpipeline.sync.context import LEASE_TTL
from srpipeline_tests.crm_equality import assert_crm_equals_shop
from srpipeline_tests.reliability.support import change_the_shop, doubled_keys
from srpipeline_tests.sandbox_clients import client_for
from srpipeline_tests.sync.test_crash_resume import PAGE_REQUESTS, run_to_end, sync_process

KILLS_PER_SYNC = 10


def kill_at_random_moments(
    shop: SandboxShop, crm_url: str, home: Path, rng: random.Random, *, restart: int, uninterrupted: int
) -> int:
    """Start the sync and SIGKILL it after a random number of requests, KILLS_PER_SYNC times, then
    run it to its end; returns the requests all of that cost."""
    before = len(shop.request_log)
    for _ in range(KILLS_PER_SYNC):
        start = len(shop.request_log)
        process = sync_process(shop, crm_url, home)
        target = start + rng.randint(restart, uninterrupted - 2)
        while len(shop.request_log) < target and process.poll() is None:
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait()
    run_to_end(shop, crm_url, home)
    return len(shop.request_log) - before


def test_twenty_kills_across_a_first_and_an_incremental_sync(
    make_sandbox: Callable[..., SandboxShop], crm_url: str, tmp_path: Path
) -> None:
    shop = make_sandbox(orders=1500, customers=400, rate=0, seed=23)
    baseline = sqlite_url(tmp_path / "baseline.sqlite")
    first = run_to_end(shop, baseline, tmp_path / "baseline")
    restart = run_to_end(shop, baseline, tmp_path / "baseline")  # the cost of a sync with nothing to do
    rng = random.Random(20261128)
    engine = make_engine(crm_url)

    cost_first = kill_at_random_moments(
        shop, crm_url, tmp_path / "home", rng, restart=restart, uninterrupted=first
    )
    assert_crm_equals_shop(engine, shop)
    assert doubled_keys(engine) == []

    change_the_shop(shop, new_orders=800)
    incremental = run_to_end(shop, baseline, tmp_path / "baseline")
    cost_incremental = kill_at_random_moments(
        shop, crm_url, tmp_path / "home", rng, restart=restart, uninterrupted=incremental
    )
    assert_crm_equals_shop(engine, shop)
    assert doubled_keys(engine) == []
    engine.dispose()

    allowance = KILLS_PER_SYNC * (PAGE_REQUESTS + restart)
    # A resumed incremental sync also re-reads the changes inside the next window's overlap: here
    # every change is (they are minutes old), so a kill may cost the whole incremental read again.
    # Changes older than the overlap cost nothing again: the last test of this module.
    overlap_allowance = KILLS_PER_SYNC * (incremental - restart)
    print(
        f"kills: first sync {first} requests uninterrupted, {cost_first} with {KILLS_PER_SYNC} kills; "
        f"incremental {incremental} uninterrupted, {cost_incremental} with {KILLS_PER_SYNC} kills; "
        f"restart {restart}; {len(shop.store.order_ids())} orders compared"
    )
    assert cost_first <= first + allowance
    assert cost_incremental <= incremental + allowance + overlap_allowance


def test_a_holder_dead_on_another_host_blocks_only_until_its_lease_expires(
    make_sandbox: Callable[..., SandboxShop], crm_engine: Engine, tmp_path: Path
) -> None:
    """A Dagster run killed in another pod leaves its lease; its pid means nothing here, so the next
    sync waits for the 60 s expiry: refused (without a request to the shop) at 59 s, runs at 61 s."""
    killed_at = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    shop = make_sandbox(orders=200, customers=50, rate=0, seed=4, clock=ShopClock(killed_at))
    acquire(crm_engine, "dagster-run-7f3a@worker-pod-2:1", LEASE_TTL, clock=lambda: killed_at)

    def sync_at(seconds: int) -> None:
        shop.clock.set(killed_at + timedelta(seconds=seconds))
        ctx = SyncContext(
            client=client_for(shop),
            engine=crm_engine,
            run_id=f"after-{seconds}s",
            mapping_path=tmp_path / "status_mapping.yaml",
            now=shop.clock.now,
        )
        sync_everything(ctx)

    with pytest.raises(SyncBusyError, match="dagster-run-7f3a@worker-pod-2"):
        sync_at(59)
    assert shop.request_log == []
    sync_at(61)
    assert_crm_equals_shop(crm_engine, shop)


def test_a_resumed_incremental_sync_reads_at_most_one_page_more_than_it_had_left(
    make_sandbox: Callable[..., SandboxShop], crm_engine: Engine, tmp_path: Path
) -> None:
    """An incremental sync of 800 changed orders (4 pages) dies after its second page; the run that
    resumes a minute later reads the 2 pages left (plus at most one page again) and an empty new
    window. The new window starts 10 minutes (the overlap) before the killed run's start, so it
    re-reads only what changed in those 10 minutes: here nothing, the changes are 30 minutes older.
    (Changes inside the overlap are re-read after a kill, as by every incremental sync.)"""
    start = datetime(2026, 3, 10, tzinfo=UTC)
    shop = make_sandbox(orders=300, customers=50, rate=0, seed=8, clock=ShopClock(start))

    def sync(run_id: str) -> None:
        ctx = SyncContext(
            client=client_for(shop, max_retries=0),
            engine=crm_engine,
            run_id=run_id,
            mapping_path=tmp_path / "status_mapping.yaml",
            now=shop.clock.now,
        )
        sync_everything(ctx)

    sync("first")
    shop.clock.advance(3600)
    change_the_shop(shop, new_orders=800)
    shop.clock.advance(1800)
    full_pages: list[int] = []

    def die_after_two_pages(resource: str, query: dict, page: int) -> None:
        if resource == "orderExtend" and query.get("full") == "1":
            full_pages.append(page)
            if len(full_pages) > 2:
                raise RuntimeError("killed")  # the sandbox drops the connection; no retries left

    unregister = shop.after_page(die_after_two_pages)
    with pytest.raises(ShoprenterError):
        sync("incremental")
    unregister()
    shop.clock.advance(60)
    shop.clear_log()
    sync("resumed")
    full_reads = [
        r for r in shop.request_log if r.path.endswith("orderExtend") and r.query.get("full") == "1"
    ]
    assert_crm_equals_shop(crm_engine, shop)
    assert len(full_reads) <= 2 + 1 + 1  # the 2 pages left, one page again, the empty check of a new window
