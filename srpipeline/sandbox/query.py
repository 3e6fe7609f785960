"""Query parameters: paging, and the date filters' formats (local shop time, no zone)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from srpipeline.sandbox.errors import ApiError

MAX_LIMIT = 200
DEFAULT_LIMIT = 25
PAGING_PARAMS = frozenset({"page", "limit", "full"})
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Paging:
    page: int
    limit: int
    full: bool


def parse_paging(params: dict[str, str]) -> Paging:
    try:
        page = int(params.get("page", "0"))
        limit = int(params.get("limit", str(DEFAULT_LIMIT)))
    except ValueError:
        raise ApiError(400, 400, "The page and limit parameters must be whole numbers!") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, 400, f"The limit parameter must be between 1 and {MAX_LIMIT}!")
    if page < 0:
        raise ApiError(400, 40008, f"Page not found! The requested page: {page}.")
    return Paging(page, limit, params.get("full") == "1")


def local_datetime(value: str, tz: ZoneInfo) -> int:
    """``2013-01-01T10:30:00`` in the shop's time zone as epoch seconds (400/40009 when malformed)."""
    try:
        if not _DATETIME.fullmatch(value):
            raise ValueError(value)
        return int(datetime.strptime(value, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=tz).timestamp())
    except ValueError:
        raise ApiError(
            400, 40009, f"The given date-time: {value} is not valid! Expected format: 2013-01-01T10:30:00"
        ) from None


def local_day(value: str, tz: ZoneInfo) -> tuple[int, int]:
    """``2013-01-01`` as the epoch seconds of its first and last second (400/40017 when malformed)."""
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        day = datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise ApiError(
            400, 40017, f"The given date: {value} is not valid! Expected format: 2013-01-01"
        ) from None
    first = int(day.replace(tzinfo=tz).timestamp())
    nxt = int((day + timedelta(days=1)).replace(tzinfo=tz).timestamp())
    return first, nxt - 1


def whole_number(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None
