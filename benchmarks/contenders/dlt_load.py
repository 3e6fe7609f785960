"""The dlt baseline: its ``rest_api`` source (page-number paging, Basic auth) loading orders and
customers into SQLite through its ``sqlalchemy`` destination, with dlt's defaults otherwise (it
retries a 429 with exponential backoff; it does not pace itself), except one load worker (SQLite).

It reads the whole orders and customers lists once: no storno pairing (dlt cannot tell a storno
order), no statuses, coupons or settings, no keys or upserts beyond what its ``replace`` does.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

PAGE = 200
#: Nested lists dlt unpacks into child tables.
LINES_TABLE = "orders__order_products"


def dlt_requests(orders: int, customers: int) -> int:
    """Requests dlt makes: one per page of each list (no pairing, no small lists)."""
    return -(-orders // PAGE) + -(-customers // PAGE)


def run_dlt(spec: dict[str, Any]) -> dict[str, Any]:
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")
    # SQLite takes one writer at a time: with dlt's default parallel load jobs a 200,000-order load
    # fails with "database is locked" (seen here), so it loads one job at a time.
    os.environ.setdefault("LOAD__WORKERS", "1")
    import dlt
    from dlt.sources.rest_api import rest_api_source

    work = Path(spec["work_dir"])
    started = time.perf_counter()
    source = rest_api_source(
        {
            "client": {
                "base_url": spec["api_url"] + "/",
                "auth": {"type": "http_basic", "username": spec["username"], "password": spec["password"]},
                "headers": {"Accept": "application/json"},
                "paginator": {
                    "type": "page_number",
                    "base_page": 0,
                    "page_param": "page",
                    "total_path": "pageCount",
                },
            },
            "resource_defaults": {
                "write_disposition": "replace",
                "endpoint": {"data_selector": "items", "params": {"full": 1, "limit": PAGE}},
            },
            "resources": [
                {
                    "name": "orders",
                    "endpoint": {"path": "orderExtend", "params": {"excludeAbandonedCart": 1}},
                },
                {"name": "customers", "endpoint": {"path": "customers"}},
            ],
        }
    )
    pipeline = dlt.pipeline(
        pipeline_name="shop",
        pipelines_dir=str(work / "pipelines"),
        destination=dlt.destinations.sqlalchemy(credentials=f"sqlite:///{work / 'dlt.sqlite'}"),
        dataset_name="shop",
    )
    pipeline.run(source)
    wall = time.perf_counter() - started
    # dlt's SQLite destination attaches each dataset as its own file: <database>__<dataset>.sqlite
    db = sqlite3.connect(work / "dlt__shop.sqlite")
    rows = {
        key: db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        for key, table in (("orders", "orders"), ("order_items", LINES_TABLE), ("customers", "customers"))
    }
    db.close()
    return {"wall_s": wall, "rows": rows}
