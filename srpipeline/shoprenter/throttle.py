"""The client's rate limit: a sliding window of send times, shared by every thread of one client.

A token bucket lets a full bucket burst past the limit inside one second; the shop counts requests
per second, so here a send waits until fewer than ``rate`` sends lie in the last second (plus a
small margin for network jitter). A 429 pauses every thread of the client, not only the caller.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Capped exponential backoff with "equal jitter": half fixed, half random, so never near zero."""
    ceiling = min(cap, base * 2**attempt)
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class Throttle:
    """At most ``rate`` sends in any ``1 + margin`` second span; ``rate`` 0 means no limit.

    A fractional rate below 1 allows one send per ``1 / rate`` seconds; above 1 it is rounded
    down (never over the limit).
    """

    def __init__(
        self,
        rate: float,
        *,
        margin: float = 0.05,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._lock = threading.Lock()
        self._paused_until = 0.0
        self._consecutive_429 = 0
        if rate <= 0:
            self._per_span, self._span = 0, 0.0
        elif rate < 1:
            self._per_span, self._span = 1, 1 / rate + margin
        else:
            self._per_span, self._span = math.floor(rate), 1.0 + margin
        self._sent: deque[float] = deque(maxlen=max(self._per_span, 1))

    def acquire(self) -> None:
        """Block until a send is allowed, then record it as sent now."""
        while True:
            with self._lock:
                now = self._clock()
                wait = self._paused_until - now
                if self._per_span and len(self._sent) == self._per_span:
                    wait = max(wait, self._sent[0] + self._span - now)
                if wait <= 0:
                    if self._per_span:
                        self._sent.append(now)
                    return
            self._sleep(wait)

    def throttled(self, retry_after: float | None) -> float:
        """The shop answered 429: pause every sender; returns the pause in seconds."""
        with self._lock:
            if retry_after is not None:
                pause = min(max(retry_after, 0.0), self._backoff_cap)
            else:
                pause = backoff_delay(
                    self._consecutive_429, base=self._backoff_base, cap=self._backoff_cap, rng=self._rng
                )
            self._consecutive_429 += 1
            self._paused_until = max(self._paused_until, self._clock() + pause)
            return pause

    def succeeded(self) -> None:
        """A request went through: the next 429 starts its backoff from the bottom again."""
        with self._lock:
            self._consecutive_429 = 0
