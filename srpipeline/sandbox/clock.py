"""The shop's clock: real time by default, or frozen and moved by hand (tests, demos)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class ShopClock:
    """Source of "now" for every data change in the sandbox shop.

    Real time until :meth:`set` is called; from then on the clock is frozen at that instant and
    only :meth:`advance` moves it. Before :meth:`set`, :meth:`advance` shifts real time by an offset.
    """

    def __init__(self, fixed: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._fixed: datetime | None = None
        self._offset = timedelta(0)
        if fixed is not None:
            self.set(fixed)

    def now(self) -> datetime:
        with self._lock:
            if self._fixed is not None:
                return self._fixed
            return datetime.now(UTC) + self._offset

    def set(self, dt: datetime) -> None:
        if dt.tzinfo is None:
            raise ValueError("ShopClock.set needs an aware datetime")
        with self._lock:
            self._fixed = dt.astimezone(UTC)

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._fixed is not None:
                self._fixed += timedelta(seconds=seconds)
            else:
                self._offset += timedelta(seconds=seconds)

    def timestamp(self) -> int:
        """Now as whole epoch seconds: the resolution of the shop's ``dateUpdated``."""
        return int(self.now().timestamp())
