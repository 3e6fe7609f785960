"""The Dagster home: run history, the default SQLite CRM and the status mapping live there."""

from __future__ import annotations

import shutil
from pathlib import Path

from dagster import DagsterInstance

import srpipeline.defs

#: Package data, so an installed srpipeline has them too (the repository's top-level files link here).
DEFS_DIR = Path(srpipeline.defs.__file__).parent
DAGSTER_YAML = DEFS_DIR / "dagster.yaml"
WORKSPACE_YAML = DEFS_DIR / "workspace.yaml"


def prepare_dagster_home(path: Path) -> Path:
    """Create the Dagster home and give it our dagster.yaml (an existing one is kept: it may be edited)."""
    home = path.expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    return home


def open_instance(path: Path) -> DagsterInstance:
    """The Dagster instance of the home at ``path`` (prepared first)."""
    return DagsterInstance.from_config(str(prepare_dagster_home(path)))
