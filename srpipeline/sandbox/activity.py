"""A shop that keeps changing: one order's status every few seconds, as a live shop's admins do.

For trying the change probe (`srpipeline sandbox --change-every 10`) and for the freshness
benchmark, which reads each change's lag from the CRM afterwards.
"""

from __future__ import annotations

import random
import threading

from srpipeline.sandbox.control import ShopControl
from srpipeline.sandbox.store import ShopStore


class ShopActivity:
    """Changes the status of one placed order every ``every`` seconds, on a thread, until stopped."""

    def __init__(self, store: ShopStore, control: ShopControl, every: float, *, seed: int = 0) -> None:
        self._store = store
        self._control = control
        self._every = every
        self._rng = random.Random(seed)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="shop-activity")
        self.changed: list[int] = []  # inner ids, in the order they changed

    def start(self) -> ShopActivity:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def change_one(self) -> int:
        """Move one placed order (never a cart, never storno) to another status; returns its inner id."""
        store = self._store
        with store.lock:
            placed = sorted(set(store.order_ids()) - store.abandoned_ids() - store.storno_ids())
            order = placed[self._rng.randrange(len(placed))]
            statuses = sorted(set(store.statuses) - {store.order(order).status})
            self._control.set_order_status(order, self._rng.choice(statuses))
        self.changed.append(order)
        return order

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self.change_one()
