"""The sandbox shop in its own process (so it does not compete with the measured code for the GIL),
and what the benchmarks ask of it: its credentials, its admin actions, its request log.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import IO, Any

import requests

_CLASSIC = re.compile(
    r"classic API\s+(?P<url>\S+)\s+\(Basic auth\) username (?P<user>\S+)\s+password (?P<pw>\S+)"
)
STARTUP_TIMEOUT = 120.0


@dataclass(frozen=True)
class ShopSpec:
    """What the sandbox generates: the same spec and seed give the same data in every process."""

    orders: int
    customers: int
    rate: float
    seed: int = 1


@dataclass(frozen=True)
class RequestTally:
    """The shop's own count of the API requests it answered (the admin endpoint is not counted)."""

    requests: int
    throttled: int
    by_kind: dict[str, int]


class ShopProcess:
    """``python -m srpipeline.sandbox`` on a free port; ``with ShopProcess(spec) as shop: ...``."""

    def __init__(self, spec: ShopSpec) -> None:
        self.spec = spec
        self._process: subprocess.Popen[str] | None = None
        self.url = ""
        self.username = ""
        self.password = ""
        self.started_in = 0.0
        self._admin = requests.Session()

    def __enter__(self) -> ShopProcess:
        began = time.monotonic()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "srpipeline.sandbox",
                *("--orders", str(self.spec.orders), "--customers", str(self.spec.customers)),
                *("--rate", f"{self.spec.rate:g}", "--seed", str(self.spec.seed), "--port", "0"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self._read_banner(self._process.stdout)
        self.started_in = time.monotonic() - began
        return self

    def _read_banner(self, stdout: IO[str]) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        for line in stdout:
            if match := _CLASSIC.search(line):
                self.url, self.username, self.password = match["url"], match["user"], match["pw"]
            if line.startswith("Serving until"):
                return
            if time.monotonic() > deadline:
                break
        self.close()
        raise RuntimeError(f"the sandbox shop did not start ({self.spec}); run it by hand to see why")

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.close()

    def close(self) -> None:
        self._admin.close()
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    # -- admin -----------------------------------------------------------------------------
    def admin(self, name: str, **kwargs: Any) -> Any:
        response = self._admin.post(f"{self.url}/_admin/{name}", json=kwargs, timeout=30)
        response.raise_for_status()
        return response.json()["result"]

    def set_rate(self, rate: float) -> None:
        self.admin("rate", rate=rate)

    def clear_log(self) -> None:
        self.admin("clear_log")

    def tally(self) -> RequestTally:
        """Requests and 429s since the last :meth:`clear_log`, and the answered ones by kind of read."""
        response = self._admin.get(f"{self.url}/_admin/log", timeout=30)
        response.raise_for_status()
        entries: list[Mapping[str, Any]] = response.json()["result"]
        by_kind: dict[str, int] = {}
        for entry in entries:
            if entry["status"] != 429:
                kind = request_kind(entry["path"], entry["query"])
                by_kind[kind] = by_kind.get(kind, 0) + 1
        throttled = sum(1 for entry in entries if entry["status"] == 429)
        return RequestTally(requests=len(entries), throttled=throttled, by_kind=dict(sorted(by_kind.items())))

    def count(self, resource: str, **filters: Any) -> int:
        """How many items a list holds: one page of one item tells (``pageCount``); not rate-free."""
        for _ in range(20):
            response = self._admin.get(
                f"{self.url}/{resource}",
                params={**filters, "limit": 1},
                auth=(self.username, self.password),
                headers={"Accept": "application/json"},
                timeout=30,
            )
            if response.status_code != 429:
                response.raise_for_status()
                return int(response.json()["pageCount"])
            time.sleep(0.5)
        raise RuntimeError(f"the sandbox kept answering 429 to a count of {resource}")


def request_kind(path: str, query: Mapping[str, str]) -> str:
    """``orderExtend full page``, ``orderExtend id page``, ``orders item``, ... for the tables."""
    parts = [p for p in path.split("/") if p]
    resource = parts[0] if parts else path
    if len(parts) > 1:
        return f"{resource} item"
    return f"{resource} {'full' if query.get('full') == '1' else 'id'} page"
