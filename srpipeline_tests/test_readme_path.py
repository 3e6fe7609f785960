"""The README's path on a plain install: the built wheel in a fresh virtualenv, run from a folder
that is not the checkout: `srpipeline demo`, the Dagster CLI, then `srpipeline ui` and a Sync
pressed with `srpipeline sync --wait`, which must succeed on the demo's CRM and read only what changed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from srpipeline.app.ui import wait_for_webserver
from srpipeline_tests.processes import free_port, port_in_use, processes_naming

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[1]


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{command} exited {done.returncode}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )
    return done.stdout


def test_the_built_wheel_runs_demo_then_ui_then_sync_from_another_folder(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip"]
    run(
        [*pip, "wheel", "--quiet", "--no-deps", str(ROOT), "-w", str(tmp_path / "dist")],
        tmp_path,
        {**os.environ},
        300,
    )
    (wheel,) = (tmp_path / "dist").glob("srpipeline-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path, {**os.environ}, 120)
    python, srpipeline = venv / "bin" / "python", venv / "bin" / "srpipeline"
    run([*pip, "--python", str(python), "install", "--quiet", str(wheel)], tmp_path, {**os.environ}, 600)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SHOPRENTER_", "CRM_", "DAGSTER_", "SRPIPELINE_", "PYTHON"))
    }
    location = run([str(python), "-c", "import srpipeline; print(srpipeline.__file__)"], elsewhere, env, 60)
    assert location.startswith(str(venv)), location  # the installed package, not the checkout

    demo = run([str(srpipeline), "demo", "--orders", "200"], elsewhere, env, 300)
    assert "succeeded" in demo and "crm_orders" in demo
    assert (elsewhere / ".dagster_home" / "demo_shop.json").exists()
    validated = subprocess.run(
        [str(venv / "bin" / "dagster"), "definitions", "validate", "-m", "srpipeline.defs.definitions"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert validated.returncode == 0, validated.stderr[-2000:]

    port = free_port()
    ui_log = (tmp_path / "ui.log").open("wb")
    # Started as `srpipeline ui &` is, with SIGINT ignored: `dagster dev` then used to ignore SIGTERM
    # as well, and a stop left its webserver and daemon running on the home.
    ui = subprocess.Popen(
        [str(srpipeline), "ui", "--port", str(port)],
        cwd=elsewhere, env=env, stdout=ui_log, stderr=subprocess.STDOUT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    try:
        wait_for_webserver(f"http://127.0.0.1:{port}", {"srpipeline ui": ui}, 120, logs=ui_log.name)
        synced = run([str(srpipeline), "sync", "--wait", "--timeout", "180"], elsewhere, env, 240)
    finally:
        stopping = time.monotonic()
        ui.send_signal(signal.SIGTERM)
        ui.wait(60)
        stopped_after = time.monotonic() - stopping
        ui_log.close()
    assert ": SUCCESS." in synced, synced
    home = str(elsewhere / ".dagster_home")
    assert stopped_after < 20, f"srpipeline ui took {stopped_after:.0f} s to stop"
    assert not port_in_use(port) and not processes_naming(home), processes_naming(home)
    streams = {line.split()[0]: line for line in synced.splitlines() if "last sync" in line}
    # the demo's shop came back as the same shop: nothing changed, so nothing was re-read as new
    for stream in ("orders", "customers"):
        assert " 0 rows changed of " in streams[stream], synced
