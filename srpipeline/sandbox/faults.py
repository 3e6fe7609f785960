"""Injected trouble: server errors, dropped connections, cut bodies, 429 storms, 504 on big pages, latency.

Decisions come from one seeded random stream, so a run with the same seed and the same request
sequence sees the same faults. Changing :attr:`FaultConfig.seed` restarts the stream.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field


@dataclass
class FaultConfig:
    error_rates: dict[int, float] = field(default_factory=dict)  # 500/503/504 -> probability per request
    drop_rate: float = 0.0  # close the connection without an answer
    truncate_rate: float = 0.0  # send only part of the body (Content-Length says the cut length)
    oversize_504: int | None = None  # 504 for list pages asking for limit > this
    latency: float = 0.0  # seconds added to every API request
    _seed: int = 0
    _rng: random.Random = field(default_factory=lambda: random.Random(0), repr=False)
    _storm_until: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def seed(self) -> int:
        return self._seed

    @seed.setter
    def seed(self, value: int) -> None:
        with self._lock:
            self._seed = value
            self._rng = random.Random(value)

    def describe(self) -> str:
        """The faults switched on, in one line."""
        parts = [f"{self.latency:g} s latency"] if self.latency else []
        parts += [f"{share:.0%} {status}" for status, share in sorted(self.error_rates.items()) if share]
        parts += [f"{self.drop_rate:.0%} dropped"] if self.drop_rate else []
        parts += [f"{self.truncate_rate:.0%} cut short"] if self.truncate_rate else []
        parts += [f"504 above {self.oversize_504} a page"] if self.oversize_504 else []
        return ", ".join(parts) or "none"

    def storm(self, seconds: float) -> None:
        """Answer 429 to every API request for the next ``seconds``."""
        self._storm_until = time.monotonic() + seconds

    def in_storm(self) -> bool:
        return time.monotonic() < self._storm_until

    def clear(self) -> None:
        """Back to no faults (the random stream is kept)."""
        self.error_rates = {}
        self.drop_rate = self.truncate_rate = self.latency = 0.0
        self.oversize_504 = None
        self._storm_until = 0.0

    def draw_error(self) -> int | None:
        """The status of an injected server error for this request, or None."""
        with self._lock:
            for status, probability in sorted(self.error_rates.items()):
                if probability > 0 and self._rng.random() < probability:
                    return status
        return None

    def draw(self, probability: float) -> bool:
        if probability <= 0:
            return False
        with self._lock:
            return self._rng.random() < probability
