"""Per-credentials sliding-window rate limit: never more than ``rate`` requests in any one second."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """Admits a request when fewer than ``floor(rate)`` (at least 1) were admitted in the last second.

    Refused requests are not counted, so a client that waits gets through. ``rate`` 0 turns it off.
    """

    def __init__(self, rate: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._admitted: dict[str, deque[float]] = {}

    def admit(self, credentials_id: str) -> bool:
        if self.rate <= 0:
            return True
        allowed = max(1, math.floor(self.rate))
        now = self._monotonic()
        with self._lock:
            window = self._admitted.setdefault(credentials_id, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= allowed:
                return False
            window.append(now)
            return True
