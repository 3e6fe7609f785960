"""``python -m srpipeline.sandbox`` serves a shop, prints how to reach it, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import requests

from srpipeline.sandbox import SandboxShop
from srpipeline.sandbox.activity import ShopActivity
from srpipeline.sandbox.cli import apply_faults, build_parser


def test_cli_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "srpipeline.sandbox",
            "--orders",
            "50",
            "--customers",
            "5",
            "--port",
            "0",
            "--rate",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Serving until Ctrl-C"):
                break
        exports = dict(
            line.strip().removeprefix("export ").split("=", 1)
            for line in lines
            if line.strip().startswith("export ")
        )
        assert set(exports) == {"SHOPRENTER_API_URL", "SHOPRENTER_USERNAME", "SHOPRENTER_PASSWORD"}
        response = requests.get(
            exports["SHOPRENTER_API_URL"] + "/orderExtend",
            auth=(exports["SHOPRENTER_USERNAME"], exports["SHOPRENTER_PASSWORD"]),
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert response.status_code == 200 and response.json()["pageCount"] == 2
        assert any("client secret" in line for line in lines)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_fault_flags_reach_the_shop_and_slow_its_answers() -> None:
    args = build_parser().parse_args(["--latency", "0.3", "--error-rate", "0.1", "--max-page", "50"])
    with SandboxShop.generate(orders=20, customers=2, rate=0) as shop:
        apply_faults(shop, args)
        assert shop.faults.describe() == "0.3 s latency, 10% 503, 504 above 50 a page"
        shop.faults.error_rates = {}
        started = time.monotonic()
        answer = requests.get(
            shop.classic_url + "/languages", auth=(shop.username, shop.password), timeout=10
        )
        assert answer.status_code == 200 and time.monotonic() - started >= 0.3


def test_activity_changes_one_placed_order_at_a_time() -> None:
    shop = SandboxShop.generate(orders=30, customers=3, rate=0)
    store = shop.store
    before = {i: store.order(i).status for i in store.order_ids()}
    activity = ShopActivity(store, shop.control, every=3600, seed=1)
    changed = [activity.change_one() for _ in range(3)]
    assert changed == activity.changed
    for order in changed:
        assert order not in store.abandoned_ids() | store.storno_ids()
        assert store.order(order).status != before[order] or changed.count(order) > 1
