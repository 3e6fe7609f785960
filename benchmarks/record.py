"""Where results go: one JSON file per scenario under ``benchmarks/results``, a list of runs, newest last."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).with_name("results")
ROOT = Path(__file__).resolve().parents[1]


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model and Python: what a reader needs to compare their numbers with ours."""
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    """The commit measured, with ``+dirty`` when the working tree has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head}+dirty" if dirty else head


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: other work on the machine skews the unthrottled figures."""
    return [round(x, 2) for x in os.getloadavg()]


def append_run(
    results_dir: Path, scenario: str, figures: dict[str, Any], *, smoke: bool, load_before: list[float]
) -> dict[str, Any]:
    """Append one run (date, machine, commit, load, figures) to ``<results_dir>/<scenario>.json``."""
    run = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "smoke": smoke,
        "machine": machine(),
        "commit": git_commit(),
        "load_before": load_before,
        "load_after": load_average(),
        "figures": figures,
    }
    path = results_dir / f"{scenario}.json"
    runs = load_runs(path)
    runs.append(run)
    results_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(runs, indent=2) + "\n", encoding="utf-8")
    return run


def load_runs(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def latest(results_dir: Path, scenario: str) -> dict[str, Any] | None:
    """The newest run of ``scenario`` in ``results_dir``, or None."""
    runs = load_runs(results_dir / f"{scenario}.json")
    return runs[-1] if runs else None
