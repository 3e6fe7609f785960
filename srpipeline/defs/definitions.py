"""The srpipeline code location: every asset, check, job, sensor, schedule and resource in one place."""

from __future__ import annotations

from dagster import Definitions, in_process_executor, load_assets_from_modules

from srpipeline.defs.assets import crm_assets, shop_assets
from srpipeline.defs.checks import ASSET_CHECKS
from srpipeline.defs.jobs import full_refresh_job, sync_job
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.schedules import dawn_sync
from srpipeline.defs.sensors import sync_requests_sensor


def build_definitions() -> Definitions:
    """The code location, its resources read from the environment as it is now."""
    return Definitions(
        assets=load_assets_from_modules([shop_assets, crm_assets]),
        asset_checks=ASSET_CHECKS,
        jobs=[sync_job, full_refresh_job],
        sensors=[sync_requests_sensor],
        schedules=[dawn_sync],
        resources={
            "shop": ShoprenterResource.from_environment(),
            "crm": CrmDatabaseResource.from_environment(),
        },
        # One process per run: the shop sees one client and one throttle, also for UI materializations.
        executor=in_process_executor,
    )


defs = build_definitions()
