"""Dagster: resources, assets, checks, jobs, sensor, schedule; `definitions.defs` is the code location."""

import warnings

from dagster import BetaWarning

# We use single-run backfill policies on purpose (one window per partition range); Dagster marks
# that parameter beta and would warn on every load, in the CLI's output too.
warnings.filterwarnings("ignore", category=BetaWarning)
