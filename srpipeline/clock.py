"""The wall clock every layer defaults to; tests inject their own ``Callable[[], datetime]``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: A source of aware UTC datetimes (the CRM's times are all UTC).
WallClock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
