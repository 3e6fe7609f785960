"""Sending to the shop: one requests Session, the throttle, the Authorization header, retries, counters.

Every request goes through ``Transport.send``: throttle, auth header, then one of
- success (2xx with a JSON body),
- retry with capped exponential backoff and jitter (429, 500/502/503/504, timeouts, dropped
  connections, truncated or broken JSON bodies), a 429 pausing every thread of the client,
- a typed, one-line ShoprenterError (400, 401, 403, 404, redirects, non-API answers) with no retry
  (what each answer means is in answers.py).

Own loop, not urllib3.Retry/tenacity: retries re-take the throttle, re-query after a 504, renew on 401.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import requests
from pydantic import SecretStr

from srpipeline.shoprenter import parse
from srpipeline.shoprenter.answers import (
    PAGE_PAST_LAST,
    RETRY_STATUSES,
    PagePastLast,
    Retryable,
    http_error,
    json_body,
    out_of_retries,
    retry_after,
    send_failure,
    shop_error,
)
from srpipeline.shoprenter.auth import BasicAuth, BearerAuth, Token
from srpipeline.shoprenter.config import ShopConfig
from srpipeline.shoprenter.errors import CredentialsRejected, NotShoprenterApi
from srpipeline.shoprenter.throttle import Clock, Sleep, Throttle, backoff_delay

Params = Mapping[str, Any]


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


class PageSize:
    """The page size of one read: halved (down to a floor) after each 504."""

    def __init__(self, size: int, floor: int) -> None:
        self.current = size
        self._floor = min(floor, size)

    def halve(self) -> bool:
        smaller = max(self._floor, self.current // 2)
        changed, self.current = smaller != self.current, smaller
        return changed


class Transport:
    """One shop's session, throttle and auth. Thread-safe: threads share its rate limit."""

    def __init__(
        self,
        config: ShopConfig,
        *,
        session: requests.Session | None,
        clock: Clock,
        sleep: Sleep,
        rng: random.Random,
        logger: logging.Logger,
    ) -> None:
        self.config = config
        self.stats = ClientStats()
        self._base = config.normalized_url
        self._sleep = sleep
        self._rng = rng
        self._log = logger
        self._session = session or requests.Session()
        self._session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
        self._throttle = Throttle(
            config.rate,
            margin=config.throttle_margin,
            backoff_base=config.backoff_base,
            backoff_cap=config.backoff_cap,
            clock=clock,
            sleep=sleep,
            rng=rng,
        )
        if config.auth_mode == "basic":
            assert config.username is not None and config.password is not None
            self._auth: BasicAuth | BearerAuth = BasicAuth(config.username, config.password)
        else:
            self._auth = BearerAuth(self._fetch_token, clock)

    def close(self) -> None:
        self._session.close()

    def send(
        self,
        method: str,
        path_or_url: str,
        *,
        params: Params | Callable[[], Params] | None = None,
        json_body: Any = None,
        size: PageSize | None = None,
        authorize: bool = True,
    ) -> Any:
        """Send with throttle, auth and retries; returns the parsed JSON body or raises ShoprenterError
        (PagePastLast for 400 / 40008, which list reads turn into an empty page).

        ``params`` may be a function: it is called per attempt, so a page size halved after a 504
        (``size``) shows in the next attempt's query.
        """
        url = path_or_url if "://" in path_or_url else f"{self._base}/{path_or_url.lstrip('/')}"
        path = urlsplit(url).path
        renewed = False
        attempt = 0
        while True:
            query = params() if callable(params) else params
            headers = {"Authorization": self._auth.header().get_secret_value()} if authorize else {}
            self._throttle.acquire()
            self.stats.add(requests=1)
            try:
                return self._attempt(method, url, query, json_body, headers, size)
            except CredentialsRejected:
                if not authorize or renewed or not self._auth.renew_after_401():
                    raise
                renewed = True
                self._log.info("Shoprenter %s %s: 401, fetching a new access token once", method, path)
            except Retryable as failure:
                if attempt >= self.config.max_retries:
                    raise out_of_retries(self.config, failure, attempt + 1) from None
                attempt += 1
                self._wait_to_retry(method, path, failure, attempt)

    def _wait_to_retry(self, method: str, path: str, failure: Retryable, attempt: int) -> None:
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
        query: Params | None,
        json_data: Any,
        headers: dict[str, str],
        size: PageSize | None,
    ) -> Any:
        try:
            response = self._session.request(
                method,
                url,
                params=query,
                json=json_data,
                headers=headers,
                timeout=self.config.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise send_failure(exc, url) from None
        status = response.status_code
        if status in RETRY_STATUSES:
            raise self._retryable(response, size)
        body = json_body(response, url)
        if 200 <= status < 300:
            self._throttle.succeeded()
            return body
        if status == 400 and shop_error(body)[0] == PAGE_PAST_LAST:
            raise PagePastLast()
        raise http_error(self.config, status, urlsplit(url).path, body, bool(headers))

    def _retryable(self, response: requests.Response, size: PageSize | None) -> Retryable:
        """A 429 pauses the whole client; a 504 halves the page size of a list read."""
        status = response.status_code
        if status == 429:
            self.stats.add(throttled=1)
            pause = self._throttle.throttled(retry_after(response.headers.get("Retry-After")))
            return Retryable(f"429 rate limited, client paused {pause:.2f}s")
        if status == 504 and size is not None and size.halve():
            return Retryable(f"504, page size halved to {size.current}")
        return Retryable(f"HTTP {status}")

    def _fetch_token(self) -> Token:
        url = self.config.resolved_token_url
        assert url is not None and self.config.client_secret is not None
        body = self.send(
            "POST",
            url,
            json_body={
                "grant_type": "client_credentials",
                "client_id": self.config.client_id,
                "client_secret": self.config.client_secret.get_secret_value(),
            },
            authorize=False,
        )
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise NotShoprenterApi(
                "the token endpoint answered without an access_token: check SHOPRENTER_TOKEN_URL"
            )
        expires_in = parse.integer(body.get("expires_in"), "expires_in")
        return Token(value=SecretStr(body["access_token"]), expires_in=float(expires_in or 3600))
