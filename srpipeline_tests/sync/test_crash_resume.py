"""SIGKILL the `srpipeline sync --now` process at random moments of a first sync, then let it finish:
the CRM equals the shop, nothing is doubled, and the kills cost at most a page each plus the fixed
cost of starting a sync again."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from srpipeline.crm.engine import make_engine, sqlite_url
from srpipeline.crm.schema import crm_contacts, crm_order_items, crm_orders
from srpipeline.sandbox import SandboxShop
from srpipeline_tests.crm_equality import assert_crm_equals_shop

KILLS = 5
PAGE_REQUESTS = 2  # an orders page is an id-only read and a full read
#: Throttled, as a real shop is: the sync does not read ahead, so a kill loses at most one page.
RATE = "10"


def sync_process(shop: SandboxShop, crm_url: str, home: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SHOPRENTER_API_URL": shop.classic_url,
        "SHOPRENTER_USERNAME": shop.username,
        "SHOPRENTER_PASSWORD": shop.password,
        "SHOPRENTER_RATE": RATE,
        "CRM_DATABASE_URL": crm_url,
        "DAGSTER_HOME": str(home),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "srpipeline.cli", "sync", "--now"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def run_to_end(shop: SandboxShop, crm_url: str, home: Path) -> int:
    """Run a sync to its end; returns the requests it sent."""
    before = len(shop.request_log)
    process = sync_process(shop, crm_url, home)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err.decode()
    return len(shop.request_log) - before


def test_killed_syncs_resume_without_loss_duplicates_or_waste(
    make_sandbox: Callable[..., SandboxShop], crm_url: str, tmp_path: Path
) -> None:
    shop = make_sandbox(orders=5000, customers=600, rate=0, seed=11)
    baseline_url = sqlite_url(tmp_path / "baseline.sqlite")
    uninterrupted = run_to_end(shop, baseline_url, tmp_path / "baseline")
    restart_cost = run_to_end(shop, baseline_url, tmp_path / "baseline")  # a sync with nothing to do

    rng = random.Random(20261128)
    shop.clear_log()
    for _ in range(KILLS):
        start = len(shop.request_log)
        process = sync_process(shop, crm_url, tmp_path / "home")
        target = start + rng.randint(restart_cost, uninterrupted - 2)
        while len(shop.request_log) < target and process.poll() is None:
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
        process.wait()
    attempts = len(shop.request_log)
    finished = run_to_end(shop, crm_url, tmp_path / "home")

    engine = make_engine(crm_url)
    assert_crm_equals_shop(engine, shop)
    with engine.connect() as conn:
        for column in (crm_orders.c.sr_order_inner_id, crm_contacts.c.sr_customer_inner_id):
            doubled = conn.execute(
                select(column).where(column.is_not(None)).group_by(column).having(func.count() > 1)
            ).all()
            assert doubled == []
        doubled_lines = conn.execute(
            select(crm_order_items.c.order_id, crm_order_items.c.line_key)
            .group_by(crm_order_items.c.order_id, crm_order_items.c.line_key)
            .having(func.count() > 1)
        ).all()
        assert doubled_lines == []
    engine.dispose()
    total = attempts + finished
    assert total <= uninterrupted + KILLS * (PAGE_REQUESTS + restart_cost), (
        f"{total} requests over {KILLS} kills; uninterrupted {uninterrupted}, restart {restart_cost}"
    )
