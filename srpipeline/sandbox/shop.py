"""SandboxShop: generated data + a real HTTP server speaking the Shoprenter API on 127.0.0.1."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from srpipeline.sandbox.api import TOKEN_PATH, LoggedRequest, PageHook, ShopApi
from srpipeline.sandbox.auth import Credentials, TokenIssuer
from srpipeline.sandbox.clock import ShopClock
from srpipeline.sandbox.control import ShopControl
from srpipeline.sandbox.faults import FaultConfig
from srpipeline.sandbox.ratelimit import SlidingWindowLimiter
from srpipeline.sandbox.server import HttpServer
from srpipeline.sandbox.store import ShopStore

DEFAULT_START = datetime(2024, 1, 1, tzinfo=UTC)


class SandboxShop:
    """A stand-in Shoprenter shop. Build with :meth:`generate`, then :meth:`start` (or ``with``)."""

    def __init__(self, store: ShopStore, credentials: Credentials, rate: float) -> None:
        self.store = store
        self.clock = store.clock
        self._credentials = credentials
        self.faults = FaultConfig()
        self.control = ShopControl(store)
        self._limiter = SlidingWindowLimiter(rate)
        self._issuer = TokenIssuer(credentials, store.clock)
        self._api = ShopApi(store, self._issuer, self._limiter, self.faults, self._admin)
        self._server: HttpServer | None = None

    @classmethod
    def generate(
        cls,
        orders: int = 500,
        customers: int = 100,
        seed: int = 1,
        rate: float = 3.0,
        timezone: str = "Europe/Budapest",
        start: datetime = DEFAULT_START,
        clock: ShopClock | None = None,
        coupons: int = 20,
        as_of: datetime | None = None,
    ) -> SandboxShop:
        """Same arguments, same shop; ``as_of`` (default now) is when the generated history ends."""
        clock = clock or ShopClock()
        store = ShopStore(
            orders=orders,
            customers=customers,
            seed=seed,
            timezone=timezone,
            start=start,
            clock=clock,
            coupons=coupons,
            as_of=as_of,
        )
        return cls(store, Credentials.generate(seed), rate)

    # -- running ---------------------------------------------------------------------------
    def start(self, port: int = 0) -> SandboxShop:
        if self._server is None:
            self._server = HttpServer(self._api, port)
            self.store.base_url = self.classic_url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> SandboxShop:
        return self.start()

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the sandbox shop is not started: call start() first")
        return self._server.port

    @property
    def classic_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api2_url(self) -> str:
        return f"{self.classic_url}/api"

    @property
    def token_url(self) -> str:
        return f"{self.classic_url}{TOKEN_PATH}"

    # -- credentials -----------------------------------------------------------------------
    @property
    def username(self) -> str:
        return self._credentials.username

    @property
    def password(self) -> str:
        return self._credentials.password

    @property
    def client_id(self) -> str:
        return self._credentials.client_id

    @property
    def client_secret(self) -> str:
        return self._credentials.client_secret

    def revoke_tokens(self) -> None:
        """Every issued access token stops working (the next request with one gets 401)."""
        self._issuer.revoke_all()

    # -- behaviour knobs -------------------------------------------------------------------
    @property
    def rate(self) -> float:
        return self._limiter.rate

    @rate.setter
    def rate(self, value: float) -> None:
        self._limiter.rate = value

    @property
    def retry_after(self) -> float | None:
        """Seconds sent in ``Retry-After`` with a 429; None (the default, like the real shop): no header."""
        return self._api.retry_after

    @retry_after.setter
    def retry_after(self, value: float | None) -> None:
        self._api.retry_after = value

    @property
    def token_ttl(self) -> int:
        return self._issuer.ttl

    @token_ttl.setter
    def token_ttl(self, seconds: int) -> None:
        self._issuer.ttl = seconds

    # -- observing -------------------------------------------------------------------------
    @property
    def request_log(self) -> list[LoggedRequest]:
        return self._api.request_log

    def clear_log(self) -> None:
        self._api.clear_log()

    def after_page(self, hook: PageHook) -> Any:
        """Call ``hook(resource, query, page)`` after each list page is built, before it is sent.

        Returns a callable that unregisters the hook.
        """
        return self._api.add_page_hook(hook)

    def __repr__(self) -> str:
        where = self.classic_url if self._server else "not started"
        return f"SandboxShop({where}, orders={len(self.store.orders)}, customers={len(self.store.customers)})"

    # -- /_admin ---------------------------------------------------------------------------
    def _admin(self, method: str, name: str, kwargs: dict[str, Any]) -> Any:
        if method == "GET" and name == "log":
            return self._api.log_entries()
        if method == "POST" and name == "clear_log":
            self.clear_log()
            return None
        if method == "POST" and name == "rate":
            self.rate = float(kwargs["rate"])
            return self.rate
        target = getattr(self.control, name, None) if not name.startswith("_") else None
        if method != "POST" or target is None or not inspect.ismethod(target):
            raise KeyError(f"no admin action {method} {name}")
        return target(**kwargs)
