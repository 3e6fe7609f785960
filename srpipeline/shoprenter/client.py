"""The Shoprenter API client: one requests Session, one throttle, retries, paging, typed helpers.

Every request goes through ``_send``: throttle, auth header, then one of
- success (2xx with a JSON body),
- retry with capped exponential backoff and jitter (429, 500/502/503/504, timeouts, dropped
  connections, truncated or broken JSON bodies), a 429 pausing the whole client,
- a typed, one-line ShoprenterError (400, 401, 403, 404, redirects, non-API answers) with no retry.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import orjson
import requests
from urllib3.exceptions import NameResolutionError

from srpipeline.shoprenter import parse
from srpipeline.shoprenter.auth import BasicAuth, BearerAuth, Token
from srpipeline.shoprenter.config import Secret, ShopConfig
from srpipeline.shoprenter.errors import (
    AccessDenied,
    BadRequest,
    CredentialsRejected,
    NotShoprenterApi,
    ResourceNotFound,
    RetriesExhausted,
    ShopNotFound,
    ShoprenterError,
    ShopUnreachable,
)
from srpipeline.shoprenter.paging import ListPage, ReverseCursor, Window, read_envelope
from srpipeline.shoprenter.records import Coupon, Currency, Language, OrderStatus, Parsed
from srpipeline.shoprenter.throttle import Clock, Sleep, Throttle, backoff_delay

DEFAULT_TIMEZONE = "Europe/Budapest"
PAGE_PAST_LAST = 40008
MAX_BATCH = 200
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
Params = Mapping[str, Any]


@dataclass(frozen=True)
class ConnectionResult:
    ok: bool
    message: str


@dataclass(frozen=True)
class BatchResponse:
    """One inner answer of ``POST /batch``: the outer 200 says nothing, ``status`` is this part's."""

    uri: str
    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class ClientStats:
    """Counters the sync reports: requests sent, 429s received, retries made. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.throttled = 0
        self.retries = 0

    def add(self, *, requests: int = 0, throttled: int = 0, retries: int = 0) -> None:
        with self._lock:
            self.requests += requests
            self.throttled += throttled
            self.retries += retries

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self.requests, "throttled": self.throttled, "retries": self.retries}

    def __repr__(self) -> str:
        return f"ClientStats({self.snapshot()})"


class _PageSize:
    """The page size of one read: halved (down to a floor) after each 504."""

    def __init__(self, size: int, floor: int) -> None:
        self.current = size
        self._floor = min(floor, size)

    def halve(self) -> bool:
        smaller = max(self._floor, self.current // 2)
        changed, self.current = smaller != self.current, smaller
        return changed


class _PagePastLast(Exception):
    """400 / 40008: the page asked for is past the last one (the list shrank or was empty)."""


class _Retryable(Exception):
    """One failed attempt that the retry loop may try again; ``unreachable`` marks network failures."""

    def __init__(self, reason: str, *, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.unreachable = unreachable


@dataclass
class _ShopShare:
    """What clients of one shop and credentials share: the throttle and the cached shop facts."""

    throttle: Throttle
    tz: ZoneInfo | None = None
    languages: list[str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)  # guards tz and languages


_SHARES: dict[tuple[str, str, float], _ShopShare] = {}
_SHARES_LOCK = threading.Lock()


def _process_share(config: ShopConfig, make_throttle: Callable[[], Throttle]) -> _ShopShare:
    """The shop limits requests per shop and credentials, so every real-time client of this process
    for the same shop and credentials shares one throttle: a new client (one per Dagster asset, say)
    cannot burst past what the previous one sent in the last second, nor read the time zone and the
    languages again."""
    key = (config.normalized_url, config.username or config.client_id or "", config.rate)
    with _SHARES_LOCK:
        if key not in _SHARES:
            _SHARES[key] = _ShopShare(make_throttle())
        return _SHARES[key]


class ShoprenterClient:
    """One shop, one throttle. Thread-safe: threads may share a client (and its rate limit)."""

    def __init__(
        self,
        config: ShopConfig,
        *,
        session: requests.Session | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        rng: random.Random | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self.config = config
        self.stats = ClientStats()
        self._base = config.normalized_url
        self._host = urlsplit(self._base).netloc
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._log = logger or logging.getLogger(__name__)
        self._session = session or requests.Session()
        self._session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})

        def make_throttle() -> Throttle:
            return Throttle(
                config.rate,
                margin=config.throttle_margin,
                backoff_base=config.backoff_base,
                backoff_cap=config.backoff_cap,
                clock=clock,
                sleep=sleep,
                rng=self._rng,
            )

        real_time = clock is time.monotonic and sleep is time.sleep
        self._share = _process_share(config, make_throttle) if real_time else _ShopShare(make_throttle())
        self._throttle = self._share.throttle
        if config.auth_mode == "basic":
            assert config.username is not None and config.password is not None
            self._auth: BasicAuth | BearerAuth = BasicAuth(config.username, config.password)
        else:
            self._auth = BearerAuth(self._fetch_token, clock)

    def __repr__(self) -> str:
        return f"ShoprenterClient({self._base!r}, auth={self.config.auth_mode})"

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> ShoprenterClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- the one way to send

    def _send(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Params | Callable[[], Params] | None = None,
        json_body: Any = None,
        size: _PageSize | None = None,
        authorize: bool = True,
    ) -> Any:
        """Send with throttle, auth and retries; returns the parsed JSON body or raises ShoprenterError.

        ``params`` may be a function: it is called per attempt, so a page size halved after a 504
        (``size``) shows in the next attempt's query.
        """
        url = path_or_url if "://" in path_or_url else f"{self._base}/{path_or_url.lstrip('/')}"
        path = urlsplit(url).path
        renewed = False
        attempt = 0
        while True:
            query = params() if callable(params) else params
            headers = {"Authorization": self._auth.header().reveal()} if authorize else {}
            self._throttle.acquire()
            self.stats.add(requests=1)
            try:
                return self._attempt(method, url, path, query, json_body, headers, size)
            except CredentialsRejected:
                if not authorize or renewed or not self._auth.renew_after_401():
                    raise
                renewed = True
                self._log.info("Shoprenter %s %s: 401, fetching a new access token once", method, path)
            except _Retryable as failure:
                if attempt >= self.config.max_retries:
                    raise self._out_of_retries(failure, attempt + 1) from None
                attempt += 1
                self.stats.add(retries=1)
                delay = backoff_delay(
                    attempt - 1, base=self.config.backoff_base, cap=self.config.backoff_cap, rng=self._rng
                )
                self._log.warning(
                    "Shoprenter %s %s: %s; retry %d of %d in %.2fs",
                    method, path, failure.reason, attempt, self.config.max_retries, delay,
                )  # fmt: skip
                self._sleep(delay)

    def _attempt(
        self,
        method: str,
        url: str,
        path: str,
        query: Params | None,
        json_body: Any,
        headers: dict[str, str],
        size: _PageSize | None,
    ) -> Any:
        try:
            response = self._session.request(
                method,
                url,
                params=query,
                json=json_body,
                headers=headers,
                timeout=self.config.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise _Retryable("timed out", unreachable=True) from None
        except requests.ConnectionError as exc:
            if _is_dns_failure(exc):
                raise ShopNotFound(
                    f"cannot resolve {urlsplit(url).hostname}: check the shop name in SHOPRENTER_API_URL"
                ) from None
            raise _Retryable(f"connection failed ({_short(exc)})", unreachable=True) from None
        except requests.RequestException as exc:  # ChunkedEncodingError, ContentDecodingError, ...
            raise _Retryable(f"broken answer ({type(exc).__name__})") from None
        status = response.status_code
        if status in RETRY_STATUSES:
            if status == 429:
                self.stats.add(throttled=1)
                pause = self._throttle.throttled(_retry_after(response.headers.get("Retry-After")))
                raise _Retryable(f"429 rate limited, client paused {pause:.2f}s")
            if status == 504 and size is not None and size.halve():
                raise _Retryable(f"504, page size halved to {size.current}")
            raise _Retryable(f"HTTP {status}")
        body = self._json_body(response, url)
        if 200 <= status < 300:
            self._throttle.succeeded()
            return body
        if status == 400 and _shop_error(body)[0] == PAGE_PAST_LAST:
            raise _PagePastLast()
        raise self._http_error(status, path, body, bool(headers))

    def _json_body(self, response: requests.Response, url: str) -> Any:
        try:
            return orjson.loads(response.content) if response.content else None
        except ValueError:
            kind = response.headers.get("Content-Type", "")
            if "json" in kind or response.content.lstrip()[:1] in (b"{", b"["):
                raise _Retryable("truncated or broken JSON answer") from None
            raise NotShoprenterApi(
                f"{urlsplit(url).netloc} answered HTTP {response.status_code} with "
                f"{kind.split(';')[0] or 'no content type'}, not the Shoprenter API's JSON: "
                "check SHOPRENTER_API_URL"
            ) from None

    def _http_error(self, status: int, path: str, body: Any, authorized: bool) -> ShoprenterError:
        code, message = _shop_error(body)
        if status == 400:
            return BadRequest(
                f"the shop rejected the request to {path} (400, code {code}: {message}): "
                "this is a bug in srpipeline, please report it",
                code=code,
                shop_message=message,
            )
        if status == 401:
            what = self._credential_names()
            if not authorized:
                return CredentialsRejected(f"credentials rejected by the token endpoint (401): check {what}")
            return CredentialsRejected(
                f"credentials rejected (401): check {what} and that the API user still has permission"
            )
        if status == 403:
            return AccessDenied(
                "access denied (403): switch the API on in the shop admin (Settings > API settings), "
                "check the shop's plan includes the API, and that the API client has the read scopes"
            )
        if status == 404:
            if path.rstrip("/").count("/") <= self._base_depth() + 1:
                return ShopNotFound(f"the shop answered 404 for {path}: check SHOPRENTER_API_URL")
            return ResourceNotFound(f"{path} was not found (404): the shop deleted it")
        if 300 <= status < 400:
            return NotShoprenterApi(
                f"{self._host} redirects ({status}): set SHOPRENTER_API_URL to the https API address"
            )
        return NotShoprenterApi(f"{self._host} answered HTTP {status} for {path}: check SHOPRENTER_API_URL")

    def _base_depth(self) -> int:
        return urlsplit(self._base).path.rstrip("/").count("/")

    def _credential_names(self) -> str:
        if self.config.auth_mode == "basic":
            return "SHOPRENTER_USERNAME and SHOPRENTER_PASSWORD (Settings > API settings)"
        return "SHOPRENTER_CLIENT_ID and SHOPRENTER_CLIENT_SECRET"

    def _out_of_retries(self, failure: _Retryable, attempts: int) -> ShoprenterError:
        if failure.unreachable:
            return ShopUnreachable(
                f"{self._host} is not reachable ({failure.reason}) after {attempts} attempts: "
                "check the network and SHOPRENTER_API_URL, then try again"
            )
        return RetriesExhausted(
            f"the shop kept failing ({failure.reason}) after {attempts} attempts: try again later"
        )

    def _fetch_token(self) -> Token:
        url = self.config.resolved_token_url
        assert url is not None and self.config.client_secret is not None
        body = self._send(
            "POST",
            url,
            json_body={
                "grant_type": "client_credentials",
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret.reveal(),
            },
            authorize=False,
        )
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise NotShoprenterApi(
                "the token endpoint answered without an access_token: check SHOPRENTER_TOKEN_URL"
            )
        expires_in = parse.integer(body.get("expires_in"), "expires_in")
        return Token(value=Secret(body["access_token"]), expires_in=float(expires_in or 3600))

    # ----------------------------------------------------------------- reads

    def get(self, path: str, params: Params | None = None) -> Any:
        """One GET; returns the JSON body. A missing single item raises ResourceNotFound."""
        return self._send("GET", path, params=params)

    def list_page(
        self,
        resource: str,
        *,
        page: int,
        limit: int | None = None,
        full: bool = True,
        params: Params | None = None,
    ) -> ListPage:
        """One page of a list; a page past the last is an empty page, not an error."""
        size = _PageSize(limit or self.config.page_size, self.config.min_page_size)
        return self._page(resource, lambda _limit: page, size, full, params or {})

    def _page(
        self,
        resource: str,
        page_for: Callable[[int], int],
        size: _PageSize,
        full: bool,
        params: Params,
    ) -> ListPage:
        def query() -> dict[str, Any]:
            return {**params, "page": page_for(size.current), "limit": size.current, "full": int(full)}

        try:
            body = self._send("GET", resource, params=query, size=size)
        except _PagePastLast:
            page = page_for(size.current)
            return ListPage(items=[], page=page, page_count=page, limit=size.current)
        envelope = read_envelope(body, resource, page=page_for(size.current), limit=size.current)
        return replace(envelope, limit=size.current)

    def iter_keyset(
        self,
        resource: str,
        *,
        window: Window,
        params: Params | None = None,
        start_inner_id_min: int = 0,
        companion: Params | None = None,
    ) -> Iterator[ListPage]:
        """Page 0 of ``innerIdMin = last seen + 1``, ascending, until a short page (orders).

        Each page's ``next_inner_id_min`` is the resume point after it; ``last`` marks the end.
        ``companion``: extra filters of an id-only read of the same keyset position, sent just before
        each full page; its ids come as the page's ``companion_ids`` (orders use ``excludeStorno=1``
        to tell storno orders apart, since nothing in an order marks it).
        """
        query = {**(params or {}), **window.params(self.shop_timezone())}
        size = _PageSize(self.config.page_size, self.config.min_page_size)
        next_min = start_inner_id_min
        while True:
            keyset = {**query, "innerIdMin": next_min}
            ids = None
            if companion is not None:
                id_page = self._page(resource, lambda _limit: 0, size, False, {**keyset, **companion})
                ids = frozenset(filter(None, map(parse.link_id, id_page.items)))
            page = replace(self._page(resource, lambda _limit: 0, size, True, keyset), companion_ids=ids)
            if page.items:
                next_min = max(_keyset_id(item, resource) for item in page.items) + 1
            last = not page.items or len(page.items) < page.limit or page.page_count <= 1
            yield replace(page, last=last, next_inner_id_min=next_min)
            if last:
                return

    def iter_reverse(
        self,
        resource: str,
        *,
        window: Window | None,
        params: Params | None = None,
        full: bool = True,
        resume: ReverseCursor | None = None,
    ) -> Iterator[ListPage]:
        """The window's pages last first, page 0 last (customers; id-only reads with ``full=False``).

        Rows that leave the window mid-read shift the later rows down, onto pages not read yet. A
        first request with ``limit=1`` counts the rows (its page count); positions are rows, so the
        ``resume`` cursor stays right when a 504 halves the page size.
        """
        query = {**(params or {}), **(window.params(self.shop_timezone()) if window else {})}
        size = _PageSize(self.config.page_size, self.config.min_page_size)
        cursor = resume
        if cursor is None:
            probe = self._page(resource, lambda _limit: 0, _PageSize(1, 1), False, query)
            cursor = ReverseCursor(end=probe.page_count)
        if cursor.done:
            yield ListPage(items=[], page=0, page_count=0, limit=size.current, last=True, resume=cursor)
            return
        seen: set[str] = set()  # a row that shifted onto the next page is handed out once
        while not cursor.done:
            end = cursor.end
            page = self._page(resource, lambda limit, end=end: (end - 1) // limit, size, full, query)
            cursor = ReverseCursor(end=((end - 1) // size.current) * size.current)
            fresh = [item for item in page.items if _item_key(item) not in seen]
            seen.update(_item_key(item) for item in fresh)
            yield replace(page, items=fresh, last=cursor.done, resume=cursor)

    def read_all(self, resource: str, params: Params | None = None) -> list[dict[str, Any]]:
        """Every item of a small resource (full objects), in the shop's order. One request when it
        fits on one page (nothing can shift within one answer); else read in reverse, so a deletion
        mid-read cannot hide a row."""
        first = self.list_page(resource, page=0, params=params)
        if first.page_count <= 1:
            return first.items
        pages = list(self.iter_reverse(resource, window=None, params=params))
        return [item for page in reversed(pages) for item in page.items]

    def setting(self, key: str) -> str | None:
        """One shop setting's value (``/settings?key=...``), None when the shop has no such key."""
        size = _PageSize(self.config.page_size, self.config.min_page_size)
        for item in self._page("settings", lambda _limit: 0, size, True, {"key": key}).items:
            if item.get("key") == key:
                return parse.text(item.get("value"))
        return None

    def shop_timezone(self) -> ZoneInfo:
        """The shop's ``config_timezone`` (cached); Europe/Budapest when the shop does not say."""
        share = self._share
        with share.lock:
            if share.tz is None:
                name = self.setting("config_timezone") or DEFAULT_TIMEZONE
                try:
                    share.tz = ZoneInfo(name)
                except (ZoneInfoNotFoundError, ValueError):
                    self._log.warning("Shoprenter time zone %r is unknown; using %s", name, DEFAULT_TIMEZONE)
                    share.tz = ZoneInfo(DEFAULT_TIMEZONE)
            return share.tz

    def languages(self) -> Parsed[Language]:
        return parse.parse_page(self.read_all("languages"), parse.parse_language, "languages")

    def currencies(self) -> Parsed[Currency]:
        return parse.parse_page(self.read_all("currencies"), parse.parse_currency, "currencies")

    def _language_order(self) -> list[str]:
        """Language ids, the shop's default first: the language whose code is the ``config_language``
        setting, else the lowest sort order (see parse.default_language); then by sort order.
        Cached like the time zone (see _process_share): a shop's languages change rarely."""
        share = self._share
        with share.lock:
            if share.languages is None:
                languages = self.languages().records
                default = parse.default_language(languages, self.setting("config_language"))
                ranked = sorted(languages, key=lambda x: (x is not default, x.sort_order or 0, x.inner_id))
                share.languages = [language.sr_id for language in ranked]
            return share.languages

    def order_statuses(self) -> Parsed[OrderStatus]:
        """Every order status, named by its description in the shop's default language."""
        order = self._language_order()
        described = parse.parse_page(
            self.read_all("orderStatusDescriptions"),
            parse.parse_order_status_description,
            "orderStatusDescriptions",
        )
        by_status = parse.describe_in(
            described.records, lambda d: d.status_sr_id, lambda d: d.language_sr_id, order
        )
        statuses = parse.parse_page(
            self.read_all("orderStatuses"),
            lambda raw: parse.parse_order_status(raw, by_status.get(str(raw.get("id")))),
            "orderStatuses",
        )
        statuses.bad.extend(described.bad)
        return statuses

    def coupons(self) -> Parsed[Coupon]:
        """Every coupon, named by its description in the shop's default language."""
        order = self._language_order()
        tz = self.shop_timezone()
        described = parse.parse_page(
            self.read_all("couponDescriptions"), parse.parse_coupon_description, "couponDescriptions"
        )
        by_coupon = parse.describe_in(
            described.records, lambda d: d.coupon_sr_id, lambda d: d.language_sr_id, order
        )
        names = {coupon_id: d.name for coupon_id, d in by_coupon.items() if d.name is not None}
        coupons = parse.parse_page(
            self.read_all("coupons"), lambda raw: parse.parse_coupon(raw, tz, names), "coupons"
        )
        coupons.bad.extend(described.bad)
        return coupons

    def batch(self, paths: list[str]) -> list[BatchResponse]:
        """GET up to 200 paths (e.g. ``orderExtend?full=1&page=3``) in one ``POST /batch``.

        The outer answer is 200 even when parts fail: check each response's ``ok``/``status``.
        """
        if not 1 <= len(paths) <= MAX_BATCH:
            raise ValueError(f"a batch holds 1..{MAX_BATCH} requests, got {len(paths)}")
        requests_ = [{"method": "GET", "uri": f"{self._base}/{path.lstrip('/')}"} for path in paths]
        body = self._send("POST", "batch", json_body={"data": {"requests": requests_}})
        try:
            answers = body["requests"]["request"]
            answers = [answers] if isinstance(answers, dict) else answers
            return [
                BatchResponse(
                    uri=answer["uri"],
                    status=int(answer["response"]["header"]["statusCode"]),
                    body=answer["response"].get("body"),
                )
                for answer in answers
            ]
        except (KeyError, TypeError, ValueError):
            raise NotShoprenterApi("the answer to POST /batch is not a Shoprenter batch answer") from None

    def test_connection(self) -> ConnectionResult:
        """``Connection successful!`` or ``Connection failed: <one-line reason>``."""
        try:
            read_envelope(self.get("orderStatuses", {"limit": 1}), "orderStatuses", page=0, limit=1)
        except ShoprenterError as exc:
            return ConnectionResult(ok=False, message=f"Connection failed: {exc.reason}")
        return ConnectionResult(ok=True, message="Connection successful!")


def _item_key(item: Mapping[str, Any]) -> str:
    return str(item.get("id") or item.get("href"))


def _keyset_id(item: Mapping[str, Any], resource: str) -> int:
    try:
        return parse.inner_id(item)
    except parse.RecordError:
        raise NotShoprenterApi(
            f"an item of /{resource} has no innerId, so it cannot be paged by innerIdMin"
        ) from None


def _is_dns_failure(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, NameResolutionError):
            return True
        seen = getattr(seen, "reason", None) or (seen.args[0] if seen.args else None)
        if not isinstance(seen, BaseException):
            return False
    return False


def _short(exc: BaseException) -> str:
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return type(reason or exc).__name__


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` as seconds (a number or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp() - time.time()
    except (TypeError, ValueError):
        return None


def _shop_error(body: Any) -> tuple[int | None, str]:
    """The shop's inner code and message from an error body, read defensively."""
    if not isinstance(body, dict):
        return None, ""
    message = next((str(body[k]) for k in ("message", "error_description", "error") if body.get(k)), "")
    for key in ("code", "errorCode", "innerCode", "error"):
        try:
            return int(body[key]), " ".join(message.split())[:200]
        except (KeyError, TypeError, ValueError):
            continue
    return None, " ".join(message.split())[:200]
