"""first_sync.png: first-sync time at the shop's limit against the shop's size, for srpipeline, the
naive integration and dlt, over the floor the limit sets.

Each contender's line is its measured seconds per needed request times the requests it needs at
that size (linear in its request count); measured runs are drawn as points, the rest dashed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from benchmarks.contenders.dlt_load import dlt_requests
from benchmarks.contenders.naive import naive_requests
from benchmarks.floor import fewest_requests

SIZES = np.geomspace(50, 200_000, 80)


def draw(path: Path, limit: dict[str, Any], naive: dict[str, Any] | None, dlt: dict[str, Any] | None) -> Path:
    """Draw the chart from the latest figures of the ``limit``, ``naive`` and ``dlt`` scenarios."""
    rate = limit["shop"]["rate"]
    share = limit["orders"] / limit["shop"]["orders"]  # abandoned carts are not orders

    def counts(n: float) -> tuple[int, int]:
        return round(share * n), max(1, round(n / 4))

    floor = [fewest_requests(*counts(n)) / rate for n in SIZES]
    fig, ax = plt.subplots(figsize=(10, 5.5), dpi=110)
    ax.fill_between(SIZES, floor, 1e-1, color="0.92", label="too fast to read the CRM's data at this rate")
    ax.plot(
        SIZES,
        floor,
        color="0.3",
        lw=1.2,
        label=f"floor: fewest requests for orders (with storno), customers, statuses, coupons ÷ {rate:g}/s",
    )
    lines = [
        (
            "srpipeline",
            "tab:blue",
            [f / limit["efficiency"] for f in floor],
            limit["shop"]["orders"],
            limit["wall_s"],
            (-46, 6),
        )
    ]
    if naive is not None:
        per = naive["seconds_per_request"]
        lines.append(
            (
                "naive (1 request per order, lines, totals)",
                "tab:red",
                [naive_requests(*counts(n)) * per for n in SIZES],
                naive["shop"]["orders"],
                naive["wall_s"],
                (6, -14),
            )
        )
    if dlt is not None:
        at = dlt["at_limit"]
        lines.append(
            (
                "dlt rest_api (reads less: no storno, statuses, coupons)",
                "tab:green",
                [dlt_requests(*counts(n)) * at["seconds_per_request"] for n in SIZES],
                at["shop"]["orders"],
                at["wall_s"],
                (6, -14),
            )
        )
    for label, colour, ys, measured_n, measured_s, offset in lines:
        ax.plot(SIZES, ys, ls="--", color=colour, lw=1.6, label=f"{label} (extrapolated)")
        ax.plot([measured_n], [measured_s], "o", color=colour, ms=8, label=f"{label}: measured")
        ax.annotate(
            _duration(measured_s),
            (measured_n, measured_s),
            textcoords="offset points",
            xytext=offset,
            color=colour,
            fontsize=8,
        )
    for n in (1_000, 20_000, 200_000):
        ax.axvline(n, color="0.85", lw=0.8, zorder=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(SIZES[0], SIZES[-1])
    ax.set_ylim(1, None)
    ax.set_xlabel("orders in the shop (customers: a quarter of that)")
    ax.set_ylabel("first sync, seconds (log)")
    ax.set_yticks(
        [1, 60, 600, 3600, 86_400, 7 * 86_400], ["1 s", "1 min", "10 min", "1 h", "1 day", "1 week"]
    )
    ax.set_title(f"First sync at the shop's limit of {rate:g} requests/s")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2)
    ax.grid(True, which="major", color="0.9")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


def _duration(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    if seconds >= 120:
        return f"{seconds / 60:.0f} min"
    return f"{seconds:.0f} s"
