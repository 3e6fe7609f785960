"""The shapes of a list read: the change window, one page, and the resume points.

Paging without gaps (design.md, "Windows without gaps"): inside a frozen window rows can only
leave (a changed row gets a newer ``dateUpdated``), which shifts the rows after them down.
- Keyset (orders): always page 0 of ``innerIdMin = last seen + 1``: shifts cannot skip a row.
- Reverse (customers, id-only reads): read from the end towards row 0. Positions are kept in ROWS,
  not pages, so the cursor stays right when the page size halves after a 504.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any
from urllib.parse import parse_qs, urlsplit

from srpipeline.shoprenter.errors import NotShoprenterApi

SHOP_DATETIME = "%Y-%m-%dT%H:%M:%S"


@dataclass(frozen=True)
class Window:
    """Shop change times ``[lo, hi]`` as aware datetimes; ``lo`` None means from the beginning."""

    lo: datetime | None
    hi: datetime

    def __post_init__(self) -> None:
        for bound in (self.lo, self.hi):
            if bound is not None and bound.utcoffset() is None:
                raise ValueError("Window bounds must be timezone-aware datetimes")
        if self.lo is not None and self.lo > self.hi:
            raise ValueError(f"Window lo {self.lo.isoformat()} is after hi {self.hi.isoformat()}")

    def params(self, tz: tzinfo) -> dict[str, str]:
        """``updatedAtMin``/``updatedAtMax`` in the shop's local time, as the shop's filters want them.

        The shop compares local wall-clock times, which run backwards once a year (the repeated
        October hour). When the clocks go back inside the window, both bounds widen by the jump, so
        every row changed in ``[lo, hi]`` is inside the local bounds; the extra rows are harmless.
        """
        hi = self.hi.astimezone(tz)
        lo = self.lo.astimezone(tz) if self.lo is not None else None
        jump = (lo.utcoffset() - hi.utcoffset()) if lo is not None else timedelta(0)  # type: ignore[operator]
        jump = max(jump, timedelta(0))
        params = {"updatedAtMax": (hi.replace(tzinfo=None) + jump).strftime(SHOP_DATETIME)}
        if lo is not None:
            params["updatedAtMin"] = (lo.replace(tzinfo=None) - jump).strftime(SHOP_DATETIME)
        return params


@dataclass(frozen=True)
class ReverseCursor:
    """Rows ``[0, end)`` of the window (by current position) are still to read; ``end`` 0 = done."""

    end: int

    @property
    def done(self) -> bool:
        return self.end <= 0

    def to_json(self) -> dict[str, int]:
        return {"end": self.end}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReverseCursor:
        return cls(end=int(data["end"]))


@dataclass(frozen=True)
class ListPage:
    """One list page. ``last`` says the read is complete after it; the resume point to checkpoint is
    ``next_inner_id_min`` (keyset reads) or ``resume`` (reverse reads). ``companion_ids``: the ids
    of the paired id-only read (see ``ShoprenterClient.iter_keyset``)."""

    items: list[dict[str, Any]]
    page: int
    page_count: int
    limit: int
    last: bool = False
    next_inner_id_min: int | None = None
    resume: ReverseCursor | None = None
    companion_ids: frozenset[str] | None = None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _page_of(link: Any) -> int | None:
    if not isinstance(link, dict) or not isinstance(link.get("href"), str):
        return None
    values = parse_qs(urlsplit(link["href"]).query).get("page")
    return _int(values[0]) if values else None


def read_envelope(body: Any, resource: str, *, page: int, limit: int) -> ListPage:
    """The list envelope as a ListPage. ``pageCount`` is often absent (and once "0" beside items):
    the page count is the largest of ``pageCount``, the ``last`` link's page + 1 and this page + 1.
    A single item may come as an object instead of a one-item list (seen in the examples)."""
    if not isinstance(body, dict) or "items" not in body:
        raise NotShoprenterApi(
            f"the answer for /{resource} is not a Shoprenter list: check SHOPRENTER_API_URL"
        )
    items = body["items"]
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        raise NotShoprenterApi(f"the answer for /{resource} has no item list: check SHOPRENTER_API_URL")
    served_page = _int(body.get("page"))
    served_page = page if served_page is None else served_page
    counts = [_int(body.get("pageCount")) or 0, served_page + 1 if items else 0]
    last_page = _page_of(body.get("last"))
    if last_page is not None:
        counts.append(last_page + 1)
    empty_list = not items and served_page == 0
    return ListPage(
        items=items,
        page=served_page,
        page_count=0 if empty_list else max(counts),
        limit=_int(body.get("limit")) or limit,
    )
