"""Runs one contender in a child process and measures its peak memory.

The harness writes the contender's spec as JSON on stdin (so the shop's password is never on a
command line); this process prints ``RESULT <json>`` as its last line. Memory: ``ru_maxrss`` of
this process (its peak resident set, imports included), and the resident set before the work
starts, so the work's own share can be told apart.
"""

from __future__ import annotations

import importlib
import json
import logging
import resource
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

#: Imported only in the child that runs it, so no contender's libraries count in another's memory.
CONTENDERS = {
    "srpipeline": "benchmarks.contenders.srpipeline:run_engine",
    "dagster": "benchmarks.contenders.srpipeline:run_dagster",
    "naive": "benchmarks.contenders.naive:run_naive",
    "dlt": "benchmarks.contenders.dlt_load:run_dlt",
}
MARKER = "RESULT "


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def run_in_child(contender: str, spec: dict[str, Any], log_path: Path | None = None) -> dict[str, Any]:
    """Run ``contender`` in a fresh ``python -m benchmarks.child``; its log passes through, or goes to
    ``log_path`` (whose end is shown if the run fails)."""
    with open(log_path, "w") if log_path else nullcontext() as log:
        process = subprocess.run(
            [sys.executable, "-m", "benchmarks.child", contender],
            input=json.dumps(spec),
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            check=False,
        )
    lines = [line for line in process.stdout.splitlines() if line.startswith(MARKER)]
    if process.returncode != 0 or not lines:
        if log_path:
            print("\n".join(log_path.read_text().splitlines()[-40:]), file=sys.stderr)
        raise RuntimeError(f"the {contender} run failed (exit {process.returncode}): see its log above")
    return json.loads(lines[-1][len(MARKER) :])


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.WARNING, format="    %(message)s", stream=sys.stderr)
    logging.getLogger("benchmarks").setLevel(logging.INFO)  # the sync's progress lines
    module, _, function = CONTENDERS[argv[0]].partition(":")
    contender = getattr(importlib.import_module(module), function)
    spec = json.loads(sys.stdin.read())
    before = _rss_mb()
    figures = contender(spec)
    figures["rss_before_mb"] = round(before, 1)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(MARKER + json.dumps(figures, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
