"""The freshness every asset promises while the change probe runs, as Dagster's UI checks it."""

from datetime import timedelta

from dagster import FreshnessPolicy

#: A sync runs within minutes of a change, and at least hourly: the probe's hourly re-read of the
#: statuses and coupons syncs every asset. The UI warns when that hourly sync is late, and fails
#: the asset's freshness when two were missed (the probe stopped, or the shop cannot be reached).
SYNC_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=timedelta(hours=2), warn_window=timedelta(minutes=75)
)
