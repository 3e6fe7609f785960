"""srpipeline's first or incremental sync: the plain engine (`sync_everything`) or the Dagster `sync` job."""

from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from srpipeline.crm.engine import open_crm
from srpipeline.crm.schema import crm_contacts, crm_order_items, crm_orders
from srpipeline.shoprenter.client import ShoprenterClient
from srpipeline.shoprenter.config import ShopConfig
from srpipeline.sync import Progress, SyncContext, sync_everything


def crm_rows(engine: Engine) -> dict[str, int]:
    """What the CRM holds after the sync: orders, their product lines, shop customers."""
    with engine.connect() as conn:

        def count(table: Any, *where: Any) -> int:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()

        return {
            "orders": count(crm_orders),
            "order_items": count(crm_order_items),
            "customers": count(crm_contacts, crm_contacts.c.sr_customer_inner_id.is_not(None)),
        }


def run_engine(spec: dict[str, Any]) -> dict[str, Any]:
    """`sync_everything` as `srpipeline sync --now` runs it; wall time includes opening the CRM."""
    log = logging.getLogger("benchmarks")

    def progress(line: Progress) -> None:
        log.info("  %s", line.line())

    started = time.perf_counter()
    engine = open_crm(spec["db_url"])
    config = ShopConfig(
        api_url=spec["api_url"], username=spec["username"], password=spec["password"], rate=spec["rate"]
    )
    with ShoprenterClient(config) as client:
        ctx = SyncContext(
            client=client,
            engine=engine,
            run_id=f"bench-{uuid.uuid4().hex[:8]}",
            mapping_path=Path(spec["mapping_path"]),
            progress=progress,
        )
        results = sync_everything(ctx)
    wall = time.perf_counter() - started
    rows = crm_rows(engine)
    engine.dispose()
    return {
        "wall_s": wall,
        "rows": rows,
        "streams": {r.stream: r.as_metadata() for r in results},
    }


def run_dagster(spec: dict[str, Any]) -> dict[str, Any]:
    """The Dagster `sync` job in this process, recorded in a fresh Dagster home, as `srpipeline demo`."""
    home = Path(spec["dagster_home"])
    os.environ.update(
        {
            "DAGSTER_HOME": str(home),
            "CRM_DATABASE_URL": spec["db_url"],
            "SRPIPELINE_STATUS_MAPPING": spec["mapping_path"],
            "SHOPRENTER_API_URL": spec["api_url"],
            "SHOPRENTER_USERNAME": spec["username"],
            "SHOPRENTER_PASSWORD": spec["password"],
            "SHOPRENTER_RATE": str(spec["rate"]),
        }
    )
    if spec.get("start_date"):
        os.environ["SRPIPELINE_START_DATE"] = spec["start_date"]
    imported = time.perf_counter()
    from dagster import DagsterInstance

    from srpipeline.app.home import prepare_dagster_home
    from srpipeline.app.runs import run_sync_job
    from srpipeline.defs.partitions import daily_partitions
    from srpipeline.settings import read_settings

    import_s = time.perf_counter() - imported
    settings = read_settings()
    partitions_def = daily_partitions(settings)
    partitions = len(partitions_def.get_partition_keys())
    started = time.perf_counter()
    instance = DagsterInstance.from_config(str(prepare_dagster_home(home)))
    success, report = run_sync_job(instance, settings, trigger="manual")
    wall = time.perf_counter() - started
    if not success:
        raise RuntimeError(f"the Dagster sync run {report.run_id} failed: see {home}")
    engine = open_crm(spec["db_url"])
    rows = crm_rows(engine)
    engine.dispose()
    return {
        "wall_s": wall,
        "dagster_import_s": import_s,
        "start_date": partitions_def.start.date().isoformat(),
        "partitions": partitions,
        "rows": rows,
        "checks_passed": sum(passed for passed, _ in report.checks.values()),
        "checks": len(report.checks),
        "streams": report.assets,
    }
