"""``python -m benchmarks``: every scenario of issue 6, then the chart and RESULTS.md.

    python -m benchmarks                      # everything (~25 min on 2 cores)
    python -m benchmarks --scenario limit     # one scenario (repeat --scenario for more)
    python -m benchmarks --orders 5000        # every scenario at 5,000 orders (customers: a quarter)
    python -m benchmarks --smoke              # tiny sizes, results in a temporary folder (CI)

Results: benchmarks/results/<scenario>.json (a list of runs), benchmarks/results/first_sync.png,
benchmarks/RESULTS.md. With --results-dir, all three go to that folder instead.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from benchmarks import chart, report
from benchmarks.harness import Settings, say
from benchmarks.record import RESULTS_DIR, append_run, latest, load_average, machine
from benchmarks.scenarios import SCENARIOS
from srpipeline_tests.throwaway_postgres import postgres_server

DEFAULT_REPORT = Path(__file__).with_name("RESULTS.md")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--scenario", action="append", choices=list(SCENARIOS), help="default: all")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: checks the harness, not speed")
    parser.add_argument("--orders", type=int, help="orders in every scenario's shop (customers: a quarter)")
    parser.add_argument("--results-dir", type=Path, help="default: benchmarks/results (smoke: a temp folder)")
    parser.add_argument(
        "--pg-url", help="PostgreSQL server of scenario 3 (default: CRM_TEST_POSTGRES_URL, else throwaway)"
    )
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.results_dir is not None:
        results_dir, report_path = args.results_dir, args.results_dir / "RESULTS.md"
    elif args.smoke:
        results_dir = Path(tempfile.mkdtemp(prefix="srp-bench-smoke-"))
        report_path = results_dir / "RESULTS.md"
    else:
        results_dir, report_path = RESULTS_DIR, DEFAULT_REPORT
    this_run: dict[str, dict[str, Any]] = {}

    def previous(name: str) -> dict[str, Any] | None:
        if name in this_run:
            return {**this_run[name], "machine": machine()}
        stored = latest(results_dir, name)
        return {**stored["figures"], "machine": stored["machine"]} if stored else None

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="srp-bench-") as work, ExitStack() as stack:
        pg_url = args.pg_url or stack.enter_context(postgres_server(durable=True))
        settings = Settings(work_dir=Path(work), smoke=args.smoke, orders=args.orders, pg_url=pg_url)
        for name in args.scenario or list(SCENARIOS):
            say(f"== {name}: {SCENARIOS[name].__doc__.splitlines()[0]}")
            started, load_before = time.monotonic(), load_average()
            this_run[name] = SCENARIOS[name](settings, previous)
            append_run(results_dir, name, this_run[name], smoke=args.smoke, load_before=load_before)
            say(f"   ({time.monotonic() - started:.0f} s)")
    png = results_dir / "first_sync.png"
    limit = previous("limit")
    if limit is not None:
        chart.draw(png, limit, previous("naive"), previous("dlt"))
        say(f"chart: {png}")
    report_path.write_text(
        report.render(results_dir, png_name=os.path.relpath(png, report_path.parent)), encoding="utf-8"
    )
    say(f"results: {results_dir}; report: {report_path}; {time.monotonic() - began:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
