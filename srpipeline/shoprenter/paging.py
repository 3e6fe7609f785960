"""Reading a list without gaps: the change window, one page, the resume points, and the reads.

Paging without gaps (design.md, "Windows without gaps"): inside a frozen window rows can only
leave (a changed row gets a newer ``dateUpdated``), which shifts the rows after them down.
- Keyset (orders): always page 0 of ``innerIdMin = last seen + 1``: shifts cannot skip a row.
- Reverse (customers, id-only reads): read from the end towards row 0. Positions are kept in ROWS,
  not pages, so the cursor stays right when the page size halves after a 504.
A page past the last one (400 / 40008) is an empty page, and a 504 halves the page size of the read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

from srpipeline.shoprenter import parse
from srpipeline.shoprenter.answers import PagePastLast
from srpipeline.shoprenter.errors import NotShoprenterApi
from srpipeline.shoprenter.records import BadRecord
from srpipeline.shoprenter.transport import PageSize, Params, Transport

T = TypeVar("T")
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

    def to_json(self) -> dict[str, Any]:
        return {"lo": self.lo.isoformat() if self.lo else None, "hi": self.hi.isoformat()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Window:
        lo = data.get("lo")
        return cls(lo=datetime.fromisoformat(lo) if lo else None, hi=datetime.fromisoformat(data["hi"]))


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
    """One list page of raw items. ``last`` says the read is complete after it; the resume point is
    ``next_inner_id_min`` (keyset reads) or ``resume`` (reverse reads)."""

    items: list[dict[str, Any]]
    page: int
    page_count: int
    limit: int
    last: bool = False
    next_inner_id_min: int | None = None
    resume: ReverseCursor | None = None


@dataclass(frozen=True, slots=True)
class RecordPage(Generic[T]):
    """One page of a windowed read, parsed: what to load, what was quarantined, where the read stands.

    ``rows`` counts what the shop sent (records and quarantined ones). The resume point after the
    page is ``next_inner_id_min`` (orders) or ``resume`` (customers); ``last``: the read is complete.
    ``storno_inner_ids``: the page's orders that are storno (see ``ShoprenterClient.order_pages``).
    """

    records: list[T]
    bad: list[BadRecord]
    rows: int
    last: bool
    pages_left: int | None = None
    next_inner_id_min: int | None = None
    resume: ReverseCursor | None = None
    storno_inner_ids: frozenset[int] = frozenset()


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


def _read_page(
    transport: Transport,
    resource: str,
    page_for: Callable[[int], int],
    size: PageSize,
    full: bool,
    params: Params,
) -> ListPage:
    """One page; ``page_for(limit)`` is the page number at the current (maybe halved) page size."""

    def query() -> dict[str, Any]:
        return {**params, "page": page_for(size.current), "limit": size.current, "full": int(full)}

    try:
        body = transport.send("GET", resource, params=query, size=size)
    except PagePastLast:
        page = page_for(size.current)
        return ListPage(items=[], page=page, page_count=page, limit=size.current)
    envelope = read_envelope(body, resource, page=page_for(size.current), limit=size.current)
    return replace(envelope, limit=size.current)


def _first_page(_limit: int) -> int:
    return 0


def _page_size(transport: Transport) -> PageSize:
    return PageSize(transport.config.page_size, transport.config.min_page_size)


def list_page(
    transport: Transport, resource: str, *, page: int = 0, params: Params | None = None
) -> ListPage:
    """One page of full objects; a page past the last is an empty page, not an error."""
    return _read_page(transport, resource, lambda _limit: page, _page_size(transport), True, params or {})


def lists_any(transport: Transport, resource: str, params: Params) -> bool:
    """Whether ``resource`` lists anything with ``params``: one id-only request for one item."""
    return bool(_read_page(transport, resource, _first_page, PageSize(1, 1), False, params).items)


class KeysetRead:
    """Page 0 of ``innerIdMin = last seen + 1``, ascending, until a short page (orders).

    ``ids`` reads the id-only page at the current position (with extra filters), ``next_page`` the
    full page there and moves past it; both share one page size, so a 504 halves it for both.
    """

    def __init__(self, transport: Transport, resource: str, query: Params, *, inner_id_min: int = 0) -> None:
        self._transport = transport
        self._resource = resource
        self._query = query
        self._size = _page_size(transport)
        self.next_inner_id_min = inner_id_min
        self.done = False

    def _position(self) -> dict[str, Any]:
        return {**self._query, "innerIdMin": self.next_inner_id_min}

    def ids(self, filters: Params) -> frozenset[str]:
        """The ids of the id-only page at the current position with ``filters`` added."""
        query = {**self._position(), **filters}
        page = _read_page(self._transport, self._resource, _first_page, self._size, False, query)
        return frozenset(filter(None, map(parse.link_id, page.items)))

    def next_page(self) -> ListPage:
        """The full page at the current position; ``done`` (and the page's ``last``) after a short one."""
        page = _read_page(self._transport, self._resource, _first_page, self._size, True, self._position())
        if page.items:
            self.next_inner_id_min = max(_keyset_id(item, self._resource) for item in page.items) + 1
        self.done = not page.items or len(page.items) < page.limit or page.page_count <= 1
        return replace(page, last=self.done, next_inner_id_min=self.next_inner_id_min)


def reverse_pages(
    transport: Transport,
    resource: str,
    *,
    params: Params,
    full: bool = True,
    resume: ReverseCursor | None = None,
) -> Iterator[ListPage]:
    """The pages last first, page 0 last (customers; id-only reads with ``full=False``).

    Rows that leave the window mid-read shift the later rows down, onto pages not read yet. A
    first request with ``limit=1`` counts the rows (its page count); positions are rows, so the
    ``resume`` cursor stays right when a 504 halves the page size.
    """
    size = _page_size(transport)
    cursor = resume
    if cursor is None:
        probe = _read_page(transport, resource, _first_page, PageSize(1, 1), False, params)
        cursor = ReverseCursor(end=probe.page_count)
    if cursor.done:
        yield ListPage(items=[], page=0, page_count=0, limit=size.current, last=True, resume=cursor)
        return
    seen: set[str] = set()  # a row that shifted onto the next page is handed out once
    while not cursor.done:
        end = cursor.end
        page = _read_page(transport, resource, lambda limit, end=end: (end - 1) // limit, size, full, params)
        cursor = ReverseCursor(end=((end - 1) // size.current) * size.current)
        fresh = [item for item in page.items if _item_key(item) not in seen]
        seen.update(_item_key(item) for item in fresh)
        yield replace(page, items=fresh, last=cursor.done, resume=cursor)


def read_all(transport: Transport, resource: str, params: Params | None = None) -> list[dict[str, Any]]:
    """Every item of a small resource (full objects), in the shop's order. One request when it
    fits on one page (nothing can shift within one answer); else read in reverse, so a deletion
    mid-read cannot hide a row."""
    first = list_page(transport, resource, params=params)
    if first.page_count <= 1:
        return first.items
    pages = list(reverse_pages(transport, resource, params=params or {}))
    return [item for page in reversed(pages) for item in page.items]


def _item_key(item: Mapping[str, Any]) -> str:
    return str(item.get("id") or item.get("href"))


def _keyset_id(item: Mapping[str, Any], resource: str) -> int:
    try:
        return parse.inner_id(item)
    except parse.RecordError:
        raise NotShoprenterApi(
            f"an item of /{resource} has no innerId, so it cannot be paged by innerIdMin"
        ) from None
