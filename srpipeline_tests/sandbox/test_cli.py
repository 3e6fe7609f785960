"""``python -m srpipeline.sandbox`` serves a shop, prints how to reach it, and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys

import requests


def test_cli_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "srpipeline.sandbox",
            "--orders",
            "50",
            "--customers",
            "5",
            "--port",
            "0",
            "--rate",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Serving until Ctrl-C"):
                break
        exports = dict(
            line.strip().removeprefix("export ").split("=", 1)
            for line in lines
            if line.strip().startswith("export ")
        )
        assert set(exports) == {"SHOPRENTER_API_URL", "SHOPRENTER_USERNAME", "SHOPRENTER_PASSWORD"}
        response = requests.get(
            exports["SHOPRENTER_API_URL"] + "/orderExtend",
            auth=(exports["SHOPRENTER_USERNAME"], exports["SHOPRENTER_PASSWORD"]),
            headers={"Accept": "application/json"},
            timeout=10,
        )
        assert response.status_code == 200 and response.json()["pageCount"] == 2
        assert any("client secret" in line for line in lines)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
