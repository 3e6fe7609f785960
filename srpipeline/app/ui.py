"""The Dagster web UI and daemon on the Dagster home, started with Dagster's own `dagster dev`."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from srpipeline.app.home import WORKSPACE_YAML, open_instance
from srpipeline.settings import Settings


@dataclass
class UiProcess:
    """`dagster dev` (webserver, daemon and code server) started by `start_ui`; ``stop()`` ends it."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Block until the webserver answers (raises RuntimeError if `dagster dev` died, TimeoutError)."""
        wait_for_webserver(self.url, {"dagster dev": self.process}, timeout, logs=self.log)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM lets `dagster dev` stop its webserver, daemon and code server; if it hangs, its
        whole process group is killed, so no daemon is left running on the Dagster home."""
        if self.process.poll() is None:
            self.process.terminate()
        deadline = time.monotonic() + timeout
        try:
            self.process.wait(timeout)
            while _group_alive(self.process.pid) and time.monotonic() < deadline:
                time.sleep(0.2)  # its code server ends a moment after it
        except subprocess.TimeoutExpired:
            pass
        if _group_alive(self.process.pid):
            with contextlib.suppress(ProcessLookupError):  # it may end between the look and the kill
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


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


def start_ui(settings: Settings, host: str = "127.0.0.1", port: int = 3000) -> UiProcess:
    """`dagster dev` on our workspace.yaml and the settings' Dagster home; its output goes to
    <home>/srpipeline-ui.log (not under <home>/logs/, which Dagster's log uploader empties).

    The settings reach the code location as its environment, so it loads the same shop and CRM.
    """
    # Create the instance's storage here, once: the webserver and the daemon starting on a fresh home
    # would otherwise both create (migrate) the same SQLite files at the same time, and one fails.
    with open_instance(settings.dagster_home):
        pass
    log = settings.dagster_home / "srpipeline-ui.log"
    dagster = Path(sys.executable).with_name("dagster")
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [str(dagster), "dev", "-w", str(WORKSPACE_YAML), "-h", host, "-p", str(port)],
            cwd=settings.dagster_home,
            env=settings.environment(),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: `stop` can end all of it
        )
    return UiProcess(process=process, url=f"http://{host}:{port}", log=log)
