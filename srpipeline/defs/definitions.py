"""The srpipeline code location: every asset, check, job, sensor, schedule and resource in one place.

`build_definitions(settings)` is a factory: a second shop -> CRM pair would be a second call with
its own settings (and its own asset prefix); nothing in here is global.
"""

from __future__ import annotations

from dagster import Definitions, definitions, in_process_executor

from srpipeline.defs.assets.crm_assets import webshop_segments
from srpipeline.defs.assets.shop_assets import build_partitioned_assets, coupons, order_statuses_and_mapping
from srpipeline.defs.change_probe_sensor import build_change_probe_sensor
from srpipeline.defs.checks import ASSET_CHECKS
from srpipeline.defs.jobs import build_jobs
from srpipeline.defs.partitions import daily_partitions
from srpipeline.defs.resources import CrmDatabaseResource, ShoprenterResource
from srpipeline.defs.schedules import build_dawn_schedule
from srpipeline.defs.sensors import build_sync_sensor
from srpipeline.settings import Settings, read_settings


def build_definitions(settings: Settings) -> Definitions:
    """The code location on ``settings``: its shop, its CRM, its partitions."""
    partitions_def = daily_partitions(settings)
    return Definitions(
        assets=[
            order_statuses_and_mapping,
            coupons,
            *build_partitioned_assets(partitions_def),
            webshop_segments,
        ],
        asset_checks=ASSET_CHECKS,
        jobs=build_jobs(),
        sensors=[
            build_sync_sensor(partitions_def),
            build_change_probe_sensor(partitions_def, settings.probe_interval),
        ],
        schedules=[build_dawn_schedule(partitions_def)],
        resources={
            "shop": ShoprenterResource.from_settings(settings),
            "crm": CrmDatabaseResource.from_settings(settings),
        },
        # One process per run: the shop sees one client and one throttle, also for UI materializations.
        executor=in_process_executor,
    )


@definitions
def defs() -> Definitions:
    """What `dagster dev`, `dg` and the webserver load: the settings as the environment gives them."""
    return build_definitions(read_settings())
