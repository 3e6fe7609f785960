"""The throttle with an injected clock: sliding window per second, 429 pauses every thread."""

from __future__ import annotations

import random
import threading

from srpipeline.shoprenter.throttle import Throttle, backoff_delay


class FakeTime:
    """A clock that only moves when someone sleeps; safe to share between threads."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[tuple[str, float]] = []
        self._lock = threading.Lock()
        self.last_read = threading.local()  # per thread: the time its last clock() call saw

    def clock(self) -> float:
        with self._lock:
            self.last_read.value = self.now
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append((threading.current_thread().name, seconds))
            self.now += seconds


def max_in_any_span(times: list[float], span: float = 1.0) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + span) for i, start in enumerate(times))


def test_never_more_than_rate_in_any_second_across_threads() -> None:
    fake = FakeTime()
    throttle = Throttle(3, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    sent: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            throttle.acquire()  # its last clock() read is the send time it recorded
            with lock:
                sent.append(fake.last_read.value)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sent) == 30
    assert max_in_any_span(sent) == 3


def test_a_burst_is_spread_not_let_through() -> None:
    fake = FakeTime()
    throttle = Throttle(3, margin=0.05, clock=fake.clock, sleep=fake.sleep)
    sent = []
    for _ in range(7):
        throttle.acquire()
        sent.append(fake.now)
    assert sent == [0.0, 0.0, 0.0, 1.05, 1.05, 1.05, 2.1]


def test_fractional_rate_and_no_limit() -> None:
    fake = FakeTime()
    slow = Throttle(0.5, margin=0.0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(3):
        slow.acquire()
    assert fake.now == 4.0
    unlimited = Throttle(0, clock=fake.clock, sleep=fake.sleep)
    for _ in range(100):
        unlimited.acquire()
    assert fake.now == 4.0


def test_429_pauses_every_thread() -> None:
    fake = FakeTime()
    throttle = Throttle(3, clock=fake.clock, sleep=fake.sleep)
    assert throttle.throttled(retry_after=5.0) == 5.0
    other = threading.Thread(target=throttle.acquire, name="other")
    other.start()
    other.join()
    assert fake.sleeps == [("other", 5.0)]


def test_429_without_retry_after_backs_off_exponentially_and_resets() -> None:
    fake = FakeTime()
    throttle = Throttle(
        0, backoff_base=1.0, backoff_cap=4.0, clock=fake.clock, sleep=fake.sleep, rng=random.Random(1)
    )
    pauses = [throttle.throttled(None) for _ in range(5)]
    assert 0.5 <= pauses[0] <= 1.0 and 1.0 <= pauses[1] <= 2.0 and 2.0 <= pauses[2] <= 4.0
    assert all(2.0 <= p <= 4.0 for p in pauses[3:])  # capped
    throttle.succeeded()
    assert throttle.throttled(None) <= 1.0
    assert throttle.throttled(retry_after=1000.0) == 4.0  # a huge Retry-After is capped too


def test_backoff_delay_has_jitter_but_never_near_zero() -> None:
    rng = random.Random(7)
    delays = {backoff_delay(3, base=0.5, cap=60, rng=rng) for _ in range(20)}
    assert len(delays) > 1 and all(2.0 <= d <= 4.0 for d in delays)
