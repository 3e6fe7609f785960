"""The benchmarks' smoke run: each scenario at tiny sizes against a real sandbox shop process, into a
temporary results folder. Asserts the run completes and its results are well formed and consistent
with the shop; never asserts speed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_smoke(results: Path, *scenarios: str) -> dict[str, dict[str, Any]]:
    args = [arg for name in scenarios for arg in ("--scenario", name)]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--results-dir", str(results), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    runs = {}
    for name in scenarios:
        stored = json.loads((results / f"{name}.json").read_text())
        assert len(stored) == 1
        run = stored[0]
        assert run["smoke"] is True
        assert run["machine"]["cores"] >= 1 and run["machine"]["memory_gb"] > 0 and run["machine"]["python"]
        assert run["commit"] and run["date"].startswith("20")
        assert len(run["load_before"]) == 3
        runs[name] = run["figures"]
    assert (results / "RESULTS.md").read_text().startswith("# Benchmarks")
    return runs


def assert_loaded_everything(run: dict[str, Any], orders: int, customers: int) -> None:
    assert run["rows"]["orders"] == orders
    assert run["rows"]["customers"] == customers
    assert run["rows"]["order_items"] > orders
    assert run["wall_s"] > 0
    assert run["peak_rss_mb"] >= run["rss_before_mb"] > 0


def test_limit_and_baselines_with_chart(tmp_path: Path) -> None:
    runs = run_smoke(tmp_path, "limit", "naive", "dlt")
    limit = runs["limit"]
    assert_loaded_everything(limit, limit["orders"], limit["customers"])
    assert limit["requests"] >= limit["fewest_requests"]  # the shop counted every request the sync made
    assert limit["reads"]["orderExtend full page"] == limit["reads"]["orderExtend id page"]
    assert limit["efficiency"] == pytest.approx(limit["floor_s"] / limit["wall_s"], rel=0.01)

    naive = runs["naive"]
    assert_loaded_everything(naive, naive["orders"], naive["customers"])
    assert naive["requests"] - naive["throttled"] == naive["naive_requests_needed"]
    extrapolated = naive["extrapolated"]
    assert extrapolated["orders"] == limit["orders"]
    assert extrapolated["srpipeline_over_naive"] == pytest.approx(
        limit["wall_s"] / extrapolated["wall_s"], rel=0.01
    )

    for key in ("at_limit", "limit_off"):
        dlt = runs["dlt"][key]
        assert dlt["rows"]["orders"] == dlt["orders"] and dlt["rows"]["customers"] == dlt["customers"]
        assert dlt["requests"] - dlt["throttled"] == dlt["dlt_requests_needed"]
    assert runs["dlt"]["at_limit"]["srpipeline_wall_s"] == limit["wall_s"]  # compared on the same shop

    assert (tmp_path / "first_sync.png").read_bytes().startswith(b"\x89PNG")
    report = (tmp_path / "RESULTS.md").read_text()
    for heading in ("## 1. At the limit", "## Baseline: the naive integration", "## Baseline: dlt"):
        assert heading in report


def test_steady_state(tmp_path: Path) -> None:
    steady = run_smoke(tmp_path, "steady")["steady"]
    assert steady["first_sync"]["rows"]["orders"] == steady["orders"]
    incremental, unchanged = steady["incremental"], steady["unchanged"]
    assert incremental["streams"]["orders"]["updated"] >= steady["changed_orders"]
    assert incremental["rows_read"]["orders"] < steady["orders"]  # it read a window, not the shop
    assert unchanged["streams"]["orders"]["updated"] == 0
    assert unchanged["requests"] >= unchanged["fewest_requests"]


def test_own_speed_on_sqlite_and_postgresql(tmp_path: Path) -> None:
    own = run_smoke(tmp_path, "own_speed")["own_speed"]
    for dialect in ("sqlite", "postgresql"):
        assert_loaded_everything(own[dialect], own["orders"], own["customers"])
        assert own[dialect]["throttled"] == 0
        assert own[dialect]["orders_per_s"] == round(own["orders"] / own[dialect]["wall_s"])
    assert own["memory"]["small_orders"] < own["orders"]
    assert "## 3. Own speed" in (tmp_path / "RESULTS.md").read_text()


def test_through_dagster(tmp_path: Path) -> None:
    dagster = run_smoke(tmp_path, "dagster")["dagster"]
    run = dagster["default_start"]
    assert_loaded_everything(run, dagster["orders"], dagster["customers"])
    assert run["partitions"] >= 1
    assert {"orders", "customers"} <= set(run["streams"])
    assert "## 4. Through Dagster" in (tmp_path / "RESULTS.md").read_text()
