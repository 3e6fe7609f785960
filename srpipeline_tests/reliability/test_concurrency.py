"""Many syncs at once against one CRM, on SQLite and PostgreSQL: three `srpipeline sync --now`
processes started together and a fourth while they run, with 20 Sync presses (`srpipeline sync`)
during it, then two more together for an incremental sync. The shop's request log never shows two
syncs talking to it at once: every request falls inside the one run that holds the lease, and the
runs that were refused sent none.

The Dagster side (the sensor folding presses into runs, a UI "Materialize" queued behind a running
sync, the run pool) is proven against the real webserver and daemon in
srpipeline_tests/defs/test_e2e.py.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

import srpipeline.app.runs  # noqa: F401 - imported by a press; loaded up front so presses are quick
from srpipeline.cli import main
from srpipeline.crm.engine import make_engine
from srpipeline.crm.schema import crm_sync_log, crm_sync_requests
from srpipeline.sandbox import SandboxShop
from srpipeline_tests.crm_equality import assert_crm_equals_shop
from srpipeline_tests.reliability.support import doubled_keys

PRESSES = 20
PRESS_EVERY = 0.15  # 20 presses in 3 s, faster than the 10 s


def cli_env(shop: SandboxShop, crm_url: str, home: Path) -> dict[str, str]:
    return {
        "SHOPRENTER_API_URL": shop.classic_url,
        "SHOPRENTER_USERNAME": shop.username,
        "SHOPRENTER_PASSWORD": shop.password,
        "SHOPRENTER_RATE": "10",
        "CRM_DATABASE_URL": crm_url,
        "DAGSTER_HOME": str(home),
    }


def test_concurrent_syncs_never_talk_to_the_shop_at_once(
    make_sandbox: Callable[..., SandboxShop],
    crm_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shop = make_sandbox(orders=1500, customers=300, rate=0, seed=31)
    env = cli_env(shop, crm_url, tmp_path / "home")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["crm", "upgrade"]) == 0

    def start_sync() -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "srpipeline.cli", "sync", "--now"],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    syncs = [start_sync() for _ in range(3)]
    presses = []
    for press in range(PRESSES):
        presses.append(main(["sync"]))
        if press == PRESSES // 2:
            syncs.append(start_sync())
        time.sleep(PRESS_EVERY)
    outcomes = [(process.wait(timeout=120), *process.communicate()) for process in syncs]
    second_wave = [start_sync() for _ in range(2)]  # an incremental sync, pressed twice
    outcomes += [(process.wait(timeout=120), *process.communicate()) for process in second_wave]

    assert presses == [0] * PRESSES
    refused = [err for code, _, err in outcomes if code != 0]
    assert all(
        err.strip().splitlines()[-1].startswith("srpipeline: A sync is already running (") for err in refused
    )
    assert len(refused) < len(outcomes)

    engine = make_engine(crm_url)
    with engine.connect() as conn:
        runs = conn.execute(
            select(
                crm_sync_log.c.run_id,
                func.min(crm_sync_log.c.started_at),
                func.max(crm_sync_log.c.finished_at),
                func.sum(crm_sync_log.c.requests),
            ).group_by(crm_sync_log.c.run_id)
        ).all()
        queued = conn.execute(select(func.count()).select_from(crm_sync_requests)).scalar()
    assert queued == PRESSES
    assert len(runs) == len(outcomes) - len(refused)  # a refused sync wrote no log row
    intervals = sorted((start.timestamp(), end.timestamp(), requests) for _, start, end, requests in runs)
    for (_, end, _), (next_start, _, _) in itertools.pairwise(intervals):
        assert end <= next_start, "two syncs held the lease at once"
    times = [request.at for request in shop.request_log]
    for start, end, requests in intervals:
        assert sum(start <= at <= end for at in times) == requests
    assert sum(requests for _, _, requests in intervals) == len(times)  # no request outside a run

    assert_crm_equals_shop(engine, shop)
    assert doubled_keys(engine) == []
    engine.dispose()
    print(
        f"concurrency: {len(outcomes)} sync --now, {len(refused)} refused with 0 requests, "
        f"{len(runs)} ran one after another ({len(times)} requests), {queued} presses queued; "
        f"runs {[datetime.fromtimestamp(s).time().isoformat() for s, _, _ in intervals]}"
    )
