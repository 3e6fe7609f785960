"""The scenarios of issue 6: each starts its own sandbox shop process, runs the contenders in child
processes, prints its figures and returns them (the caller appends them to the results).

``previous(name)`` gives the latest figures of another scenario (this run's, or the stored ones),
for the ratios between srpipeline and a baseline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, select

from benchmarks.contenders.dlt_load import dlt_requests
from benchmarks.contenders.naive import naive_requests
from benchmarks.harness import (
    Settings,
    customers_for,
    measure,
    ratio,
    run_line,
    say,
    shop_counts,
    spec_for,
    with_floor,
)
from benchmarks.record import machine
from benchmarks.shop_process import ShopProcess, ShopSpec
from srpipeline.crm.engine import sqlite_url
from srpipeline.crm.schema import crm_orders, sr_order_statuses
from srpipeline_tests.throwaway_postgres import fresh_database

Previous = Callable[[str], dict[str, Any] | None]
TARGET_ORDERS_PER_S = {"sqlite": 3000.0, "postgresql": 1500.0}
TARGET_PEAK_MB = 400.0


def _engine_spec(settings: Settings, shop: ShopProcess, rate: float, name: str) -> dict[str, Any]:
    work = settings.scratch(name)
    return spec_for(
        shop, rate, db_url=sqlite_url(work / "crm.sqlite"), mapping_path=str(work / "status_mapping.yaml")
    )


def _shop_figures(spec: ShopSpec, orders: int, customers: int) -> dict[str, Any]:
    return {
        "shop": {"orders": spec.orders, "customers": spec.customers, "rate": spec.rate, "seed": spec.seed},
        "orders": orders,
        "customers": customers,
    }


def _floor_line(figures: dict[str, Any]) -> str:
    return (
        f"  fewest requests {figures['fewest_requests']:,} = {figures['floor_s']:,.1f} s at the limit; "
        f"efficiency {figures['efficiency']:.2f}"
    )


# -- 1. at the limit -----------------------------------------------------------------------------


def at_the_limit(settings: Settings, previous: Previous) -> dict[str, Any]:
    """First sync of 20,000 orders + 5,000 customers at 3 requests/s. Target: efficiency >= 0.9, no 429."""
    n = settings.sized(20_000, 400)
    spec = ShopSpec(n, customers_for(n), settings.rate)
    with ShopProcess(spec) as shop:
        orders, customers = shop_counts(shop)
        run = measure(shop, "srpipeline", _engine_spec(settings, shop, spec.rate, "limit"))
    figures = {**_shop_figures(spec, orders, customers), **with_floor(run, orders, customers, spec.rate)}
    say(run_line(f"srpipeline first sync at {spec.rate:g}/s", figures))
    say(_floor_line(figures))
    return figures


# -- 2. steady state -----------------------------------------------------------------------------


def steady_state(settings: Settings, previous: Previous) -> dict[str, Any]:
    """After a first sync: a sync with nothing changed; then 300 orders change and an incremental sync."""
    n = settings.sized(20_000, 400)
    changed = min(settings.sized(300, 20), n // 2)
    spec = ShopSpec(n, customers_for(n), settings.rate)
    with ShopProcess(spec) as shop:
        orders, customers = shop_counts(shop)
        engine_spec = _engine_spec(settings, shop, 0, "steady")
        shop.set_rate(0)  # the first sync is only the starting point here: run it unthrottled
        first = measure(shop, "srpipeline", engine_spec)
        shop.set_rate(spec.rate)
        throttled_spec = {**engine_spec, "rate": spec.rate}
        # Nothing changed first: after the changes, the next sync would re-read them in its overlap.
        unchanged = measure(shop, "srpipeline", throttled_spec)
        _change_orders(shop, engine_spec["db_url"], changed)
        incremental = measure(shop, "srpipeline", throttled_spec)
    for run in (incremental, unchanged):
        streams = run["streams"]
        read = {name: _rows_read(streams[name]) for name in ("orders", "customers")}
        run["rows_read"] = read
        with_floor(run, read["orders"], read["customers"], spec.rate)
    say(
        f"  first sync (unthrottled, the starting point): {first['wall_s']:.1f} s, "
        f"{first['requests']} requests"
    )
    for label, run in (("nothing changed", unchanged), (f"{changed} orders changed", incremental)):
        say(
            f"  {label}: {run['wall_s']:.1f} s, {run['requests']} requests, {run['throttled']} 429s; "
            f"read {run['rows_read']['orders']} orders + {run['rows_read']['customers']} customers; "
            f"fewest {run['fewest_requests']} requests"
        )
    return {
        **_shop_figures(spec, orders, customers),
        "changed_orders": changed,
        "first_sync": {"wall_s": first["wall_s"], "requests": first["requests"], "rows": first["rows"]},
        "incremental": incremental,
        "unchanged": unchanged,
    }


def _rows_read(stream: dict[str, Any]) -> int:
    return int(stream["inserted"] + stream["updated"] + stream["unchanged"] + stream["quarantined"])


def _change_orders(shop: ShopProcess, db_url: str, count: int) -> None:
    """Move ``count`` orders, spread over the whole shop, to another status, as a shop admin would."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(crm_orders.c.sr_order_inner_id, crm_orders.c.sr_status_inner_id).order_by(
                crm_orders.c.sr_order_inner_id
            )
        ).all()
        statuses = sorted(conn.execute(select(sr_order_statuses.c.sr_inner_id)).scalars())
    engine.dispose()
    step = max(1, len(rows) // count)
    for inner_id, status in rows[::step][:count]:
        other = next(s for s in statuses if s != status)
        shop.admin("set_order_status", order_inner_id=inner_id, status_inner_id=other)


# -- 3. own speed --------------------------------------------------------------------------------


def own_speed(settings: Settings, previous: Previous) -> dict[str, Any]:
    """Limit off: first sync of 200,000 orders into SQLite and PostgreSQL; orders/s and peak memory,
    with a tenth of the size into SQLite to show the memory is flat in the order count."""
    n = settings.sized(200_000, 2_000)
    figures: dict[str, Any] = {}
    small = ShopSpec(n // 10, customers_for(n // 10), 0)
    with ShopProcess(small) as shop:
        small_orders, _ = shop_counts(shop)
        small_run = measure(shop, "srpipeline", _engine_spec(settings, shop, 0, "own-small"))
    spec = ShopSpec(n, customers_for(n), 0)
    with ShopProcess(spec) as shop:
        orders, customers = shop_counts(shop)
        figures.update(_shop_figures(spec, orders, customers))
        figures["sqlite"] = measure(shop, "srpipeline", _engine_spec(settings, shop, 0, "own-sqlite"))
        with fresh_database(settings.pg_url, prefix="srp_bench") as pg_url:
            pg_spec = {**_engine_spec(settings, shop, 0, "own-pg"), "db_url": pg_url}
            figures["postgresql"] = measure(shop, "srpipeline", pg_spec)
    for dialect in ("sqlite", "postgresql"):
        run = figures[dialect]
        run["orders_per_s"] = round(orders / run["wall_s"])
        run["orders_stream_per_s"] = round(orders / run["streams"]["orders"]["seconds"])
        run["target_orders_per_s"] = TARGET_ORDERS_PER_S[dialect]
        run["vs_target"] = round(run["orders_per_s"] / TARGET_ORDERS_PER_S[dialect], 2)
        say(run_line(f"{dialect} first sync, limit off", run))
        say(
            f"    {run['orders_per_s']:,} orders/s end to end (orders stream alone "
            f"{run['orders_stream_per_s']:,}/s), x{run['vs_target']} of the target "
            f"{TARGET_ORDERS_PER_S[dialect]:,.0f}/s"
        )
    figures["memory"] = {
        "small_orders": small_orders,
        "small_peak_rss_mb": small_run["peak_rss_mb"],
        "small_wall_s": small_run["wall_s"],
        "peak_rss_mb": figures["sqlite"]["peak_rss_mb"],
        "growth": ratio(figures["sqlite"]["peak_rss_mb"], small_run["peak_rss_mb"]),
        "target_mb": TARGET_PEAK_MB,
    }
    memory = figures["memory"]
    say(
        f"  peak RSS (SQLite): {memory['small_peak_rss_mb']:.0f} MB at {small_orders:,} orders, "
        f"{memory['peak_rss_mb']:.0f} MB at {orders:,} (x{memory['growth']}); "
        f"target < {TARGET_PEAK_MB:.0f} MB"
    )
    return figures


# -- 4. through Dagster --------------------------------------------------------------------------

#: The sandbox's first order day: day-by-day history over the shop's whole life (one partition a day).
HISTORY_START = "2024-01-01"


def through_dagster(settings: Settings, previous: Previous) -> dict[str, Any]:
    """Scenario 1 as the Dagster `sync` job: the overhead over the plain engine."""
    n = settings.sized(20_000, 400)
    spec = ShopSpec(n, customers_for(n), settings.rate)
    # The project's default start date (recent), and a start date at the shop's first day, which
    # reads the same data over many more partitions (skipped in the smoke run).
    starts = (
        {"default_start": None} if settings.smoke else {"default_start": None, "history_start": HISTORY_START}
    )
    plain = _comparable(previous("limit"), spec)
    figures: dict[str, Any] = {"plain_wall_s": plain["wall_s"] if plain else None}
    with ShopProcess(spec) as shop:
        orders, customers = shop_counts(shop)
        figures.update(_shop_figures(spec, orders, customers))
        for key, start_date in starts.items():
            dagster_spec = _engine_spec(settings, shop, spec.rate, "dagster")
            home = settings.scratch("dagster-home")
            dagster_spec.update(dagster_home=str(home), start_date=start_date)
            run = with_floor(
                measure(shop, "dagster", dagster_spec, home / "run.log"), orders, customers, spec.rate
            )
            run["overhead_s"] = round(run["wall_s"] - plain["wall_s"], 2) if plain else None
            run["dagster_over_plain"] = ratio(run["wall_s"], plain["wall_s"] if plain else None)
            figures[key] = run
            say(
                run_line(
                    f"Dagster sync job, {run['partitions']} daily partitions from {run['start_date']}", run
                )
            )
            say(_floor_line(run) + f"; asset checks passed {run['checks_passed']}/{run['checks']}")
            if plain:
                say(
                    f"    plain engine {plain['wall_s']:.1f} s: Dagster adds {run['overhead_s']:+.1f} s "
                    f"(x{run['dagster_over_plain']}), plus {run['dagster_import_s']:.1f} s to import Dagster"
                )
    return figures


def _comparable(figures: dict[str, Any] | None, spec: ShopSpec) -> dict[str, Any] | None:
    """The other scenario's figures if they were measured on the same shop (size, rate, seed) and
    on this machine's kind of CPU."""
    if figures is None or figures.get("machine", {}).get("cpu") != machine()["cpu"]:
        return None
    shop = figures["shop"]
    same = (shop["orders"], shop["customers"], shop["rate"], shop["seed"])
    return figures if same == (spec.orders, spec.customers, spec.rate, spec.seed) else None


# -- baselines -----------------------------------------------------------------------------------


def naive(settings: Settings, previous: Previous) -> dict[str, Any]:
    """The naive integration at the limit on a small shop, extrapolated linearly in its request count."""
    n = settings.sized(100, 4)
    spec = ShopSpec(n, customers_for(n), settings.rate)
    with ShopProcess(spec) as shop:
        orders, customers = shop_counts(shop)
        work = settings.scratch("naive")
        run = measure(shop, "naive", spec_for(shop, spec.rate, db_path=str(work / "naive.sqlite")))
    figures = {**_shop_figures(spec, orders, customers), **run}
    figures["naive_requests_needed"] = naive_requests(orders, customers)
    seconds_per_request = run["wall_s"] / figures["naive_requests_needed"]
    figures["seconds_per_request"] = round(seconds_per_request, 4)
    say(run_line(f"naive integration at {spec.rate:g}/s (measured)", figures))
    limit = previous("limit")
    if limit is not None:
        extrapolated = naive_requests(limit["orders"], limit["customers"]) * seconds_per_request
        figures["extrapolated"] = {
            "orders": limit["orders"],
            "customers": limit["customers"],
            "requests": naive_requests(limit["orders"], limit["customers"]),
            "wall_s": round(extrapolated, 1),
            "srpipeline_wall_s": limit["wall_s"],
            "srpipeline_over_naive": ratio(limit["wall_s"], extrapolated),
        }
        x = figures["extrapolated"]
        say(
            f"  extrapolated linearly to {x['orders']:,} orders + {x['customers']:,} customers: "
            f"{x['requests']:,} requests, {x['wall_s'] / 3600:,.1f} h; "
            f"srpipeline {x['srpipeline_wall_s']:.1f} s "
            f"(time ratio srpipeline / naive = {x['srpipeline_over_naive']})"
        )
    return figures


def dlt(settings: Settings, previous: Previous) -> dict[str, Any]:
    """dlt's rest_api source into SQLite: at the limit (scenario 1's shop) and with the limit off
    (scenario 3's shop)."""
    figures: dict[str, Any] = {}
    for key, n, rate, ours in (
        ("at_limit", settings.sized(20_000, 400), settings.rate, "limit"),
        ("limit_off", settings.sized(200_000, 2_000), 0.0, "own_speed"),
    ):
        spec = ShopSpec(n, customers_for(n), rate)
        with ShopProcess(spec) as shop:
            orders, customers = shop_counts(shop)
            run = measure(shop, "dlt", spec_for(shop, rate, work_dir=str(settings.scratch(f"dlt-{key}"))))
        run.update(_shop_figures(spec, orders, customers))
        run["orders_per_s"] = round(orders / run["wall_s"])
        run["dlt_requests_needed"] = dlt_requests(orders, customers)
        run["seconds_per_request"] = round(run["wall_s"] / run["dlt_requests_needed"], 4)
        say(run_line(f"dlt, {'at ' + format(rate, 'g') + '/s' if rate else 'limit off'}", run))
        srp = _comparable(previous(ours), spec)
        if srp is not None:
            srp_run = srp if key == "at_limit" else srp["sqlite"]
            run["srpipeline_wall_s"] = srp_run["wall_s"]
            run["srpipeline_over_dlt_time"] = ratio(srp_run["wall_s"], run["wall_s"])
            run["srpipeline_over_dlt_orders_per_s"] = ratio(orders / srp_run["wall_s"], run["orders_per_s"])
            say(
                f"    srpipeline {srp_run['wall_s']:.1f} s on the same shop: time ratio srpipeline / dlt = "
                f"{run['srpipeline_over_dlt_time']}"
            )
        figures[key] = run
    return figures


SCENARIOS: dict[str, Callable[[Settings, Previous], dict[str, Any]]] = {
    "limit": at_the_limit,
    "steady": steady_state,
    "own_speed": own_speed,
    "dagster": through_dagster,
    "naive": naive,
    "dlt": dlt,
}
