"""What the command line calls: the Dagster home, Sync requests, an in-process sync run, the web UI.

`srpipeline demo` runs the `sync` job in-process against the real instance of a Dagster home, so the
run shows in the UI's history; `srpipeline ui` starts the webserver and the daemon on that home.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from dagster import DagsterInstance, DagsterRunStatus, PartitionKeyRange
from sqlalchemy import Engine, select

from srpipeline import settings
from srpipeline.crm.engine import open_crm
from srpipeline.crm.schema import crm_sync_requests
from srpipeline.crm.state import add_sync_request
from srpipeline.defs.jobs import sync_range
from srpipeline.defs.partitions import daily_change_partitions
from srpipeline.defs.tags import sync_run_tags

#: Package data, so an installed srpipeline has them too (the repository's top-level files link here).
DAGSTER_YAML = Path(__file__).with_name("dagster.yaml")
WORKSPACE_YAML = Path(__file__).with_name("workspace.yaml")


def prepare_dagster_home(path: str | Path) -> Path:
    """Create the Dagster home and give it our dagster.yaml (an existing one is kept: it may be edited)."""
    home = Path(path).expanduser().resolve()
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(DAGSTER_YAML, home / "dagster.yaml")
    return home


def request_sync(engine: Engine, requested_by: str | None) -> int:
    """Press the Sync button: queue a request for the sensor; returns its id."""
    with engine.begin() as conn:
        return add_sync_request(conn, requested_by, now=datetime.now(UTC))


@dataclass(frozen=True)
class RunReport:
    """What one sync run did: its id, each asset's metadata, each check's outcome."""

    run_id: str
    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    checks: dict[str, tuple[bool, str]] = field(default_factory=dict)


def run_sync_job(
    instance: DagsterInstance, *, trigger: str = "manual", full_refresh: bool = False
) -> tuple[bool, RunReport]:
    """Run `sync` (or `full_refresh` over every partition) in this process, recorded in ``instance``.

    Bypasses the run queue (so no pool slot is taken); the CRM's sync lease still keeps it from
    interleaving with another sync. Resources come from the environment as in the code location.
    """
    from srpipeline.defs.definitions import build_definitions  # the code location: only when running

    engine = open_crm(settings.crm_database_url())
    try:
        now = datetime.now(UTC)
        if full_refresh:
            keys = daily_change_partitions.get_partition_keys(current_time=now)
            key_range = PartitionKeyRange(keys[0], keys[-1])
        else:
            key_range = sync_range(engine, now)
    finally:
        engine.dispose()
    job = build_definitions().resolve_job_def("full_refresh" if full_refresh else "sync")
    result = job.execute_in_process(
        instance=instance,
        tags=sync_run_tags(key_range, trigger),
        raise_on_error=False,
        # progress and summaries on the terminal; Dagster's step-by-step events stay in the UI
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
    )
    report = RunReport(run_id=result.run_id)
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        report.assets[materialization.asset_key.to_user_string()] = {
            key: value.value for key, value in materialization.metadata.items()
        }
    for evaluation in result.get_asset_check_evaluations():
        report.checks[evaluation.check_name] = (evaluation.passed, evaluation.description or "")
    return result.success, report


@dataclass(frozen=True)
class RequestOutcome:
    request_id: int
    run_id: str
    run_status: DagsterRunStatus | None  # None when no instance was given to follow the run


def wait_for_request(
    engine: Engine,
    request_id: int,
    timeout: float,
    *,
    instance: DagsterInstance | None = None,
    poll_seconds: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> RequestOutcome:
    """Wait until a Sync request is served by a run and, given the instance, until that run ends."""
    deadline = clock() + timeout
    run_id: str | None = None
    while True:
        if run_id is None:
            with engine.connect() as conn:
                row = conn.execute(
                    select(crm_sync_requests.c.run_id).where(crm_sync_requests.c.id == request_id)
                ).one_or_none()
            if row is None:
                raise LookupError(f"Sync request {request_id} does not exist in this CRM database")
            run_id = row.run_id
        if run_id is not None:
            if instance is None:
                return RequestOutcome(request_id, run_id, None)
            run = instance.get_run_by_id(run_id)
            if run is not None and run.is_finished:
                return RequestOutcome(request_id, run_id, run.status)
        if clock() >= deadline:
            waiting_for = f"run {run_id} to end" if run_id else "a run to serve it"
            raise TimeoutError(
                f"Sync request {request_id}: still waiting for {waiting_for} after {timeout:.0f} s; "
                "is the Dagster daemon running (`srpipeline ui`)?"
            )
        sleep(poll_seconds)


@dataclass
class UiProcesses:
    """The Dagster webserver and daemon started by `start_ui`; ``stop()`` ends both."""

    webserver: subprocess.Popen[bytes]
    daemon: subprocess.Popen[bytes]
    url: str
    log_dir: Path

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until the webserver answers (raises RuntimeError if a process died, TimeoutError)."""
        processes = {"dagster webserver": self.webserver, "dagster daemon": self.daemon}
        wait_for_webserver(self.url, processes, timeout, logs=self.log_dir)

    def stop(self, timeout: float = 20.0) -> None:
        for process in (self.daemon, self.webserver):
            if process.poll() is None:
                process.terminate()
        for process in (self.daemon, self.webserver):
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for_webserver(
    url: str, processes: Mapping[str, subprocess.Popen[Any]], timeout: float, *, logs: Path | str
) -> None:
    """Block until the Dagster webserver at ``url`` answers, while every one of ``processes`` lives."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}: see {logs}")
        try:
            if requests.get(f"{url}/server_info", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the Dagster webserver did not answer on {url} within {timeout:.0f} s")


def start_ui(
    dagster_home: str | Path,
    host: str = "127.0.0.1",
    port: int = 3000,
    *,
    env: Mapping[str, str] | None = None,
) -> UiProcesses:
    """Start `dagster-webserver` and `dagster-daemon` on our workspace.yaml with DAGSTER_HOME set.

    ``env`` (default: this process's environment) reaches the code location, so the resources read
    the same SHOPRENTER_* and CRM_DATABASE_URL. Output goes to <home>/logs/{webserver,daemon}.log.
    """
    home = prepare_dagster_home(dagster_home)
    # Create the instance's storage here, once: the webserver and the daemon starting on a fresh home
    # would otherwise both create (migrate) the same SQLite files at the same time, and one fails.
    with DagsterInstance.from_config(str(home)):
        pass
    log_dir = home / "logs"
    log_dir.mkdir(exist_ok=True)
    child_env = {**(os.environ if env is None else env), "DAGSTER_HOME": str(home)}
    bin_dir = Path(sys.executable).parent
    workspace = ["-w", str(WORKSPACE_YAML)]

    def spawn(name: str, args: list[str]) -> subprocess.Popen[bytes]:
        with open(log_dir / f"{name}.log", "ab") as log:
            return subprocess.Popen(
                [str(bin_dir / f"dagster-{name}"), *args],
                cwd=home,
                env=child_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    webserver = spawn("webserver", ["-h", host, "-p", str(port), *workspace])
    daemon = spawn("daemon", ["run", *workspace])
    return UiProcesses(webserver=webserver, daemon=daemon, url=f"http://{host}:{port}", log_dir=log_dir)
