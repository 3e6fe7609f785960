"""Benchmark: how fast the CRM loaders store orders, on SQLite and PostgreSQL.

Generates 50,000 orders (about 4 product lines each, plus shipping and some coupons) as typed
records, loads them in pages of 200 (one transaction per page, as a sync does) into a fresh
database of each kind, and compares orders/s with the targets and with the shop's ceiling.
``orders_per_cpu_s`` divides by the CPU time of this process plus, on PostgreSQL, of the server
backend that served the load: other work on a shared machine lowers orders/s but not that figure.
On PostgreSQL the loaders ANALYZE the tables as they double (crm/maintenance.py), as in a sync.

    .venv/bin/python -m benchmarks.crm_load [--orders 50000] [--pg-url URL]

Writes benchmarks/results/crm_load.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import tempfile
import time
from contextlib import ExitStack
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import sqlalchemy
from sqlalchemy import create_engine, func, select, text

from srpipeline.crm.engine import open_crm, sqlite_url
from srpipeline.crm.order_tables import load_orders
from srpipeline.crm.schema import crm_order_items, crm_orders
from srpipeline.crm.status_coupon_tables import load_statuses
from srpipeline.shoprenter.records import Order, OrderCoupon, OrderStatus, OrderTotal
from srpipeline_tests.crm.factories import line, order
from srpipeline_tests.throwaway_postgres import fresh_database, postgres_server

PAGE = 200
TARGETS = {"sqlite": 3000.0, "postgresql": 1500.0}
SHOP_CEILING = 600.0  # orders/s: 3 requests/s x 200 orders per request
RESULTS = Path(__file__).with_name("results") / "crm_load.json"
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def generate(count: int, seed: int = 7) -> list[Order]:
    """``count`` orders of ~12,000 buyers (a third of them guests), 1-7 lines each (4 on average)."""
    rng = random.Random(seed)
    orders = []
    for inner_id in range(1, count + 1):
        buyer = rng.randrange(12_000)
        registered = buyer % 3 != 0
        lines = []
        for n in range(rng.randint(1, 7)):
            qty, price = rng.randint(1, 3), rng.randrange(500, 20_000, 10)
            lines.append(
                replace(
                    line(f"{inner_id}{n:02d}", str(qty), str(price)),
                    name=f"Product {rng.randrange(2_000)}",
                    sku=f"SKU-{rng.randrange(2_000)}",
                )
            )
        net = sum((each.line_total_net for each in lines), Decimal(0))
        tax = (net * Decimal("0.27")).quantize(Decimal("0.0001"))
        coupon = rng.random() < 0.15
        totals = [
            OrderTotal(f"{inner_id}-s", "SUB_TOTAL", "Subtotal", net, 1),
            OrderTotal(f"{inner_id}-h", "SHIPPING", "GLS", Decimal(990), 2),
            OrderTotal(f"{inner_id}-t", "TAX", "VAT 27%", tax, 3),
        ]
        if coupon:
            totals.append(OrderTotal(f"{inner_id}-c", "COUPON", "SAVE500", Decimal(-500), 4))
        gross = net + tax + 990 - (500 if coupon else 0)
        totals.append(OrderTotal(f"{inner_id}-g", "TOTAL", "Total", gross, 5))
        changed = T0 + timedelta(minutes=inner_id)
        record = order(
            inner_id,
            updated=changed,
            created=changed,
            status=f"status-{rng.randint(1, 5)}",
            customer=f"customer-{buyer}" if registered else None,
            email=f"buyer{buyer}@example.com",
            lines=tuple(lines),
            sr_id=f"b3JkZXItb3JkZXJfaWQ9{inner_id}",
            payment_method="Utánvét",
            total_gross=gross,
            totals=tuple(totals),
        )
        used = OrderCoupon("coupon-1", "SAVE500", "FIXED", None, Decimal(500))
        orders.append(replace(record, coupon=used) if coupon else record)
    return orders


def run(url: str, orders: list[Order]) -> dict[str, float | int]:
    engine = open_crm(url)
    postgres = engine.dialect.name == "postgresql"
    try:
        now = datetime.now(UTC)
        with engine.begin() as conn:
            load_statuses(conn, [OrderStatus(f"status-{i}", i, f"Status {i}") for i in range(1, 6)], now=now)
            server_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar() if postgres else None
        cpu_before = time.process_time() + _process_cpu(server_pid)
        started = time.perf_counter()
        for start in range(0, len(orders), PAGE):
            with engine.begin() as conn:
                load_orders(conn, orders[start : start + PAGE], now=now)
        first = time.perf_counter() - started
        cpu = time.process_time() + _process_cpu(server_pid) - cpu_before
        started = time.perf_counter()
        for start in range(0, len(orders), PAGE):  # an overlap read again: everything unchanged
            with engine.begin() as conn:
                load_orders(conn, orders[start : start + PAGE], now=now)
        again = time.perf_counter() - started
        with engine.connect() as conn:
            stored = conn.execute(select(func.count()).select_from(crm_orders)).scalar_one()
            items = conn.execute(select(func.count()).select_from(crm_order_items)).scalar_one()
        assert stored == len(orders), (stored, len(orders))
        return {
            "orders": stored,
            "items": items,
            "seconds": round(first, 2),
            "orders_per_s": round(stored / first),
            "cpu_seconds": round(cpu, 2),
            "orders_per_cpu_s": round(stored / cpu),
            "reload_seconds": round(again, 2),
            "reload_orders_per_s": round(stored / again),
        }
    finally:
        engine.dispose()


def _process_cpu(pid: int | None) -> float:
    """CPU seconds used so far by process ``pid`` (the PostgreSQL backend serving the load, on this
    machine); 0 for None or when /proc cannot tell."""
    if pid is None:
        return 0.0
    fields = _read(f"/proc/{pid}/stat").rpartition(")")[2].split()
    if len(fields) < 13:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def machine_facts(pg_url: str) -> dict[str, object]:
    """Where the figures come from: CPU, cores, load (other work on the machine slows SQLite most,
    whose loads run in this process), versions."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if "model name" in line
        ),
        platform.processor() or platform.machine(),
    )
    server = create_engine(pg_url)
    try:
        with server.connect() as conn:
            postgres = conn.execute(text("SHOW server_version")).scalar_one()
            autovacuum = conn.execute(text("SHOW autovacuum")).scalar_one()
    finally:
        server.dispose()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres,
        "postgresql_autovacuum": autovacuum,
        "sqlalchemy": sqlalchemy.__version__,
        "psycopg": psycopg.__version__,
    }


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError:
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--pg-url", help="PostgreSQL server (default: CRM_TEST_POSTGRES_URL, else throwaway)")
    args = parser.parse_args()
    orders = generate(args.orders)
    with ExitStack() as stack:
        pg_url = args.pg_url or stack.enter_context(postgres_server(durable=True))
        results: dict[str, object] = {
            "orders": len(orders),
            "lines": sum(len(o.lines) for o in orders),
            "page": PAGE,
            "machine": machine_facts(pg_url),
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        with tempfile.TemporaryDirectory() as tmp:
            results["sqlite"] = run(sqlite_url(Path(tmp) / "crm.sqlite"), orders)
        with fresh_database(pg_url, prefix="srp_bench") as database_url:
            results["postgresql"] = run(database_url, orders)
    for dialect, target in TARGETS.items():
        figures = results[dialect]
        assert isinstance(figures, dict)
        rate = figures["orders_per_s"]
        figures["target_orders_per_s"] = target
        figures["vs_target"] = round(rate / target, 2)
        figures["vs_shop_ceiling"] = round(rate / SHOP_CEILING, 2)
        print(
            f"{dialect:10} {rate:>7,} orders/s ({figures['seconds']} s for {figures['orders']:,} orders, "
            f"{figures['items']:,} items)  x{figures['vs_target']} of target {target:,.0f}/s, "
            f"x{figures['vs_shop_ceiling']} of the shop's {SHOP_CEILING:,.0f}/s; "
            f"unchanged reload {figures['reload_orders_per_s']:,} orders/s; "
            f"{figures['orders_per_cpu_s']:,} orders per CPU second"
        )
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
