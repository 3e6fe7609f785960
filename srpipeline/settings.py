"""Where things live, from the environment, with the defaults a newcomer gets on a fresh machine.

One place reads these variables, so the CLI, the sync engine and Dagster agree on them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

DEFAULT_TIMEZONE = "Europe/Budapest"


def dagster_home(environ: Mapping[str, str] = os.environ) -> Path:
    """The Dagster home: run history, the default SQLite CRM and the status mapping live here."""
    return Path(environ.get("DAGSTER_HOME") or Path.cwd() / ".dagster_home").resolve()


def crm_database_url(environ: Mapping[str, str] = os.environ) -> str:
    """`CRM_DATABASE_URL`, else a SQLite file under the Dagster home."""
    url = environ.get("CRM_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{dagster_home(environ) / 'crm.sqlite'}"


def status_mapping_path(environ: Mapping[str, str] = os.environ) -> Path:
    """`SRPIPELINE_STATUS_MAPPING`, else `status_mapping.yaml` under the Dagster home."""
    path = environ.get("SRPIPELINE_STATUS_MAPPING")
    return Path(path) if path else dagster_home(environ) / "status_mapping.yaml"


def shop_timezone_name(environ: Mapping[str, str] = os.environ) -> str:
    """The shop's time zone for Dagster's daily partitions and the dawn schedule."""
    return environ.get("SHOPRENTER_TIMEZONE") or DEFAULT_TIMEZONE


#: Recent on purpose: the first partition also holds every row changed before it, so nothing is
#: lost, and Dagster records a materialization per partition (a first sync over years of days
#: spends a minute writing them). Set SRPIPELINE_START_DATE earlier for day-by-day history.
DEFAULT_START_DATE = "2026-11-01"


def partitions_start_date(environ: Mapping[str, str] = os.environ) -> str:
    """First daily partition; the first partition also holds everything changed before it."""
    return environ.get("SRPIPELINE_START_DATE") or DEFAULT_START_DATE
