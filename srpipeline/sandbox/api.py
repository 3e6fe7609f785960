"""The shop's HTTP semantics, free of sockets: one request in, one :class:`Reply` out.

Order of checks for an API request: authentication (401), added latency, 429 storm, rate limit
(429), injected 5xx, routing (404/405), parameters (400), then the answer, which may still be
dropped or cut by a fault. The token endpoint and ``/_admin`` are not subject to faults or limits.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson

from srpipeline.sandbox.auth import TokenIssuer
from srpipeline.sandbox.errors import ApiError, not_found, page_not_found
from srpipeline.sandbox.faults import FaultConfig
from srpipeline.sandbox.query import parse_paging
from srpipeline.sandbox.ratelimit import SlidingWindowLimiter
from srpipeline.sandbox.resources import Resource, build_resources
from srpipeline.sandbox.store import BASE_PLACEHOLDER, ShopStore
from srpipeline.sandbox.xmlbody import to_xml

TOKEN_PATH = "/oauth/sandbox/app/token"
API2_PREFIX = "/api"
ADMIN_PREFIX = "/_admin/"
MAX_BATCH = 200
PageHook = Callable[[str, dict[str, str], int], None]


@dataclass(frozen=True, slots=True)
class LoggedRequest:
    at: float  # time.time() when the request arrived
    method: str
    path: str
    query: dict[str, str]
    status: int  # 0 when the connection was dropped on purpose
    credentials_id: str  # basic username or OAuth client id; "" when not authenticated


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering
    truncate: bool = False  # send only the first half of the body


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, orjson.dumps(body), headers=headers or {})


class ShopApi:
    """Answers requests for one sandbox shop; shared by all server threads."""

    def __init__(
        self,
        store: ShopStore,
        issuer: TokenIssuer,
        limiter: SlidingWindowLimiter,
        faults: FaultConfig,
        admin: Callable[[str, str, dict[str, Any]], Any],
    ) -> None:
        self.store = store
        self.issuer = issuer
        self.limiter = limiter
        self.faults = faults
        self.admin = admin
        self.resources: dict[str, Resource] = build_resources()
        self.retry_after: float | None = None  # seconds to send in Retry-After with a 429; None: no header
        self.request_log: list[LoggedRequest] = []
        self._log_lock = threading.Lock()
        self._hooks: list[PageHook] = []

    # -- hooks and log ---------------------------------------------------------------------
    def add_page_hook(self, hook: PageHook) -> Callable[[], None]:
        self._hooks.append(hook)
        return lambda: self._hooks.remove(hook) if hook in self._hooks else None

    def clear_log(self) -> None:
        with self._log_lock:
            self.request_log.clear()

    def log_entries(self) -> list[dict[str, Any]]:
        with self._log_lock:
            return [asdict(entry) for entry in self.request_log]

    # -- entry point -----------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes, host: str) -> Reply:
        at = time.time()
        parts = urlsplit(target)
        path = parts.path
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        if path.startswith(ADMIN_PREFIX):
            return self._admin(method, path[len(ADMIN_PREFIX) :], body)
        credentials_id = ""
        try:
            if path == TOKEN_PATH:
                reply = self._token(method, body)
            else:
                api2 = path == API2_PREFIX or path.startswith(API2_PREFIX + "/")
                credentials_id = self._authenticate(headers.get("authorization", ""), api2)
                base = f"http://{host}" + (API2_PREFIX if api2 else "")
                reply = self._api(
                    method, path[len(API2_PREFIX) :] if api2 else path, pairs, body, base, credentials_id
                )
        except ApiError as error:
            reply = _json(error.status, error.body())
        wants_xml = "json" not in headers.get("accept", "") and path != TOKEN_PATH  # OAuth answers JSON only
        if wants_xml and not reply.drop:
            xml = to_xml(orjson.loads(reply.body))
            reply = Reply(reply.status, xml, "application/xml", reply.headers, truncate=reply.truncate)
        if reply.truncate:
            reply.body = reply.body[: max(1, len(reply.body) // 2)]
        with self._log_lock:
            status = 0 if reply.drop else reply.status
            self.request_log.append(LoggedRequest(at, method, path, dict(pairs), status, credentials_id))
        return reply

    def _authenticate(self, authorization: str, api2: bool) -> str:
        scheme, _, value = authorization.partition(" ")
        if api2 and scheme.lower() == "bearer":
            owner = self.issuer.bearer_owner(value.strip())
        elif not api2 and scheme.lower() == "basic":
            owner = self.issuer.basic_owner(value.strip())
        else:
            owner = None
        if owner is None:
            expected = "a valid Bearer token" if api2 else "valid Basic credentials"
            raise ApiError(401, 40101, f"Unauthorized: this API needs {expected}.")
        return owner

    def _token(self, method: str, body: bytes) -> Reply:
        if method != "POST":
            raise ApiError(405, 405, "Method not allowed")
        try:
            data = json.loads(body or b"{}")
            if not isinstance(data, dict):
                raise ValueError
        except ValueError:
            data = dict(parse_qsl(body.decode(errors="replace")))
        if data.get("grant_type") != "client_credentials":
            return _json(
                400, {"error": "unsupported_grant_type", "error_description": "Use client_credentials."}
            )
        token = self.issuer.issue(str(data.get("client_id", "")), str(data.get("client_secret", "")))
        if token is None:
            return _json(
                401, {"error": "invalid_client", "error_description": "Client authentication failed."}
            )
        return _json(200, {"token_type": "Bearer", "expires_in": self.issuer.ttl, "access_token": token})

    # -- API requests ----------------------------------------------------------------------
    def _api(
        self,
        method: str,
        path: str,
        pairs: list[tuple[str, str]],
        body: bytes,
        base: str,
        credentials_id: str,
    ) -> Reply:
        faults = self.faults
        if faults.latency > 0:
            time.sleep(faults.latency)
        if faults.in_storm() or not self.limiter.admit(credentials_id):
            headers = (
                {"Retry-After": str(math.ceil(self.retry_after))} if self.retry_after is not None else {}
            )
            return _json(429, {"error": 429, "message": "Too Many Requests"}, headers)
        injected = faults.draw_error()
        if injected is not None:
            return _json(injected, {"error": injected, "message": f"Injected server error {injected}"})
        if faults.draw(faults.drop_rate):
            return Reply(0, drop=True)
        if path == "/batch":
            if method != "POST":
                raise ApiError(405, 405, "Method not allowed")
            reply = self._batch(body, base)
        else:
            if method != "GET":
                raise ApiError(405, 405, "Method not allowed")
            status, payload = self.get(path, pairs, base)
            reply = Reply(status, payload)
        reply.truncate = faults.draw(faults.truncate_rate)
        return reply

    def get(self, path: str, pairs: list[tuple[str, str]], base: str) -> tuple[int, bytes]:
        """A GET below the API base (``/orders``, ``/orders/{id}``): status and JSON body."""
        segments = [s for s in path.split("/") if s]
        resource = self.resources.get(segments[0]) if segments else None
        if resource is None or len(segments) > 2:
            raise not_found(path)
        params = dict(pairs)
        if len(segments) == 2:
            with self.store.lock:
                row = resource.find(self.store, segments[1])
                if row is None:
                    raise not_found(path)
                body = resource.item(self.store, row)
            return 200, body.replace(BASE_PLACEHOLDER.encode(), base.encode())
        resource.check_params(params)
        paging = parse_paging(params)
        if self.faults.oversize_504 is not None and paging.limit > self.faults.oversize_504:
            raise ApiError(504, 504, "Gateway Time-out")
        with self.store.lock:
            selection = resource.select(self.store, params)
            page_count = math.ceil(selection.count / paging.limit)
            last = max(page_count - 1, 0)
            if paging.page > last:
                raise page_not_found(paging.page, last)
            start = paging.page * paging.limit
            rows = selection.rows(start, start + paging.limit)
            if paging.full:
                items = [resource.item(self.store, row) for row in rows]
            else:
                items = [
                    orjson.dumps({"href": f"{BASE_PLACEHOLDER}/{resource.name}/{resource.opaque_id(row)}"})
                    for row in rows
                ]
        head = self._envelope(resource, pairs, paging.page, paging.limit, page_count, last)
        body = head[:-1] + b',"items":[' + b",".join(items) + b"]}"
        for hook in list(self._hooks):
            hook(resource.name, params, paging.page)
        return 200, body.replace(BASE_PLACEHOLDER.encode(), base.encode())

    @staticmethod
    def _envelope(
        resource: Resource, pairs: list[tuple[str, str]], page: int, limit: int, page_count: int, last: int
    ) -> bytes:
        def href(p: int) -> dict[str, str]:
            query = [(k, v) for k, v in pairs if k not in ("page", "limit")] + [
                ("page", str(p)),
                ("limit", str(limit)),
            ]
            return {"href": f"{BASE_PLACEHOLDER}/{resource.name}?{urlencode(query)}"}

        def number(n: int) -> int | str:
            return n if resource.ints_in_envelope else str(n)

        return orjson.dumps(
            {
                "href": href(page)["href"],
                "page": number(page),
                "pageCount": number(page_count),
                "limit": number(limit),
                "first": href(0),
                "previous": href(page - 1) if page > 0 else None,
                "next": href(page + 1) if page < last else None,
                "last": href(last),
            }
        )

    def _batch(self, body: bytes, base: str) -> Reply:
        try:
            requests = orjson.loads(body)["data"]["requests"]
            if not isinstance(requests, list):
                raise TypeError
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise ApiError(
                400, 400, 'A batch needs {"data":{"requests":[{"method":"GET","uri":"..."}]}}'
            ) from None
        if len(requests) > MAX_BATCH:
            raise ApiError(400, 400, f"A batch takes at most {MAX_BATCH} requests, got {len(requests)}.")
        answers = []
        for request in requests:
            method = str(request.get("method", "GET")).upper()
            uri = str(request.get("uri", ""))
            parts = urlsplit(uri)
            path = parts.path[len(API2_PREFIX) :] if parts.path.startswith(API2_PREFIX + "/") else parts.path
            try:
                if method != "GET":
                    raise ApiError(405, 405, "Only GET is supported in a sandbox batch")
                status, payload = self.get(path, parse_qsl(parts.query, keep_blank_values=True), base)
                inner: Any = orjson.loads(payload)
            except ApiError as error:
                status, inner = error.status, error.body()
            answers.append(
                {
                    "method": method,
                    "uri": uri,
                    "response": {"header": {"statusCode": str(status)}, "body": inner},
                }
            )
        return _json(200, {"requests": {"request": answers}})

    # -- admin -----------------------------------------------------------------------------
    def _admin(self, method: str, name: str, body: bytes) -> Reply:
        try:
            kwargs = orjson.loads(body) if body else {}
            if not isinstance(kwargs, dict):
                raise TypeError("the body must be a JSON object of keyword arguments")
            return _json(200, {"result": self.admin(method, name, kwargs)})
        except (orjson.JSONDecodeError, TypeError, ValueError, KeyError) as error:
            return _json(400, {"error": 400, "message": f"{name}: {error}"})
